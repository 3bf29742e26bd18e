// The cultivation library in SQL: filters (from the URL) as conditions on enterprise_standing, the grouped
// counts behind the charts and funnel (one scan each, through the covering indexes of migration 0003), one
// sorted page of the table, and the filtered rows in keyset batches for the CSV export.
import { sql, type ExpressionBuilder, type Kysely, type SqlBool, type Expression } from "kysely";
import type { Text } from "../../assessments/types";
import type { DB } from "../db/schema";
import { getFramework } from "../domain/frameworks.server";
import { FLAGS, INDUSTRIES } from "../domain/reference-data";
import type { KnownValues, PortfolioFilters } from "./filters";
import { FLAG_BITS, flagMask } from "./flags";
import { FRAMEWORKS, RUNG_LEVEL } from "./ladder";
import type { DistrictCount, IndustryCount } from "./portfolio-math";
import { bureauDb, type BureauTables, type EnterpriseStandingTable } from "./schema";
import type { BureauScope } from "./scope.server";

export const PAGE_SIZE = 50;

export interface ClusterOption {
  code: string;
  name: Text;
  plan: string;
  /** "246" clusters: the GB/T 4754 prefixes that make them up. */
  industryPrefixes: string[];
}

export interface PortfolioReference {
  clusters: ClusterOption[];
  industries: Array<{ code: string; name: Text }>;
  tiers: Array<{ id: string; name: Text }>;
  flags: Array<{ code: string; name: Text }>;
  /** Names of the 未来工厂 ladder's levels (1–3), from the framework. */
  ladderLevels: Array<{ level: number; name: Text }>;
}

const references = new WeakMap<object, Promise<PortfolioReference>>();

/** Reference data for filters and labels; it changes only with a migration, so it is read once per database. */
export function portfolioReference(db: Kysely<DB>): Promise<PortfolioReference> {
  let found = references.get(db);
  if (!found) {
    found = (async () => {
      const b = bureauDb(db);
      const clusters = await b.selectFrom("cluster").select(["code", "nameZh", "nameEn", "plan"]).orderBy("sortOrder").execute();
      const prefixes = await b.selectFrom("clusterIndustry").select(["clusterCode", "industryPrefix"]).orderBy("industryPrefix").execute();
      const ladder = getFramework(FRAMEWORKS.ladder);
      const scoring = ladder?.scoring as { tiers?: Array<{ id: string; name: Text }> } | undefined;
      return {
        clusters: clusters.map((c) => ({
          code: c.code, name: { zh: c.nameZh, en: c.nameEn }, plan: c.plan,
          industryPrefixes: prefixes.filter((p) => p.clusterCode === c.code).map((p) => p.industryPrefix),
        })),
        industries: INDUSTRIES.map((i) => ({ code: i.code, name: i.name })),
        tiers: (scoring?.tiers ?? []).map((t) => ({ id: t.id, name: t.name })),
        flags: FLAGS.filter((f) => FLAG_BITS[f.code] !== undefined).map((f) => ({ code: f.code, name: f.name })),
        ladderLevels: (ladder?.levels ?? []).map((l) => ({ level: l.level, name: l.name })),
      };
    })();
    found.catch(() => references.delete(db));
    references.set(db, found);
  }
  return found;
}

/** The values the URL's filters may take. */
export function knownFilterValues(ref: PortfolioReference): KnownValues {
  return {
    industries: new Set(ref.industries.map((i) => i.code)),
    clusters: new Set(ref.clusters.map((c) => c.code)),
    tiers: new Set(ref.tiers.map((x) => x.id)),
    flags: new Set(ref.flags.map((f) => f.code)),
  };
}

type Eb = ExpressionBuilder<DB & BureauTables, "enterpriseStanding">;

/** The scope and every filter as one condition (the page, the counts and the export share it). */
export function portfolioCondition(eb: Eb, scope: Pick<BureauScope, "regionCode" | "districtCode">, f: PortfolioFilters, ref: PortfolioReference): Expression<SqlBool> {
  const all: Array<Expression<SqlBool>> = [eb("enterpriseStanding.regionCode", "=", scope.regionCode)];
  if (scope.districtCode) all.push(eb("enterpriseStanding.districtCode", "=", scope.districtCode));
  if (f.district) all.push(eb("enterpriseStanding.districtCode", "=", f.district));
  if (f.industry) all.push(eb("enterpriseStanding.industryDivision", "=", f.industry));
  if (f.cluster) {
    const cluster = ref.clusters.find((c) => c.code === f.cluster);
    if (cluster && cluster.industryPrefixes.length > 0) {
      // A cluster defined by industries ("246"): the prefixes are reference data of letters and digits only.
      all.push(eb.or(cluster.industryPrefixes.map((p) => eb("enterpriseStanding.industryCode", "like", `${p}%`))));
    } else all.push(eb("enterpriseStanding.clusterCode", "=", f.cluster));
  }
  if (f.scale) all.push(eb("enterpriseStanding.aboveScale", "=", f.scale === "above" ? 1 : 0));
  if (f.tier === "none") all.push(eb("enterpriseStanding.tier", "is", null));
  else if (f.tier) all.push(eb("enterpriseStanding.tier", "=", f.tier));
  if (f.level !== null) {
    const column = f.scheme === "cmmm" ? "enterpriseStanding.cmmmLevel" : "enterpriseStanding.smeLevel";
    all.push(f.level === "na" ? eb(column, "is", null) : eb(column, "=", f.level));
  }
  if (f.ready === "cloud") all.push(eb("enterpriseStanding.onCloud", "=", 1));
  else if (f.ready) all.push(eb("enterpriseStanding.ladderRung", ">=", RUNG_LEVEL[f.ready]));
  if (f.flags.length > 0) all.push(sql<SqlBool>`(${sql.ref("enterpriseStanding.flagMask")} & ${flagMask(f.flags)}) <> 0`);
  if (f.q) {
    // LIKE with an explicit escape character: SQLite has none by default, PostgreSQL uses backslash.
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    all.push(sql<SqlBool>`${sql.ref("enterpriseStanding.name")} like ${pattern} escape '\\'`);
  }
  return eb.and(all);
}

type Scope = Pick<BureauScope, "regionCode" | "districtCode">;

export async function countsByDistrict(db: Kysely<DB>, scope: Scope, f: PortfolioFilters, ref: PortfolioReference): Promise<DistrictCount[]> {
  const rows = await bureauDb(db)
    .selectFrom("enterpriseStanding")
    .select(["districtCode", "cmmmLevel", "smeLevel", "ladderRung", "onCloud", sql<number>`cast(count(*) as integer)`.as("n")])
    .where((eb) => portfolioCondition(eb, scope, f, ref))
    .groupBy(["districtCode", "cmmmLevel", "smeLevel", "ladderRung", "onCloud"])
    .execute();
  return rows.map((r) => ({
    districtCode: r.districtCode, cmmmLevel: r.cmmmLevel === null ? null : Number(r.cmmmLevel), smeLevel: r.smeLevel === null ? null : Number(r.smeLevel),
    ladderRung: r.ladderRung === null ? null : Number(r.ladderRung), onCloud: Number(r.onCloud), n: Number(r.n),
  }));
}

export async function countsByIndustry(db: Kysely<DB>, scope: Scope, f: PortfolioFilters, ref: PortfolioReference): Promise<IndustryCount[]> {
  const rows = await bureauDb(db)
    .selectFrom("enterpriseStanding")
    .select(["industryDivision", "cmmmLevel", "smeLevel", sql<number>`cast(count(*) as integer)`.as("n")])
    .where((eb) => portfolioCondition(eb, scope, f, ref))
    .groupBy(["industryDivision", "cmmmLevel", "smeLevel"])
    .execute();
  return rows.map((r) => ({
    industryDivision: r.industryDivision, cmmmLevel: r.cmmmLevel === null ? null : Number(r.cmmmLevel), smeLevel: r.smeLevel === null ? null : Number(r.smeLevel), n: Number(r.n),
  }));
}

const ROW_COLUMNS = [
  "organizationId", "name", "districtCode", "industryCode", "industryDivision", "clusterCode", "aboveScale", "smeSize", "flagMask",
  "smeLevel", "smeTotal", "cmmmLevel", "cmmmTotal", "ladderRung", "ladderReadiness", "tier", "onCloud", "latestAt",
] as const;

export type LibraryRow = Pick<EnterpriseStandingTable, (typeof ROW_COLUMNS)[number]>;

function numeric(row: Record<string, unknown>): LibraryRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ...(row as unknown as LibraryRow),
    aboveScale: Number(row.aboveScale), smeSize: Number(row.smeSize), flagMask: Number(row.flagMask), onCloud: Number(row.onCloud),
    smeLevel: n(row.smeLevel), smeTotal: n(row.smeTotal), cmmmLevel: n(row.cmmmLevel), cmmmTotal: n(row.cmmmTotal),
    ladderRung: n(row.ladderRung), ladderReadiness: n(row.ladderReadiness),
  };
}

const SORT_COLUMN = {
  district: "districtCode", industry: "industryCode", cmmm: "cmmmLevel", sme: "smeLevel", rung: "ladderRung", latest: "latestAt",
} as const;

/** One page of the library, sorted (enterprises without a value sort last either way; then by name). */
export async function libraryPage(db: Kysely<DB>, scope: Scope, f: PortfolioFilters, ref: PortfolioReference): Promise<{ rows: LibraryRow[]; hasMore: boolean }> {
  let query = bureauDb(db).selectFrom("enterpriseStanding").select([...ROW_COLUMNS]).where((eb) => portfolioCondition(eb, scope, f, ref));
  if (f.sort === "name") query = query.orderBy("name", f.dir).orderBy("organizationId", f.dir);
  else {
    const column = SORT_COLUMN[f.sort];
    if (f.sort !== "district" && f.sort !== "industry") query = query.orderBy(sql`case when ${sql.ref(column)} is null then 1 else 0 end`);
    query = query.orderBy(column, f.dir).orderBy("name").orderBy("organizationId");
  }
  const rows = await query.limit(PAGE_SIZE + 1).offset((f.page - 1) * PAGE_SIZE).execute();
  return { rows: rows.slice(0, PAGE_SIZE).map((r) => numeric(r)), hasMore: rows.length > PAGE_SIZE };
}

export interface ExportRow extends LibraryRow {
  creditCode: string | null;
  employees: number;
  revenueBand: string;
}

/** Every row matching the filters, by name, in keyset batches (the export never holds a city in memory). */
export async function* libraryRows(db: Kysely<DB>, scope: Scope, f: PortfolioFilters, ref: PortfolioReference, batch = 1000): AsyncGenerator<ExportRow[]> {
  const b = bureauDb(db);
  let after: { name: string; id: string } | null = null;
  for (;;) {
    const last: { name: string; id: string } | null = after;
    let query = b.selectFrom("enterpriseStanding").select([...ROW_COLUMNS]).where((eb) => portfolioCondition(eb, scope, f, ref));
    if (last) {
      query = query.where((eb) =>
        eb.or([eb("name", ">", last.name), eb.and([eb("name", "=", last.name), eb("organizationId", ">", last.id)])]),
      );
    }
    const rows = (await query.orderBy("name").orderBy("organizationId").limit(batch).execute()).map((r) => numeric(r));
    if (rows.length === 0) return;
    const extra = new Map(
      (await b.selectFrom("organization").select(["id", "creditCode", "employees", "revenueBand"]).where("id", "in", rows.map((r) => r.organizationId)).execute()).map((o) => [o.id, o]),
    );
    yield rows.map((r) => {
      const o = extra.get(r.organizationId);
      return { ...r, creditCode: o?.creditCode ?? null, employees: Number(o?.employees ?? 0), revenueBand: o?.revenueBand ?? "" };
    });
    if (rows.length < batch) return;
    after = { name: rows[rows.length - 1].name, id: rows[rows.length - 1].organizationId };
  }
}
