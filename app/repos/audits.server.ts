// Consultant audits. Each audit version holds the consultant's decision per answer (accept or adjust, the
// audited value, a comment and the evidence looked at), separate from the enterprise's self answers. A
// signed version is frozen: a later change opens version n+1, starting from version n's decisions.
import type { Kysely } from "kysely";
import type { AnswerValue, Answers } from "../../assessments/types";
import { newId, nowIso } from "../db/ids.server";
import type { Assessment, AuditAnswerRow, AuditRow, DB } from "../db/schema";
import { parseStoredAnswer } from "./assessments.server";
import { recordEvents } from "./trail.server";

export type Decision = "accept" | "adjust";

export interface AuditDecision {
  questionId: string;
  decision: Decision;
  value: AnswerValue;
  comment: string;
  evidenceChecked: string;
}

export async function latestAudit(db: Kysely<DB>, assessmentId: string): Promise<AuditRow | undefined> {
  return db.selectFrom("audit").selectAll().where("assessmentId", "=", assessmentId).orderBy("version", "desc").limit(1).executeTakeFirst();
}

export async function getAuditVersion(db: Kysely<DB>, assessmentId: string, version: number): Promise<AuditRow | undefined> {
  return db.selectFrom("audit").selectAll().where("assessmentId", "=", assessmentId).where("version", "=", version).executeTakeFirst();
}

export async function listAudits(db: Kysely<DB>, assessmentId: string): Promise<AuditRow[]> {
  return db.selectFrom("audit").selectAll().where("assessmentId", "=", assessmentId).orderBy("version", "desc").execute();
}

export async function auditDecisions(db: Kysely<DB>, auditId: string): Promise<Map<string, AuditAnswerRow & { parsed: AnswerValue | null }>> {
  const rows = await db.selectFrom("auditAnswer").selectAll().where("auditId", "=", auditId).execute();
  return new Map(rows.map((r) => [r.questionId, { ...r, parsed: parseStoredAnswer(r.value) }]));
}

/** The audited answers: the self answers with every decision of the version applied. */
export function auditedAnswers(self: Answers, decisions: Map<string, { parsed: AnswerValue | null }>): Answers {
  const out: Answers = { ...self };
  for (const [questionId, d] of decisions) if (d.parsed) out[questionId] = d.parsed;
  return out;
}

/**
 * The open version to record decisions in: the latest when it is open, otherwise a new version copying
 * the latest's decisions (the first audit starts empty).
 */
export async function openAuditVersion(db: Kysely<DB>, assessment: Assessment, consultantId: string): Promise<AuditRow> {
  const run = async (trx: Kysely<DB>) => {
    const latest = await latestAudit(trx, assessment.id);
    if (latest && latest.status === "open") return latest;
    const row: AuditRow = {
      id: newId(),
      assessmentId: assessment.id,
      version: (latest?.version ?? 0) + 1,
      status: "open",
      consultantId,
      createdAt: nowIso(),
      signedAt: null,
      signedBy: null,
    };
    await trx.insertInto("audit").values(row).execute();
    if (latest) {
      const copied = await trx.selectFrom("auditAnswer").selectAll().where("auditId", "=", latest.id).execute();
      for (let i = 0; i < copied.length; i += 50) {
        await trx.insertInto("auditAnswer").values(copied.slice(i, i + 50).map((c) => ({ ...c, auditId: row.id }))).execute();
      }
    }
    await recordEvents(trx, [
      { organizationId: assessment.organizationId, assessmentId: assessment.id, actorId: consultantId, action: "audit.open", subject: `v${row.version}`, after: { from: latest ? `v${latest.version}` : null } },
    ]);
    return row;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** Records one decision in the open version (opening one if needed); returns the version used. */
export async function recordDecision(db: Kysely<DB>, assessment: Assessment, decision: AuditDecision, actorId: string): Promise<AuditRow> {
  return db.transaction().execute(async (trx) => {
    const audit = await openAuditVersion(trx, assessment, actorId);
    const before = await trx.selectFrom("auditAnswer").selectAll().where("auditId", "=", audit.id).where("questionId", "=", decision.questionId).executeTakeFirst();
    const now = nowIso();
    const values = {
      decision: decision.decision,
      value: JSON.stringify(decision.value),
      comment: decision.comment,
      evidenceChecked: decision.evidenceChecked,
      updatedBy: actorId,
      updatedAt: now,
    };
    await trx
      .insertInto("auditAnswer")
      .values({ auditId: audit.id, questionId: decision.questionId, ...values })
      .onConflict((oc) => oc.columns(["auditId", "questionId"]).doUpdateSet(values))
      .execute();
    await recordEvents(trx, [
      {
        organizationId: assessment.organizationId,
        assessmentId: assessment.id,
        actorId,
        action: "audit.decide",
        subject: decision.questionId,
        before: before
          ? { version: audit.version, decision: before.decision, value: parseStoredAnswer(before.value), comment: before.comment, evidenceChecked: before.evidenceChecked }
          : null,
        after: { version: audit.version, decision: decision.decision, value: decision.value, comment: decision.comment, evidenceChecked: decision.evidenceChecked },
      },
    ]);
    return audit;
  });
}

/** Freezes the open version. The caller stores the audited result in the same transaction. */
export async function signAuditVersion(
  db: Kysely<DB>,
  assessment: Assessment,
  audit: AuditRow,
  actorId: string,
  summary: { level: number | null; implicitlyAccepted: number },
): Promise<void> {
  const now = nowIso();
  const updated = await db
    .updateTable("audit")
    .set({ status: "signed", signedAt: now, signedBy: actorId })
    .where("id", "=", audit.id)
    .where("status", "=", "open")
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new Error(`audit version ${audit.version} is not open`);
  await recordEvents(db, [
    { organizationId: assessment.organizationId, assessmentId: assessment.id, actorId, action: "audit.signoff", subject: `v${audit.version}`, after: summary },
  ]);
}
