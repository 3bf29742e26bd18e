// Evidence rows: an uploaded file (stored by storage.server.ts) or a link, attached to one question.
import type { Kysely } from "kysely";
import { newId, nowIso } from "../db/ids.server";
import type { Assessment, DB, EvidenceRow } from "../db/schema";
import { recordEvents } from "./trail.server";

export type EvidenceInput =
  | { kind: "file"; fileName: string; storedName: string; contentType: string; sizeBytes: number; sha256: string }
  | { kind: "link"; url: string };

export async function countEvidence(db: Kysely<DB>, assessmentId: string, questionId: string): Promise<number> {
  const rows = await db.selectFrom("evidence").select("id").where("assessmentId", "=", assessmentId).where("questionId", "=", questionId).execute();
  return rows.length;
}

export async function addEvidence(db: Kysely<DB>, assessment: Assessment, questionId: string, input: EvidenceInput, actorId: string): Promise<string> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("evidence")
      .values({
        id,
        assessmentId: assessment.id,
        organizationId: assessment.organizationId,
        questionId,
        kind: input.kind,
        url: input.kind === "link" ? input.url : null,
        fileName: input.kind === "file" ? input.fileName : null,
        storedName: input.kind === "file" ? input.storedName : null,
        contentType: input.kind === "file" ? input.contentType : null,
        sizeBytes: input.kind === "file" ? input.sizeBytes : null,
        sha256: input.kind === "file" ? input.sha256 : null,
        createdBy: actorId,
        createdAt: nowIso(),
      })
      .execute();
    await recordEvents(trx, [
      {
        organizationId: assessment.organizationId, assessmentId: assessment.id, actorId, action: "evidence.add", subject: questionId,
        after: input.kind === "file" ? { file: input.fileName, sha256: input.sha256, bytes: input.sizeBytes } : { url: input.url },
      },
    ]);
  });
  return id;
}

export async function getEvidence(db: Kysely<DB>, id: string): Promise<EvidenceRow | undefined> {
  return db.selectFrom("evidence").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listEvidence(db: Kysely<DB>, assessmentId: string): Promise<EvidenceRow[]> {
  return db.selectFrom("evidence").selectAll().where("assessmentId", "=", assessmentId).orderBy("createdAt").execute();
}

export async function removeEvidence(db: Kysely<DB>, assessment: Assessment, evidence: EvidenceRow, actorId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("evidence").where("id", "=", evidence.id).where("assessmentId", "=", assessment.id).execute();
    await recordEvents(trx, [
      {
        organizationId: assessment.organizationId, assessmentId: assessment.id, actorId, action: "evidence.remove", subject: evidence.questionId,
        before: evidence.kind === "file" ? { file: evidence.fileName, sha256: evidence.sha256 } : { url: evidence.url },
      },
    ]);
  });
}
