// The audit of an assessment as pages need it: the version in view, its decisions, the audited answers
// and result, and the self-vs-audited differences each with its effect on the level when applied alone.
import type { Kysely } from "kysely";
import type { Framework } from "../../assessments";
import type { AnswerValue, Answers, AssessmentResult, Text } from "../../assessments/types";
import type { Assessment, AuditRow, DB } from "../db/schema";
import { getAnswers } from "../repos/assessments.server";
import { auditDecisions, auditedAnswers, getAuditVersion, latestAudit } from "../repos/audits.server";
import { getResult } from "../repos/results.server";
import { measuredFor, storedSnapshot, type StoredSelf } from "../telemetry/assessment-evidence.server";
import { scoreAnswers } from "./engine.server";
import { describe } from "./result-view.server";

export interface AuditState {
  audit: AuditRow | null;
  decisions: Awaited<ReturnType<typeof auditDecisions>>;
  self: Answers;
  audited: Answers;
  /** The stored result for a signed version; computed from the decisions for an open one. */
  auditedResult: AssessmentResult | null;
  /**
   * The stored self result (null before submission) and what the lines measured when it was scored: the
   * same measurement is applied to the audited answers.
   */
  storedSelf: StoredSelf | null;
}

export async function auditState(db: Kysely<DB>, assessment: Assessment, framework: Framework, version?: number): Promise<AuditState> {
  const audit = (version === undefined ? await latestAudit(db, assessment.id) : await getAuditVersion(db, assessment.id, version)) ?? null;
  const self = await getAnswers(db, assessment.id);
  const decisions = audit ? await auditDecisions(db, audit.id) : new Map();
  const audited = auditedAnswers(self, decisions);
  const storedSelf = await storedSnapshot(db, assessment.id);
  const measurement = storedSelf?.snapshot ?? null;
  let auditedResult: AssessmentResult | null = null;
  if (audit?.status === "signed") auditedResult = (await getResult(db, assessment.id, "audit", audit.version))?.result ?? null;
  if (audit && !auditedResult) auditedResult = scoreAnswers(framework, audited, assessment.industryType, measuredFor(framework, measurement, audited));
  return { audit, decisions, self, audited, auditedResult, storedSelf };
}

export interface Difference {
  questionId: string;
  question: Text;
  self: Text;
  audited: Text;
  comment: string;
  evidenceChecked: string;
  /** The level and total if only this answer were changed from the self answers. */
  levelAlone: number | null;
  totalDelta: number;
}

function sameAnswer(a: AnswerValue | undefined, b: AnswerValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function differences(framework: Framework, state: AuditState, selfResult: AssessmentResult, industryType: string): Difference[] {
  const out: Difference[] = [];
  for (const q of framework.questions) {
    const before = state.self[q.id];
    const after = state.audited[q.id];
    if (sameAnswer(before, after)) continue;
    const answers = { ...state.self, [q.id]: after };
    const alone = scoreAnswers(framework, answers, industryType, measuredFor(framework, state.storedSelf?.snapshot ?? null, answers));
    const d = state.decisions.get(q.id);
    out.push({
      questionId: q.id,
      question: q.text,
      self: describe(framework, q.id, before),
      audited: describe(framework, q.id, after),
      comment: d?.comment ?? "",
      evidenceChecked: d?.evidenceChecked ?? "",
      levelAlone: alone.level.value,
      totalDelta: alone.total.score - selfResult.total.score,
    });
  }
  return out;
}
