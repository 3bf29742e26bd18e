// Bulk seeding for the web benches (bench/web.ts, bench/portfolio.ts): a database file made by the app's own
// migrations, then rows written straight through better-sqlite3 (hundreds of thousands of rows in seconds,
// which the app's repositories would take minutes for), and signed-in sessions as the app stores them.
import { randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import SQLite from "better-sqlite3";
import { sessionIdHash } from "../app/auth/session.server";
import { openDatabase } from "../app/db/connection.server";
import { CLUSTERS, DISTRICTS, FLAGS, INDUSTRIES, REVENUE_BANDS } from "../app/domain/reference-data";

const DAY_MS = 86_400_000;

/** Migrates `file` (schema, reference data) and opens it for bulk writes: WAL, no fsync. */
export async function openBulk(file: string): Promise<SQLite.Database> {
  await (await openDatabase({ dialect: "sqlite", file })).close();
  const db = new SQLite(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  return db;
}

/** An ISO time `daysAgo` (fractions allowed) before `now`. */
export const daysBefore = (now: number) => (daysAgo: number) => new Date(now - daysAgo * DAY_MS).toISOString();

/**
 * Writes enterprise `i` (id `org000042`) with a random industry, district, cluster, scale, size and revenue
 * band, and a flag for 30 % of them; every district, division, cluster and flag mix occurs.
 */
export function enterpriseWriter(db: SQLite.Database, rnd: () => number, createdAt: string): (i: number) => string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const insOrg = db.prepare(`insert into organization (id, name, credit_code, industry_code, industry_division, industry_type, district_code, region_code,
    cluster_code, above_scale, employees, revenue_band, created_at, updated_at) values (?, ?, null, ?, ?, ?, ?, '330200', ?, ?, ?, ?, ?, ?)`);
  const insFlag = db.prepare("insert into organization_flag (organization_id, flag) values (?, ?)");
  return (i) => {
    const id = `org${String(i).padStart(6, "0")}`;
    const industry = pick(INDUSTRIES);
    insOrg.run(id, `宁波压测企业${i}有限公司`, `${industry.code}${String(10 + Math.floor(rnd() * 90))}`, industry.code, industry.industryType, pick(DISTRICTS).code,
      rnd() < 0.8 ? pick(CLUSTERS).code : null, rnd() < 0.4 ? 1 : 0, 10 + Math.floor(rnd() * 2000), pick(REVENUE_BANDS).code, createdAt, createdAt);
    if (rnd() < 0.3) insFlag.run(id, pick(FLAGS).code);
    return id;
  };
}

/** Signs users in as the app would (a session row with the id's hash) and gives their `Cookie` header values. */
export function sessionWriter(db: SQLite.Database, secret: string, now: number): (userId: string) => Promise<string> {
  const cookie = createCookie("zp_session", { httpOnly: true, sameSite: "lax", path: "/", secrets: [secret] });
  const insSession = db.prepare("insert into session (id_hash, user_id, created_at, expires_at) values (?, ?, ?, ?)");
  const iso = daysBefore(now);
  return async (userId) => {
    const sid = randomBytes(32).toString("base64url");
    insSession.run(sessionIdHash(sid), userId, iso(0), iso(-1));
    return (await cookie.serialize(sid)).split(";")[0];
  };
}
