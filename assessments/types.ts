// Public types of the assessment domain. The web app, the CLI and the telemetry evidence code all speak
// these; the zod schema in schema.ts is the single source of a framework's *file* format and must produce
// exactly `Framework`.

export type Locale = "zh" | "en";
/** Every user-facing text exists in both languages. */
export interface Text {
  zh: string;
  en: string;
}

export type IndustryType = "discrete" | "process";

// ---------------------------------------------------------------- answers

/** Option ids of the four-step requirement rating; `na` only where the question allows tailoring. */
export type RatingValue = "full" | "most" | "partial" | "none" | "na";

export type AnswerValue =
  | { type: "rating"; value: RatingValue }
  | { type: "single"; value: string }
  | { type: "multi"; value: string[] }
  | { type: "numeric"; value: number }
  | { type: "percentage"; value: number }
  | { type: "sceneLevel"; value: 0 | 1 | 2 | 3 | 4 };

/** questionId → answer. A missing key means "not answered yet". */
export type Answers = Record<string, AnswerValue>;

// ---------------------------------------------------------------- evidence (telemetry)

/** KPIs that measured telemetry can provide (see the KPI engine). */
export type EvidenceKpi = "networkedRatio" | "dataCoverage" | "oee" | "realtimeCollection" | "energyPerUnit" | "mtbf";

export interface EvidenceHint {
  kpi: EvidenceKpi;
  /** `confirm`: show beside the claim and flag a mismatch; `replace`: the fused score uses the measured value. */
  use: "confirm" | "replace";
  /** What the KPI says about this question, bilingual, for the UI. */
  note: Text;
}

/** A measured value handed to scoring for one question (filled by the telemetry layer, never by the user). */
export interface MeasuredEvidence {
  kpi: EvidenceKpi;
  /** Answer implied by the measurement, in the question's own answer type. */
  implied: AnswerValue;
  /** Raw measured number (ratio 0–1 for ratios, as reported by the KPI engine). */
  value: number;
  window: { from: string; to: string };
  detail?: string;
}

export interface ScoreContext {
  industryType?: IndustryType;
  /** Results of other frameworks the rules may refer to (e.g. a CMMM level for the 智能工厂梯度 tier). */
  linked?: { cmmmLevel?: number | null; smeLevel?: number | null };
  /** questionId → measured evidence. */
  measured?: Record<string, MeasuredEvidence>;
}

// ---------------------------------------------------------------- results

export interface Reason {
  /** Stable machine code, e.g. "level.gate.belowThreshold". */
  code: string;
  params: Record<string, string | number>;
  text: Text;
}

export interface NodeScore {
  id: string;
  kind: string;
  name: Text;
  /** Points or ratio as the model defines; `max` gives the scale. */
  score: number;
  max: number;
  /** score / max, 0–1, for charts. */
  ratio: number;
  answered: number;
  total: number;
  children: NodeScore[];
}

export interface GateRow {
  level: number;
  name: Text;
  /** Model-specific measured value at this level (level score for maturity, base points for points…). */
  score: number | null;
  threshold: number | null;
  met: boolean;
  /** True when unanswered questions could still change `met`. */
  undetermined: boolean;
  reasons: Reason[];
}

export interface RoadmapAction {
  questionId: string;
  text: Text;
  /** Current answer and the one the action proposes. */
  from: AnswerValue | null;
  to: AnswerValue;
  /** Score gained toward the next level (model units), the ranking key. */
  gain: number;
  /** The level this action works toward. */
  targetLevel: number;
  /** True when the action is one of those needed to clear a blocking condition of the next level. */
  unblocks: boolean;
}

export interface LevelVerdict {
  /** Highest level confirmed by the answers given (unanswered counted at worst). null = no level. */
  value: number | null;
  name: Text | null;
  /** Highest level still reachable if every unanswered question were answered at best. */
  ceiling: number | null;
  /** Level by the gate rule and by the published score bands (maturity model); equal elsewhere. */
  byGate: number | null;
  byBands: number | null;
  decidedBy: "gate" | "bands" | "rule";
  reasons: Reason[];
}

export interface AssessmentResult {
  frameworkId: string;
  frameworkVersion: string;
  model: "maturity" | "points" | "readiness";
  industryType: IndustryType | null;
  completeness: { answered: number; total: number; ratio: number };
  total: { score: number; max: number };
  level: LevelVerdict;
  nodes: NodeScore[];
  gates: GateRow[];
  /** Why this level: what blocks the next one. */
  why: Reason[];
  roadmap: RoadmapAction[];
  /** Answers that came from or were checked against measured telemetry. */
  evidence: Array<{
    questionId: string;
    claimed: AnswerValue | null;
    measured: MeasuredEvidence;
    mismatch: boolean;
    usedInScore: boolean;
    reason: Reason | null;
  }>;
  /** Model-specific extras (e.g. ladder eligibility of the 未来工厂 framework). */
  extras?: Record<string, unknown>;
}
