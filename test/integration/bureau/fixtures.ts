// Building blocks for the bureau integration tests: enterprises through the real repository, assessments
// with stored results (hand-made ones whose level and scores the test chooses, or the engine's), answers
// to the 上云 question, and backdating — all through the app's own code paths.
import type { Kysely } from "kysely";
import type { AnswerValue, AssessmentResult, NodeScore } from "../../../assessments/types";
import type { DB } from "~/db/schema";
import { parseOrganizationInput } from "~/domain/organization-input";
import { createAssessment, getAssessment, markSubmitted, saveAnswers } from "~/repos/assessments.server";
import { createOrganization } from "~/repos/organizations.server";
import { saveResult } from "~/repos/results.server";

export async function enterprise(db: Kysely<DB>, actorId: string | null, fields: Record<string, unknown>): Promise<string> {
  const parsed = parseOrganizationInput({
    name: "宁波测试企业", creditCode: "", industryCode: "C3484", districtCode: "330206", clusterCode: "", aboveScale: "on",
    employees: "300", revenueBand: "100m-400m", flags: [], ...fields,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return createOrganization(db, parsed.value, actorId);
}

export function node(id: string, ratio: number, max = 10): NodeScore {
  return { id, kind: "dimension", name: { zh: `维度${id}`, en: `dimension ${id}` }, score: ratio * max, max, ratio, answered: 1, total: 1, children: [] };
}

/** A stored result with the level, total and top-level node ratios a test needs (the engine is not asked). */
export function madeResult(frameworkId: string, level: number | null, total: number, nodes: NodeScore[] = [], totalMax = 100): AssessmentResult {
  return {
    frameworkId, frameworkVersion: "test", model: "points", industryType: "discrete",
    completeness: { answered: 1, total: 1, ratio: 1 }, total: { score: total, max: totalMax },
    level: { value: level, name: null, ceiling: level, byGate: level, byBands: level, decidedBy: "gate", reasons: [] },
    nodes, gates: [], why: [], roadmap: [], evidence: [],
  };
}

export interface Assessed {
  assessmentId: string;
}

/** A submitted assessment with its self result, answers (e.g. the 上云 question) and a submission time. */
export async function assessed(
  db: Kysely<DB>,
  orgId: string,
  actorId: string,
  result: AssessmentResult,
  at: string,
  answers: Record<string, AnswerValue> = {},
): Promise<string> {
  const id = await createAssessment(db, { organizationId: orgId, frameworkId: result.frameworkId, frameworkVersion: result.frameworkVersion, industryType: "discrete", actorId });
  const assessment = (await getAssessment(db, id))!;
  if (Object.keys(answers).length > 0) await saveAnswers(db, assessment, Object.entries(answers).map(([questionId, value]) => ({ questionId, value })), actorId);
  await saveResult(db, assessment, "self", 0, result);
  await markSubmitted(db, assessment, actorId);
  await db.updateTable("result").set({ scoredAt: at }).where("assessmentId", "=", id).where("kind", "=", "self").execute();
  await db.updateTable("assessment").set({ submittedAt: at }).where("id", "=", id).execute();
  return id;
}

/** A signed audit's result for an assessment (the sync prefers it over the self result). */
export async function audited(db: Kysely<DB>, assessmentId: string, version: number, result: AssessmentResult, at: string): Promise<void> {
  const assessment = (await getAssessment(db, assessmentId))!;
  await saveResult(db, assessment, "audit", version, result);
  await db.updateTable("result").set({ scoredAt: at }).where("assessmentId", "=", assessmentId).where("kind", "=", "audit").where("auditVersion", "=", version).execute();
}

export const cloud = (...options: string[]): Record<string, AnswerValue> => ({ "cloud-systems": { type: "multi", value: options } });
