// Ningbo's districts and counties, its "361" clusters and the GB/T 4754 manufacturing divisions: every
// deployment needs them (organisation profiles reference them), so they ship as a migration, not as demo data.
import type { Kysely } from "kysely";
import { CLUSTERS, DISTRICTS, INDUSTRIES, REGIONS } from "../../domain/reference-data";

export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto("region")
    .values(REGIONS.map((r) => ({ code: r.code, name_zh: r.name.zh, name_en: r.name.en })))
    .execute();
  await db
    .insertInto("district")
    .values(
      DISTRICTS.map((d, i) => ({
        code: d.code, region_code: d.regionCode, name_zh: d.name.zh, name_en: d.name.en, kind: d.kind, sort_order: i,
      })),
    )
    .execute();
  await db
    .insertInto("cluster")
    .values(CLUSTERS.map((c, i) => ({ code: c.code, name_zh: c.name.zh, name_en: c.name.en, plan: c.plan, sort_order: i })))
    .execute();
  await db
    .insertInto("industry")
    .values(INDUSTRIES.map((x) => ({ code: x.code, name_zh: x.name.zh, name_en: x.name.en, industry_type: x.industryType })))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["industry", "cluster", "district", "region"]) await db.deleteFrom(table).execute();
}
