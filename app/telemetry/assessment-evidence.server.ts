// Measured evidence as the assessment pages show it: for each question the framework's evidence rules name,
// the sentence beside the claim ("claimed 60–100% networked, measured 56% over the last 7 days"), whether
// the measurement contradicts the claim, whether it was scored as measured, and the KPIs behind it (OEE with
// A × P × Q …). A draft is measured now; a submitted assessment shows what was stored with its result.
import type { Kysely } from "kysely";
import { evidenceText, measuredEvidenceFor, ruleFor, windowText, type Framework } from "../../assessments";
import type { Answers, AssessmentResult, EvidenceKpi, MeasuredEvidence, Text } from "../../assessments/types";
import type { Assessment, DB } from "../db/schema";
import { scoreAnswers } from "../domain/engine.server";
import { getResult } from "../repos/results.server";
import { getMeasurement, measuredEvidence, type MeasurementSnapshot } from "./evidence.server";

export interface EvidenceLine {
  questionId: string;
  question: Text | null;
  text: Text | null;
  mismatch: boolean;
  usedInScore: boolean;
  /** The KPIs the question's rule reads, as measured. */
  measures: Array<{ kpi: EvidenceKpi; value: number | null; coverage: number | null; detail: string | null }>;
}

export interface EvidenceView {
  status: "none" | "unavailable" | "measured";
  problem: string | null;
  /** From the stored result (true) or measured for this page (false). */
  stored: boolean;
  window: { from: string; to: string } | null;
  windowText: Text | null;
  computedAt: string | null;
  store: string | null;
  lines: MeasurementSnapshot["lines"];
  notInKpis: string[];
  oee: MeasurementSnapshot["oee"];
  items: EvidenceLine[];
}

const NONE: EvidenceView = { status: "none", problem: null, stored: false, window: null, windowText: null, computedAt: null, store: null, lines: [], notInKpis: [], oee: null, items: [] };

/** The KPIs a question's rule reads: its own and those its steps or options need. */
function kpisOf(framework: Framework, questionId: string): EvidenceKpi[] {
  const rule = ruleFor(framework.id, questionId);
  if (!rule) return [];
  const out = new Set<EvidenceKpi>([rule.kpi]);
  if (rule.implies.kind === "ceiling") for (const s of rule.implies.steps) for (const n of s.needs) out.add(n.kpi);
  if (rule.implies.kind === "options") for (const needs of Object.values(rule.implies.options)) for (const n of needs) out.add(n.kpi);
  return [...out];
}

/** The view of a scored result's evidence entries with the measurement they came from. */
export function evidenceView(framework: Framework, result: AssessmentResult, snapshot: MeasurementSnapshot | null, options: { stored: boolean; now?: number }): EvidenceView {
  if (!snapshot) return { ...NONE, stored: options.stored };
  const questions = new Map(framework.questions.map((q) => [q.id, q]));
  return {
    status: "measured",
    problem: null,
    stored: options.stored,
    window: snapshot.window,
    windowText: windowText(snapshot.window, options.now),
    computedAt: snapshot.computedAt,
    store: snapshot.store,
    lines: snapshot.lines,
    notInKpis: snapshot.notInKpis,
    oee: snapshot.oee,
    items: result.evidence.map((e) => ({
      questionId: e.questionId,
      question: questions.get(e.questionId)?.text ?? null,
      text: evidenceText(framework, e, options.now === undefined ? {} : { now: options.now }),
      mismatch: e.mismatch,
      usedInScore: e.usedInScore,
      measures: kpisOf(framework, e.questionId).map((kpi) => {
        const m = snapshot.measures[kpi];
        return { kpi, value: m?.value ?? null, coverage: m?.coverage ?? null, detail: m?.detail ?? null };
      }),
    })),
  };
}

export interface AssessmentEvidence {
  view: EvidenceView;
  /** For a draft: the result scored with the measurement (the claims fused with what was measured). */
  fused: AssessmentResult | null;
  /** What to store with a result scored now. */
  snapshot: MeasurementSnapshot | null;
  measured: Record<string, MeasuredEvidence> | undefined;
}

/**
 * A draft's evidence, measured now over the last 7 days and scored with its answers; `status: none` for an
 * organisation without registered lines, `unavailable` (nothing claimed as measured) when telemetry cannot
 * be read.
 */
export async function liveEvidence(db: Kysely<DB>, assessment: Assessment, framework: Framework, answers: Answers, now = Date.now()): Promise<AssessmentEvidence> {
  const state = await measuredEvidence(db, assessment.organizationId, framework, answers, { now });
  if (state.status === "none") return { view: NONE, fused: null, snapshot: null, measured: undefined };
  if (state.status === "unavailable") return { view: { ...NONE, status: "unavailable", problem: state.problem }, fused: null, snapshot: null, measured: undefined };
  const fused = scoreAnswers(framework, answers, assessment.industryType, state.measured);
  return { view: evidenceView(framework, fused, state.snapshot, { stored: false, now }), fused, snapshot: state.snapshot, measured: state.measured };
}

/** A submitted assessment's stored self result and what was measured for it. */
export interface StoredSelf {
  result: AssessmentResult;
  /** Null: scored without telemetry. */
  snapshot: MeasurementSnapshot | null;
}

/** The assessment's stored self result with its measurement; null before submission. */
export async function storedSnapshot(db: Kysely<DB>, assessmentId: string): Promise<StoredSelf | null> {
  const stored = await getResult(db, assessmentId, "self");
  if (!stored) return null;
  return { result: stored.result, snapshot: await getMeasurement(db, stored.row.id) };
}

/**
 * Evidence of an assessment as its pages show it: measured now for a draft, as stored for a submitted one.
 * `answers` are the assessment's current answers.
 */
export async function assessmentEvidence(db: Kysely<DB>, assessment: Assessment, framework: Framework, answers: Answers): Promise<AssessmentEvidence> {
  if (assessment.status === "draft") return liveEvidence(db, assessment, framework, answers);
  const stored = await storedSnapshot(db, assessment.id);
  return { view: storedEvidenceView(framework, stored), fused: null, snapshot: stored?.snapshot ?? null, measured: undefined };
}

/** The evidence view of a stored self result (none before submission). */
export function storedEvidenceView(framework: Framework, stored: StoredSelf | null): EvidenceView {
  return stored ? evidenceView(framework, stored.result, stored.snapshot, { stored: true }) : NONE;
}

/**
 * The stored measurement applied to other answers (the consultant's audited ones): the same measures and
 * window, the implied answers worked out against those answers. Undefined when nothing was measured.
 */
export function measuredFor(framework: Framework, snapshot: MeasurementSnapshot | null, answers: Answers): Record<string, MeasuredEvidence> | undefined {
  if (!snapshot) return undefined;
  return measuredEvidenceFor(framework, snapshot.measures, snapshot.window, answers);
}
