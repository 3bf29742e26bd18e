// Assessments and their self answers. Answers are rows (one per question) so a single autosave touches one
// row, and every change is written to the audit trail with its value before and after.
import type { Kysely } from "kysely";
import type { AnswerValue, Answers } from "../../assessments/types";
import { newId, nowIso } from "../db/ids.server";
import type { Assessment, DB } from "../db/schema";
import { recordEvents, type TrailEvent } from "./trail.server";

export interface NewAssessment {
  organizationId: string;
  frameworkId: string;
  frameworkVersion: string;
  industryType: string;
  actorId: string;
}

export async function createAssessment(db: Kysely<DB>, input: NewAssessment, id = newId()): Promise<string> {
  const now = nowIso();
  await db
    .insertInto("assessment")
    .values({
      id,
      organizationId: input.organizationId,
      frameworkId: input.frameworkId,
      frameworkVersion: input.frameworkVersion,
      industryType: input.industryType,
      status: "draft",
      createdBy: input.actorId,
      createdAt: now,
      updatedAt: now,
      submittedAt: null,
    })
    .execute();
  await recordEvents(db, [
    { organizationId: input.organizationId, assessmentId: id, actorId: input.actorId, action: "assessment.create", subject: input.frameworkId, after: { version: input.frameworkVersion } },
  ]);
  return id;
}

export async function getAssessment(db: Kysely<DB>, id: string): Promise<Assessment | undefined> {
  return db.selectFrom("assessment").selectAll().where("id", "=", id).executeTakeFirst();
}

export function parseStoredAnswer(json: string): AnswerValue | null {
  try {
    const v = JSON.parse(json) as AnswerValue;
    return v && typeof v === "object" && "type" in v && "value" in v ? v : null;
  } catch {
    return null;
  }
}

export async function getAnswers(db: Kysely<DB>, assessmentId: string): Promise<Answers> {
  const rows = await db.selectFrom("answer").select(["questionId", "value"]).where("assessmentId", "=", assessmentId).execute();
  const answers: Answers = {};
  for (const row of rows) {
    const v = parseStoredAnswer(row.value);
    if (v) answers[row.questionId] = v;
  }
  return answers;
}

export interface AnswerChange {
  questionId: string;
  /** null clears the answer. */
  value: AnswerValue | null;
}

/**
 * Applies answer changes (already validated against the framework) and records each real change in the
 * trail; unchanged values are not rewritten. Returns the question ids that changed.
 */
export async function saveAnswers(db: Kysely<DB>, assessment: Assessment, changes: AnswerChange[], actorId: string): Promise<string[]> {
  if (changes.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("answer")
      .select(["questionId", "value"])
      .where("assessmentId", "=", assessment.id)
      .where("questionId", "in", changes.map((c) => c.questionId))
      .execute();
    const before = new Map(existing.map((r) => [r.questionId, r.value]));
    const now = nowIso();
    const events: TrailEvent[] = [];
    const changed: string[] = [];
    for (const { questionId, value } of changes) {
      const old = before.get(questionId) ?? null;
      const next = value === null ? null : JSON.stringify(value);
      if (old === next) continue;
      changed.push(questionId);
      if (next === null) {
        await trx.deleteFrom("answer").where("assessmentId", "=", assessment.id).where("questionId", "=", questionId).execute();
      } else {
        await trx
          .insertInto("answer")
          .values({ assessmentId: assessment.id, questionId, value: next, updatedBy: actorId, updatedAt: now })
          .onConflict((oc) => oc.columns(["assessmentId", "questionId"]).doUpdateSet({ value: next, updatedBy: actorId, updatedAt: now }))
          .execute();
      }
      events.push({
        organizationId: assessment.organizationId,
        assessmentId: assessment.id,
        actorId,
        action: next === null ? "answer.clear" : "answer.set",
        subject: questionId,
        before: old === null ? null : JSON.parse(old),
        after: value,
      });
    }
    if (changed.length > 0) {
      await trx.updateTable("assessment").set({ updatedAt: now }).where("id", "=", assessment.id).execute();
      await recordEvents(trx, events);
    }
    return changed;
  });
}

export async function markSubmitted(db: Kysely<DB>, assessment: Assessment, actorId: string): Promise<void> {
  const now = nowIso();
  await db.updateTable("assessment").set({ status: "submitted", submittedAt: now, updatedAt: now }).where("id", "=", assessment.id).execute();
  await recordEvents(db, [{ organizationId: assessment.organizationId, assessmentId: assessment.id, actorId, action: "assessment.submit", subject: assessment.frameworkId }]);
}

/** An organisation's assessments, newest first, with the level of the self result and of the latest signed audit. */
export async function listAssessments(db: Kysely<DB>, organizationId: string) {
  const rows = await db
    .selectFrom("assessment")
    .leftJoin("result", (join) =>
      join.onRef("result.assessmentId", "=", "assessment.id").on("result.kind", "=", "self").on("result.auditVersion", "=", 0),
    )
    .select([
      "assessment.id", "assessment.frameworkId", "assessment.frameworkVersion", "assessment.status", "assessment.createdAt",
      "assessment.updatedAt", "assessment.submittedAt", "result.level", "result.totalScore", "result.totalMax",
    ])
    .where("assessment.organizationId", "=", organizationId)
    .orderBy("assessment.createdAt", "desc")
    .execute();
  const audited = await db
    .selectFrom("result")
    .select(["assessmentId", "level", "auditVersion"])
    .where("organizationId", "=", organizationId)
    .where("kind", "=", "audit")
    .orderBy("auditVersion", "desc")
    .execute();
  const latestAudit = new Map<string, { level: number | null; version: number }>();
  for (const r of audited) if (!latestAudit.has(r.assessmentId)) latestAudit.set(r.assessmentId, { level: r.level, version: r.auditVersion });
  return rows.map((r) => ({ ...r, audit: latestAudit.get(r.id) ?? null }));
}
