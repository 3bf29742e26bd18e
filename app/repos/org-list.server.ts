// The organisations a user may open, by role (the same rule as access.server.ts's `read`), paged.
import { sql, type Kysely } from "kysely";
import type { SessionUser } from "../auth/session.server";
import type { DB } from "../db/schema";

export const ORG_PAGE_SIZE = 50;

export async function listVisibleOrganizations(db: Kysely<DB>, user: SessionUser, opts: { q?: string; page?: number } = {}) {
  let query = db
    .selectFrom("organization")
    .select(["organization.id", "organization.name", "organization.districtCode", "organization.industryCode", "organization.aboveScale"]);
  switch (user.role) {
    case "member":
      query = query.innerJoin("membership", "membership.organizationId", "organization.id").where("membership.userId", "=", user.id);
      break;
    case "consultant":
      query = query
        .innerJoin("consultantGrant", "consultantGrant.organizationId", "organization.id")
        .where("consultantGrant.consultantId", "=", user.id)
        .where("consultantGrant.revokedAt", "is", null);
      break;
    case "bureau_admin": {
      const region = user.regionCode ?? "\u0000none";
      query = query.where((eb) => eb.or([eb("organization.regionCode", "=", region), eb("organization.districtCode", "=", region)]));
      break;
    }
    case "platform_admin":
      break;
  }
  const q = opts.q?.trim();
  if (q) {
    // LIKE with an explicit escape character: SQLite has none by default, PostgreSQL uses backslash.
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`${sql.ref("organization.name")} like ${pattern} escape '\\'`);
  }
  const page = Math.max(1, Math.floor(opts.page ?? 1));
  const rows = await query
    .orderBy("organization.name")
    .orderBy("organization.id")
    .limit(ORG_PAGE_SIZE + 1)
    .offset((page - 1) * ORG_PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, ORG_PAGE_SIZE), page, hasMore: rows.length > ORG_PAGE_SIZE };
}
