// One scored, submitted assessment of the demo data, dated in the past: created, answered, scored by the
// engine and submitted through the app's own repositories (so its trail is what a user would leave), then
// moved to its date. Used by the demo seed and the bureau's demo history.
import type { Kysely } from "kysely";
import type { Framework } from "../../assessments";
import type { Answers, AssessmentResult, IndustryType } from "../../assessments/types";
import type { DB } from "../../app/db/schema";
import { createAssessment, getAssessment, markSubmitted, saveAnswers } from "../../app/repos/assessments.server";
import { saveResult } from "../../app/repos/results.server";
import { answersAtLevel } from "./demo-answers";

/** Moves an assessment, its result and its trail entries to a date in the past. */
export async function backdate(db: Kysely<DB>, assessmentId: string, at: Date): Promise<void> {
  const iso = at.toISOString();
  await db.updateTable("assessment").set({ createdAt: iso, updatedAt: iso, submittedAt: iso }).where("id", "=", assessmentId).execute();
  await db.updateTable("result").set({ scoredAt: iso }).where("assessmentId", "=", assessmentId).where("kind", "=", "self").execute();
  await db.updateTable("answer").set({ updatedAt: iso }).where("assessmentId", "=", assessmentId).execute();
  await db.updateTable("auditEvent").set({ at: iso }).where("assessmentId", "=", assessmentId).where("action", "in", ["assessment.create", "answer.set", "assessment.submit"]).execute();
}

/** Stores `answers` and the engine's `result` for them as a submitted assessment; false when `id` exists already. */
export async function seedScored(
  db: Kysely<DB>, id: string, orgId: string, fw: Framework, answers: Answers, result: AssessmentResult, industryType: IndustryType, actorId: string, at: Date,
): Promise<boolean> {
  if (await getAssessment(db, id)) return false;
  await createAssessment(db, { organizationId: orgId, frameworkId: fw.id, frameworkVersion: fw.version, industryType, actorId }, id);
  const assessment = (await getAssessment(db, id))!;
  await saveAnswers(db, assessment, Object.entries(answers).map(([questionId, value]) => ({ questionId, value })), actorId);
  await db.transaction().execute(async (trx) => {
    await saveResult(trx, assessment, "self", 0, result);
    await markSubmitted(trx, assessment, actorId);
  });
  await backdate(db, id, at);
  return true;
}

/** A submitted assessment whose generated answers the engine scores at `level` (null: below level 1). */
export async function seedSubmitted(
  db: Kysely<DB>, id: string, orgId: string, fw: Framework, level: number | null, seed: number, industryType: IndustryType, actorId: string, at: Date,
): Promise<boolean> {
  if (await getAssessment(db, id)) return false;
  const { answers, result } = answersAtLevel(fw, level, seed, industryType);
  return seedScored(db, id, orgId, fw, answers, result, industryType, actorId, at);
}
