// Lookups derived once per framework object and cached, so validating and scoring thousands of
// answer sets does no repeated tree walking. Frameworks are immutable after parseFramework.
import { maxPoints } from "./question-values";
import type { Framework, Question } from "./schema";
import { indexStructure, type IndexedNode, type StructureIndex } from "./structure";
import type { Text } from "./types";

export interface CompiledFramework {
  fw: Framework;
  structure: StructureIndex;
  questionById: Map<string, Question>;
  questionIndex: Map<string, number>;
  /** The structure node of each question, by question index. */
  questionNode: IndexedNode[];
  /** Most points each question can give, by question index. */
  maxPoints: number[];
  levelName: Map<number, Text>;
  /** Display-order index of each node by id. */
  nodeOrder: Map<string, number>;
  /** For each question, the display-order indexes of its node and every ancestor. */
  questionLineage: Int32Array[];
  /** Questions under each node (by display order), the node's own included. */
  questionsUnder: Int32Array;
}

const cache = new WeakMap<Framework, CompiledFramework>();

export function compile(fw: Framework): CompiledFramework {
  let c = cache.get(fw);
  if (!c) {
    const structure = indexStructure(fw.structure);
    c = {
      fw,
      structure,
      questionById: new Map(fw.questions.map((q) => [q.id, q])),
      questionIndex: new Map(fw.questions.map((q, i) => [q.id, i])),
      questionNode: fw.questions.map((q) => {
        const entry = structure.byId.get(q.node);
        if (!entry) throw new Error(`question ${q.id} refers to unknown node ${q.node}; parse frameworks with parseFramework`);
        return entry;
      }),
      maxPoints: fw.questions.map(maxPoints),
      levelName: new Map(fw.levels.map((l) => [l.level, l.name])),
      nodeOrder: new Map(structure.ordered.map((e) => [e.node.id, e.order])),
      questionLineage: [],
      questionsUnder: new Int32Array(structure.ordered.length),
    };
    for (const entry of c.questionNode) {
      const lineage = Int32Array.from(entry.lineage, (n) => (structure.byId.get(n.id) as IndexedNode).order);
      c.questionLineage.push(lineage);
      for (const order of lineage) c.questionsUnder[order]++;
    }
    cache.set(fw, c);
  }
  return c;
}
