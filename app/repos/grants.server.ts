// Consultant access: a consultant sees an enterprise only while a grant by the enterprise (or an admin)
// is active. Revoking keeps the row (revoked_at/by) for the record.
import type { Kysely } from "kysely";
import { newId, nowIso } from "../db/ids.server";
import type { DB } from "../db/schema";
import { recordEvents } from "./trail.server";

/** The id of the consultant's active grant by this organisation, if there is one. */
async function activeGrantId(db: Kysely<DB>, organizationId: string, consultantId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("consultantGrant")
    .select("id")
    .where("organizationId", "=", organizationId)
    .where("consultantId", "=", consultantId)
    .where("revokedAt", "is", null)
    .executeTakeFirst();
  return row?.id;
}

export async function hasActiveGrant(db: Kysely<DB>, organizationId: string, consultantId: string): Promise<boolean> {
  return (await activeGrantId(db, organizationId, consultantId)) !== undefined;
}

/** Grants access unless an active grant exists; returns the active grant's id. */
export async function grantConsultant(db: Kysely<DB>, organizationId: string, consultantId: string, actorId: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const existing = await activeGrantId(trx, organizationId, consultantId);
    if (existing) return existing;
    const id = newId();
    await trx
      .insertInto("consultantGrant")
      .values({ id, organizationId, consultantId, grantedBy: actorId, grantedAt: nowIso(), revokedAt: null, revokedBy: null })
      .execute();
    await recordEvents(trx, [{ organizationId, actorId, action: "grant.create", subject: consultantId, after: { grantId: id } }]);
    return id;
  });
}

/** Revokes one grant of this organisation; false when there is no such active grant. */
export async function revokeGrant(db: Kysely<DB>, organizationId: string, grantId: string, actorId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const grant = await trx
      .selectFrom("consultantGrant")
      .select(["id", "consultantId"])
      .where("id", "=", grantId)
      .where("organizationId", "=", organizationId)
      .where("revokedAt", "is", null)
      .executeTakeFirst();
    if (!grant) return false;
    await trx.updateTable("consultantGrant").set({ revokedAt: nowIso(), revokedBy: actorId }).where("id", "=", grantId).execute();
    await recordEvents(trx, [{ organizationId, actorId, action: "grant.revoke", subject: grant.consultantId, before: { grantId } }]);
    return true;
  });
}

export async function listGrants(db: Kysely<DB>, organizationId: string) {
  return db
    .selectFrom("consultantGrant")
    .innerJoin("user", "user.id", "consultantGrant.consultantId")
    .select(["consultantGrant.id", "consultantGrant.grantedAt", "consultantGrant.revokedAt", "user.id as consultantId", "user.name", "user.email"])
    .where("consultantGrant.organizationId", "=", organizationId)
    .orderBy("consultantGrant.grantedAt", "desc")
    .execute();
}
