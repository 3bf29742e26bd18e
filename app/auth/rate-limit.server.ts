// Login throttling kept in the database, so every app instance behind a load balancer sees the same
// counts: at most ACCOUNT_LIMIT failed sign-ins per account and IP_LIMIT per client address within a
// sliding WINDOW. A successful sign-in clears the account's count.
import type { Kysely } from "kysely";
import { newId, nowIso } from "../db/ids.server";
import type { DB } from "../db/schema";

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const ACCOUNT_LIMIT = 5;
export const IP_LIMIT = 20;

function buckets(email: string, ip: string | null): Array<{ bucket: string; limit: number }> {
  const list = [{ bucket: `account:${email.toLowerCase()}`, limit: ACCOUNT_LIMIT }];
  if (ip) list.push({ bucket: `ip:${ip}`, limit: IP_LIMIT });
  return list;
}

/** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
export async function loginRetryAfter(db: Kysely<DB>, email: string, ip: string | null, now = Date.now()): Promise<number> {
  const since = new Date(now - LOGIN_WINDOW_MS).toISOString();
  let wait = 0;
  for (const { bucket, limit } of buckets(email, ip)) {
    const rows = await db
      .selectFrom("loginFailure")
      .select("at")
      .where("bucket", "=", bucket)
      .where("at", ">", since)
      .orderBy("at", "desc")
      .limit(limit)
      .execute();
    if (rows.length >= limit) {
      // The oldest of the last `limit` failures leaves the window first.
      const oldest = Date.parse(rows[rows.length - 1].at);
      wait = Math.max(wait, Math.ceil((oldest + LOGIN_WINDOW_MS - now) / 1000));
    }
  }
  return wait;
}

export async function recordLoginFailure(db: Kysely<DB>, email: string, ip: string | null): Promise<void> {
  const at = nowIso();
  await db.insertInto("loginFailure").values(buckets(email, ip).map(({ bucket }) => ({ id: newId(), bucket, at }))).execute();
  await db.deleteFrom("loginFailure").where("at", "<", new Date(Date.now() - LOGIN_WINDOW_MS).toISOString()).execute();
}

export async function clearAccountFailures(db: Kysely<DB>, email: string): Promise<void> {
  await db.deleteFrom("loginFailure").where("bucket", "=", `account:${email.toLowerCase()}`).execute();
}
