// The results an assessment page shows: the self result (stored at submission; computed live for a
// draft) and the latest signed audited result.
import type { Kysely } from "kysely";
import type { Framework } from "../../assessments";
import type { AssessmentResult } from "../../assessments/types";
import type { Assessment, DB } from "../db/schema";
import { getAnswers } from "../repos/assessments.server";
import { getResult } from "../repos/results.server";
import { scoreAnswers } from "./engine.server";

export async function selfResult(db: Kysely<DB>, assessment: Assessment, framework: Framework): Promise<{ result: AssessmentResult; provisional: boolean }> {
  if (assessment.status === "submitted") {
    const stored = await getResult(db, assessment.id, "self");
    if (stored) return { result: stored.result, provisional: false };
  }
  return { result: scoreAnswers(framework, await getAnswers(db, assessment.id), assessment.industryType), provisional: assessment.status !== "submitted" };
}

export async function latestSignedResult(db: Kysely<DB>, assessmentId: string) {
  const signed = await db
    .selectFrom("audit")
    .innerJoin("user", "user.id", "audit.signedBy")
    .select(["audit.version", "audit.signedAt", "user.name as signedByName"])
    .where("audit.assessmentId", "=", assessmentId)
    .where("audit.status", "=", "signed")
    .orderBy("audit.version", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!signed) return null;
  const stored = await getResult(db, assessmentId, "audit", signed.version);
  return stored ? { version: signed.version, signedAt: signed.signedAt, signedByName: signed.signedByName, result: stored.result } : null;
}
