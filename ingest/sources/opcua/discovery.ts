// Browse-based discovery: walk the address space below a root and pick the Variables whose browse names
// match, naming each by its browse path (levels → machine, signal…) so the registry's conventions can place
// it. browseAll (node-opcua) chunks by the server's MaxNodesPerBrowse and follows continuation points.
import {
  BrowseDirection,
  browseAll,
  NodeClass,
  NodeClassMask,
  ReferenceTypeIds,
  resolveNodeId,
  type ClientSession,
  type NodeId,
} from "node-opcua";
import type { Discovery } from "./config";
import { formatNodeId, type ParsedNodeId } from "./node-id";

export interface DiscoveredVariable {
  nodeId: NodeId;
  /** The address given to the registry: the node id in the root's namespace form (ns= or nsu=). */
  address: string;
  /** Browse names from below the root to the variable. */
  path: string[];
  /** `assign`, then the levels (the last level takes the remaining segments, joined with "."). */
  parts: Record<string, string>;
}

export function partsFor(rule: Discovery, path: string[]): Record<string, string> | undefined {
  if (path.length < rule.levels.length) return undefined;
  const parts: Record<string, string> = { ...rule.assign };
  rule.levels.forEach((level, i) => {
    parts[level] = i === rule.levels.length - 1 ? path.slice(i).join(".") : path[i];
  });
  parts.browse_path = path.join("/");
  return parts;
}

export async function discover(
  session: ClientSession,
  rule: Discovery,
  root: NodeId,
  rootText: ParsedNodeId,
  namespaceArray: readonly string[],
): Promise<DiscoveredVariable[]> {
  const include = rule.include ? new RegExp(rule.include) : undefined;
  const exclude = rule.exclude ? new RegExp(rule.exclude) : undefined;
  const found: DiscoveredVariable[] = [];
  const seen = new Set<string>([root.toString()]);
  let frontier: Array<{ nodeId: NodeId; path: string[] }> = [{ nodeId: root, path: [] }];
  for (let depth = 1; depth <= rule.maxDepth && frontier.length > 0; depth++) {
    const results = await browseAll(
      session,
      frontier.map((f) => ({
        nodeId: f.nodeId,
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: resolveNodeId(ReferenceTypeIds.HierarchicalReferences),
        includeSubtypes: true,
        nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
        resultMask: 0x3f,
      })),
    );
    const next: typeof frontier = [];
    results.forEach((result, i) => {
      if (!result.statusCode.isGood()) return;
      for (const ref of result.references ?? []) {
        const nodeId = ref.nodeId as unknown as NodeId;
        const key = nodeId.toString();
        if (seen.has(key)) continue;
        seen.add(key);
        const name = ref.browseName.name ?? "";
        const path = [...frontier[i].path, name];
        if (ref.nodeClass === NodeClass.Variable && (!include || include.test(name)) && !exclude?.test(name)) {
          const parts = partsFor(rule, path);
          if (parts) found.push({ nodeId, address: formatNodeId(nodeId, namespaceArray, rootText), path, parts });
        }
        // Objects hold the machines and their signals; Variables may hold properties (EURange…): not followed.
        if (ref.nodeClass === NodeClass.Object) next.push({ nodeId, path });
      }
    });
    frontier = next;
  }
  return found;
}
