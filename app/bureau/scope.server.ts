// Whose enterprises a bureau page shows. A bureau admin carries a region code from the start (ADR 008): the
// city (330200) or one of its districts. The scope is that region, or that one district of its region; a
// platform admin chooses a region (?region=, default the first). Everyone else gets 403: these pages are
// about a role, not about one enterprise. A district outside the scope asked for by URL is a 404, the same
// answer as for a district that does not exist.
import type { Kysely } from "kysely";
import type { Text } from "../../assessments/types";
import { requireUser, type SessionUser } from "../access/access.server";
import type { DB } from "../db/schema";
import { forbidden, notFound } from "../http.server";

export interface ScopeDistrict {
  code: string;
  name: Text;
}

export interface BureauScope {
  regionCode: string;
  regionName: Text;
  /** Set for a district bureau: every query is limited to it. */
  districtCode: string | null;
  /** The districts a page may filter by (all of the region, or the one). */
  districts: ScopeDistrict[];
  /** City bureaus and platform admins edit the region's targets; district bureaus read them. */
  canEditTargets: boolean;
}

export async function bureauScope(db: Kysely<DB>, user: Pick<SessionUser, "role" | "regionCode">, requestedRegion: string | null): Promise<BureauScope> {
  let regionCode: string;
  let districtCode: string | null = null;
  if (user.role === "bureau_admin") {
    if (!user.regionCode) forbidden();
    const district = await db.selectFrom("district").select(["code", "regionCode"]).where("code", "=", user.regionCode).executeTakeFirst();
    regionCode = district ? district.regionCode : user.regionCode;
    districtCode = district ? district.code : null;
  } else if (user.role === "platform_admin") {
    const regions = await db.selectFrom("region").select("code").orderBy("code").execute();
    if (requestedRegion !== null && !regions.some((r) => r.code === requestedRegion)) notFound();
    regionCode = requestedRegion ?? regions[0]?.code ?? "";
  } else {
    forbidden();
  }
  const region = await db.selectFrom("region").select(["nameZh", "nameEn"]).where("code", "=", regionCode).executeTakeFirst();
  let districtQuery = db.selectFrom("district").select(["code", "nameZh", "nameEn"]).where("regionCode", "=", regionCode);
  if (districtCode) districtQuery = districtQuery.where("code", "=", districtCode);
  const districts = (await districtQuery.orderBy("sortOrder").execute()).map((d) => ({ code: d.code, name: { zh: d.nameZh, en: d.nameEn } }));
  return {
    regionCode,
    // A bureau of a region this deployment has no reference data for sees an empty portfolio, named by code.
    regionName: region ? { zh: region.nameZh, en: region.nameEn } : { zh: regionCode, en: regionCode },
    districtCode,
    districts,
    canEditTargets: user.role === "platform_admin" || (user.role === "bureau_admin" && districtCode === null && region !== undefined),
  };
}

/** The signed-in user and their bureau scope; redirect to sign-in, 403 for other roles. */
export async function requireBureauScope(request: Request, db: Kysely<DB>): Promise<{ user: SessionUser; scope: BureauScope }> {
  const user = await requireUser(request);
  if (user.role !== "bureau_admin" && user.role !== "platform_admin") forbidden();
  const requested = new URL(request.url).searchParams.get("region");
  return { user, scope: await bureauScope(db, user, requested === null || requested === "" ? null : requested) };
}

/** 404 unless the district is within the scope. */
export function requireDistrictInScope(scope: BureauScope, districtCode: string): void {
  if (!scope.districts.some((d) => d.code === districtCode)) notFound();
}
