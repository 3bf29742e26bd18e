// Organisation-scoped API tokens. Only a SHA-256 of the token is stored; the token itself is shown once,
// when it is created. Tokens are long random strings, so a fast hash is enough (no password stretching).
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { newId, nowIso } from "../db/ids.server";
import type { DB } from "../db/schema";
import { recordEvents } from "./trail.server";

const TOKEN_SHAPE = /^zp_[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createApiToken(db: Kysely<DB>, organizationId: string, name: string, actorId: string): Promise<{ id: string; token: string }> {
  const token = `zp_${randomBytes(32).toString("base64url")}`;
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("apiToken")
      .values({
        id, organizationId, name, tokenHash: hashToken(token), tokenPrefix: token.slice(0, 10),
        createdBy: actorId, createdAt: nowIso(), lastUsedAt: null, revokedAt: null,
      })
      .execute();
    await recordEvents(trx, [{ organizationId, actorId, action: "token.create", subject: id, after: { name } }]);
  });
  return { id, token };
}

export async function revokeApiToken(db: Kysely<DB>, organizationId: string, tokenId: string, actorId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("apiToken")
      .select(["id", "name"])
      .where("id", "=", tokenId)
      .where("organizationId", "=", organizationId)
      .where("revokedAt", "is", null)
      .executeTakeFirst();
    if (!row) return false;
    await trx.updateTable("apiToken").set({ revokedAt: nowIso() }).where("id", "=", tokenId).execute();
    await recordEvents(trx, [{ organizationId, actorId, action: "token.revoke", subject: tokenId, before: { name: row.name } }]);
    return true;
  });
}

export async function listApiTokens(db: Kysely<DB>, organizationId: string) {
  return db
    .selectFrom("apiToken")
    .select(["id", "name", "tokenPrefix", "createdAt", "lastUsedAt", "revokedAt"])
    .where("organizationId", "=", organizationId)
    .orderBy("createdAt", "desc")
    .execute();
}

/** The organisation a bearer token acts for, or null for a malformed, unknown or revoked token. */
export async function organizationOfToken(db: Kysely<DB>, token: string): Promise<string | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const row = await db
    .selectFrom("apiToken")
    .select(["id", "organizationId", "lastUsedAt"])
    .where("tokenHash", "=", hashToken(token))
    .where("revokedAt", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  // Last use is kept to the minute: no write on every request of a busy client.
  const now = nowIso();
  if (!row.lastUsedAt || row.lastUsedAt.slice(0, 16) !== now.slice(0, 16)) {
    await db.updateTable("apiToken").set({ lastUsedAt: now }).where("id", "=", row.id).execute();
  }
  return row.organizationId;
}
