// A scored result shaped for the result, compare and audit pages: labels and percentages for the charts,
// the gate table, the reasons and the roadmap with every answer written out in both languages.
import { describeAnswer, type Framework } from "../../assessments";
import type { AnswerValue, AssessmentResult, GateRow, NodeScore, Reason, Text } from "../../assessments/types";

export interface ChartData {
  labels: Text[];
  /** Percent (0–100) of each label, one value per label. */
  values: number[];
  ids: string[];
}

export interface TierRow {
  id: string;
  name: Text;
  met: boolean;
  undetermined: boolean;
  reasons: Reason[];
}

export interface ResultView {
  frameworkId: string;
  frameworkVersion: string;
  model: AssessmentResult["model"];
  level: { value: number | null; name: Text | null; ceiling: number | null; byGate: number | null; byBands: number | null; decidedBy: string; reasons: Reason[] };
  total: { score: number; max: number };
  completeness: { answered: number; total: number; ratio: number };
  radar: ChartData;
  bars: ChartData;
  nodes: Array<{ id: string; name: Text; depth: number; score: number; max: number; ratio: number }>;
  gates: GateRow[];
  why: Reason[];
  roadmap: Array<{ questionId: string; text: Text; from: Text; to: Text; gain: number; targetLevel: number; unblocks: boolean }>;
  tiers: { name: Text | null; rows: TierRow[] } | null;
  evidence: Array<{ questionId: string; claimed: Text; measured: Text; mismatch: boolean; usedInScore: boolean }>;
}

const pct = (ratio: number) => Math.round(Math.max(0, Math.min(1, ratio)) * 1000) / 10;

function chart(nodes: NodeScore[]): ChartData {
  return { labels: nodes.map((n) => n.name), values: nodes.map((n) => pct(n.ratio)), ids: nodes.map((n) => n.id) };
}

export function describe(fw: Framework, questionId: string, answer: AnswerValue | null | undefined): Text {
  return { zh: describeAnswer(fw, questionId, answer ?? null, "zh"), en: describeAnswer(fw, questionId, answer ?? null, "en") };
}

/** The radar shows the top-level nodes (elements, dimensions, traits); with fewer than three, their children. */
export function radarNodes(nodes: NodeScore[]): NodeScore[] {
  if (nodes.length >= 3) return nodes;
  const children = nodes.flatMap((n) => n.children);
  return children.length >= 3 ? children : nodes;
}

/** The bars show the second level (sub-domains, items, scenes) or the top level when there is none. */
export function barNodes(nodes: NodeScore[]): NodeScore[] {
  const children = nodes.flatMap((n) => n.children);
  return children.length > 0 ? children : nodes;
}

export function resultView(fw: Framework, result: AssessmentResult, roadmapLimit = 15): ResultView {
  const flat: ResultView["nodes"] = [];
  const walk = (list: NodeScore[], depth: number) => {
    for (const n of list) {
      flat.push({ id: n.id, name: n.name, depth, score: n.score, max: n.max, ratio: n.ratio });
      if (depth < 1) walk(n.children, depth + 1);
    }
  };
  walk(result.nodes, 0);
  const tier = (result.extras as { tier?: { name?: Text | null; rows?: TierRow[] } } | undefined)?.tier;
  const questionText = new Map(fw.questions.map((q) => [q.id, q.text]));
  return {
    frameworkId: result.frameworkId,
    frameworkVersion: result.frameworkVersion,
    model: result.model,
    level: result.level,
    total: result.total,
    completeness: result.completeness,
    radar: chart(radarNodes(result.nodes)),
    bars: chart(barNodes(result.nodes)),
    nodes: flat,
    gates: result.gates,
    why: result.why,
    roadmap: result.roadmap.slice(0, roadmapLimit).map((a) => ({
      questionId: a.questionId,
      text: a.text,
      from: describe(fw, a.questionId, a.from),
      to: describe(fw, a.questionId, a.to),
      gain: a.gain,
      targetLevel: a.targetLevel,
      unblocks: a.unblocks,
    })),
    tiers: tier?.rows ? { name: tier.name ?? null, rows: tier.rows } : null,
    evidence: result.evidence.map((e) => ({
      questionId: e.questionId,
      claimed: describe(fw, e.questionId, e.claimed),
      measured: describe(fw, e.questionId, e.measured.implied),
      mismatch: e.mismatch,
      usedInScore: e.usedInScore,
      question: questionText.get(e.questionId),
    })),
  };
}
