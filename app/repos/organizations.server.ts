// Organisations (enterprises) and their recognition flags.
import type { Kysely } from "kysely";
import type { OrganizationInput } from "../domain/organization-input";
import { newId, nowIso } from "../db/ids.server";
import type { DB, Organization } from "../db/schema";
import { recordEvents } from "./trail.server";

export type OrganizationWithFlags = Organization & { flags: string[] };

function columns(input: OrganizationInput) {
  return {
    name: input.name,
    creditCode: input.creditCode,
    industryCode: input.industryCode,
    industryDivision: input.industryDivision,
    industryType: input.industryType,
    districtCode: input.districtCode,
    regionCode: input.regionCode,
    clusterCode: input.clusterCode,
    aboveScale: input.aboveScale ? 1 : 0,
    employees: input.employees,
    revenueBand: input.revenueBand,
  };
}

export async function createOrganization(db: Kysely<DB>, input: OrganizationInput, actorId: string | null, id = newId()): Promise<string> {
  const now = nowIso();
  await db.insertInto("organization").values({ id, ...columns(input), createdAt: now, updatedAt: now }).execute();
  if (input.flags.length) {
    await db.insertInto("organizationFlag").values(input.flags.map((flag) => ({ organizationId: id, flag }))).execute();
  }
  await recordEvents(db, [{ organizationId: id, actorId, action: "organization.create", subject: id, after: input }]);
  return id;
}

export async function updateOrganization(db: Kysely<DB>, id: string, input: OrganizationInput, actorId: string): Promise<void> {
  const before = await getOrganization(db, id);
  await db.updateTable("organization").set({ ...columns(input), updatedAt: nowIso() }).where("id", "=", id).execute();
  await db.deleteFrom("organizationFlag").where("organizationId", "=", id).execute();
  if (input.flags.length) {
    await db.insertInto("organizationFlag").values(input.flags.map((flag) => ({ organizationId: id, flag }))).execute();
  }
  await recordEvents(db, [{ organizationId: id, actorId, action: "organization.update", subject: id, before, after: input }]);
}

export async function getOrganization(db: Kysely<DB>, id: string): Promise<OrganizationWithFlags | null> {
  const org = await db.selectFrom("organization").selectAll().where("id", "=", id).executeTakeFirst();
  if (!org) return null;
  const flags = await db.selectFrom("organizationFlag").select("flag").where("organizationId", "=", id).orderBy("flag").execute();
  return { ...org, flags: flags.map((f) => f.flag) };
}

/** The profile as the form expects it back (for editing). */
export function organizationToInput(org: OrganizationWithFlags): Record<string, string | string[]> {
  return {
    name: org.name,
    creditCode: org.creditCode ?? "",
    industryCode: org.industryCode,
    districtCode: org.districtCode,
    clusterCode: org.clusterCode ?? "",
    aboveScale: org.aboveScale ? "on" : "",
    employees: String(org.employees),
    revenueBand: org.revenueBand,
    flags: org.flags,
  };
}
