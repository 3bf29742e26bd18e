// The structure tree of a framework flattened in display order (depth first), so scoring and the
// questionnaire can look nodes up by id and walk ancestors without recursion.
import type { StructureNode } from "./schema";

export interface IndexedNode {
  node: StructureNode;
  /** Position in display order. */
  order: number;
  parent: IndexedNode | null;
  /** Ancestors from the root down to and including this node. */
  lineage: StructureNode[];
  /** Where the node sits in the framework document, for error messages. */
  docPath: string;
  isLeaf: boolean;
}

export interface StructureIndex {
  byId: Map<string, IndexedNode>;
  /** Every node in display order. */
  ordered: IndexedNode[];
  /** Nodes whose id repeats an earlier node's (reported by the cross-checks). */
  duplicates: Array<{ docPath: string; id: string; firstAt: string }>;
}

export function indexStructure(roots: readonly StructureNode[]): StructureIndex {
  const byId = new Map<string, IndexedNode>();
  const ordered: IndexedNode[] = [];
  const duplicates: StructureIndex["duplicates"] = [];
  const visit = (node: StructureNode, parent: IndexedNode | null, docPath: string) => {
    const entry: IndexedNode = {
      node,
      order: ordered.length,
      parent,
      lineage: parent ? [...parent.lineage, node] : [node],
      docPath,
      isLeaf: !node.children || node.children.length === 0,
    };
    ordered.push(entry);
    const first = byId.get(node.id);
    if (first) duplicates.push({ docPath: `${docPath}.id`, id: node.id, firstAt: first.docPath });
    else byId.set(node.id, entry);
    node.children?.forEach((child, i) => visit(child, entry, `${docPath}.children[${i}]`));
  };
  roots.forEach((root, i) => visit(root, null, `structure[${i}]`));
  return { byId, ordered, duplicates };
}

/** The nearest node of `kind` among `entry` and its ancestors. */
export function ancestorOfKind(entry: IndexedNode, kind: string): IndexedNode | null {
  for (let e: IndexedNode | null = entry; e; e = e.parent) if (e.node.kind === kind) return e;
  return null;
}

/** Whether `entry` is `ancestorId` or lies below it. */
export function isWithin(entry: IndexedNode, ancestorId: string): boolean {
  for (let e: IndexedNode | null = entry; e; e = e.parent) if (e.node.id === ancestorId) return true;
  return false;
}
