// What the three scoring models share: their input and output shapes, the node-score tree, and the
// roadmap ordering.
import type { CompiledFramework } from "../compile";
import { round9 } from "../decimal";
import type { StructureNode } from "../schema";
import type { IndexedNode } from "../structure";
import { reason } from "../text";
import type { AnswerValue, AssessmentResult, IndustryType, NodeScore, Reason, RoadmapAction, ScoreContext, Text } from "../types";

export interface ModelInput {
  c: CompiledFramework;
  /** Answer used for scoring per question index (claims, or measured values where evidence replaces them). */
  answers: ReadonlyArray<AnswerValue | undefined>;
  unansweredCount: number;
  context: ScoreContext;
}

export type ModelOutput = Omit<AssessmentResult, "frameworkId" | "frameworkVersion" | "model" | "completeness" | "evidence">;

/** Scoring mode for partial answers: unanswered questions at their worst (confirmed) or best (ceiling). */
export type Bound = "worst" | "best";

export interface LeafScore {
  score: number;
  max: number;
}

/**
 * The structure as a NodeScore tree. `leaf` scores leaf nodes (null leaves them out); inner nodes add up
 * their children's score and max. `include` limits the top level (e.g. to the traits).
 */
export function nodeTree(
  input: ModelInput,
  leaf: (entry: IndexedNode) => LeafScore | null,
  include: (node: StructureNode) => boolean = () => true,
): NodeScore[] {
  const { c, answers } = input;
  const answered = new Int32Array(c.structure.ordered.length);
  for (let i = 0; i < answers.length; i++) if (answers[i] !== undefined) for (const order of c.questionLineage[i]) answered[order]++;
  const build = (node: StructureNode): NodeScore | null => {
    const entry = c.structure.ordered[c.nodeOrder.get(node.id) as number];
    let score = 0;
    let max = 0;
    const children: NodeScore[] = [];
    if (entry.isLeaf) {
      const s = leaf(entry);
      if (!s) return null;
      score = s.score;
      max = s.max;
    } else {
      for (const child of node.children ?? []) {
        const built = build(child);
        if (!built) continue;
        children.push(built);
        score += built.score;
        max += built.max;
      }
      if (children.length === 0) return null;
    }
    // the ratio from the unrounded sums, so 4.7/6 does not inherit the rounding of 4.7
    return {
      id: node.id,
      kind: node.kind,
      name: node.name,
      score: round9(score),
      max: round9(max),
      ratio: max > 0 ? round9(score / max) : 0,
      answered: answered[entry.order],
      total: c.questionsUnder[entry.order],
      children,
    };
  };
  const out: NodeScore[] = [];
  for (const root of c.fw.structure) {
    if (!include(root)) continue;
    const built = build(root);
    if (built) out.push(built);
  }
  return out;
}

/** A roadmap action with its question's position, for a stable order. */
export type RankedAction = RoadmapAction & { order: number };

/** Unblocking actions first (the minimal set for the next level), then by gain, then questionnaire order. */
export function rankRoadmap(actions: RankedAction[]): RoadmapAction[] {
  actions.sort((a, b) => Number(b.unblocks) - Number(a.unblocks) || b.gain - a.gain || a.order - b.order);
  // an explicit literal: far cheaper than a rest-spread copy on this hot path
  return actions.map((a) => ({
    questionId: a.questionId,
    text: a.text,
    from: a.from,
    to: a.to,
    gain: a.gain,
    targetLevel: a.targetLevel,
    unblocks: a.unblocks,
  }));
}

/** Highest band whose lower edge the value reaches, or null below the first band. */
export function levelByBands(bands: ReadonlyArray<{ level: number; from: number }>, value: number, atLeast: (a: number, b: number) => boolean): number | null {
  let level: number | null = null;
  for (const b of bands) if (atLeast(value, b.from)) level = b.level;
  return level;
}

/** Why the confirmed level and the ceiling differ: unanswered questions (only called when they do). */
export function partialReason(unanswered: number, value: number | null, ceiling: number | null, levelName: (l: number) => Text): Reason {
  const top = ceiling ?? 0;
  const reached = (t: Text) => ({ zh: `全部作答后最高可达“${t.zh}”`, en: `answering them could reach "${t.en}"` });
  const confirmed =
    value === null ? { zh: "目前尚未确认任何等级", en: "no level is confirmed yet" } : { zh: `目前只确认“${levelName(value).zh}”`, en: `only "${levelName(value).en}" is confirmed` };
  const r = reached(levelName(top));
  return reason(
    "level.partial",
    { unanswered, ceiling: top, value: value ?? 0 },
    `尚有 ${unanswered} 题未作答；${r.zh}，${confirmed.zh}`,
    `${unanswered} questions are unanswered; ${r.en}, ${confirmed.en}`,
  );
}

/** The context's industry type when it is one the models know, else null (it only matters to maturity weights). */
export function knownIndustryType(value: unknown): IndustryType | null {
  return value === "discrete" || value === "process" ? value : null;
}

/**
 * A model's index of a framework (which questions belong where, weights as arrays), built on first use and
 * kept as long as the framework object lives: scoring 10,000 assessments builds it once.
 */
export function indexPerFramework<T>(build: (c: CompiledFramework) => T): (c: CompiledFramework) => T {
  const built = new WeakMap<CompiledFramework["fw"], T>();
  return (c) => {
    let ix = built.get(c.fw);
    if (ix === undefined) {
      ix = build(c);
      built.set(c.fw, ix);
    }
    return ix;
  };
}
