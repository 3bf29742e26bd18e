// The bureau portfolio (培育库) and peer benchmarks: Ningbo's "246" clusters as data beside the "361" ones,
// the per-enterprise standing the portfolio aggregates (with covering indexes for city-wide counts), the
// per-district summary behind targets and progress over time, the sync cursors, the cultivation targets
// with the 2025 plan's defaults, and the indexes peer cohorts and the sync read through.
// Dialect-neutral like 0001: text, integer and double precision only; no partial indexes.
import type { Kysely } from "kysely";
import { CLUSTERS_246, PLAN_246 } from "../../bureau/clusters-246";

const ts = "text";
const dbl = "double precision";

/** The plan's targets to 2025 (/work/shared FRAMEWORKS.md §3), editable afterwards by the city bureau. */
const NINGBO_2025 = [
  { id: "ningbo2025-workshops", metric: "newWorkshopOrFactory", param: null, target: 400 },
  { id: "ningbo2025-future", metric: "newFutureFactory", param: null, target: 15 },
  { id: "ningbo2025-sme-cloud", metric: "smeOnCloud", param: null, target: 100_000 },
  { id: "ningbo2025-cloud-benchmarks", metric: "cloudBenchmark", param: null, target: 150 },
  { id: "ningbo2025-above-scale", metric: "aboveScaleTransformed", param: 2, target: 100 },
];

export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto("cluster")
    .values(CLUSTERS_246.map((c, i) => ({ code: c.code, name_zh: c.name.zh, name_en: c.name.en, plan: PLAN_246, sort_order: 100 + i })))
    .execute();
  await db.schema
    .createTable("cluster_industry")
    .addColumn("cluster_code", "text", (c) => c.notNull().references("cluster.code").onDelete("cascade"))
    .addColumn("industry_prefix", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("cluster_industry_pk", ["cluster_code", "industry_prefix"])
    .execute();
  await db
    .insertInto("cluster_industry")
    .values(CLUSTERS_246.flatMap((c) => c.industryPrefixes.map((p) => ({ cluster_code: c.code, industry_prefix: p }))))
    .execute();

  await db.schema
    .createTable("enterprise_standing")
    .addColumn("organization_id", "text", (c) => c.primaryKey().references("organization.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("region_code", "text", (c) => c.notNull())
    .addColumn("district_code", "text", (c) => c.notNull())
    .addColumn("industry_code", "text", (c) => c.notNull())
    .addColumn("industry_division", "text", (c) => c.notNull())
    .addColumn("cluster_code", "text")
    .addColumn("above_scale", "integer", (c) => c.notNull())
    .addColumn("sme_size", "integer", (c) => c.notNull())
    .addColumn("flag_mask", "integer", (c) => c.notNull())
    .addColumn("org_updated_at", ts, (c) => c.notNull())
    .addColumn("sme_level", "integer")
    .addColumn("sme_total", dbl)
    .addColumn("sme_assessment_id", "text")
    .addColumn("cmmm_level", "integer")
    .addColumn("cmmm_total", dbl)
    .addColumn("cmmm_assessment_id", "text")
    .addColumn("ladder_rung", "integer")
    .addColumn("ladder_readiness", dbl)
    .addColumn("ladder_assessment_id", "text")
    .addColumn("tier", "text")
    .addColumn("on_cloud", "integer", (c) => c.notNull())
    .addColumn("cloud_at", ts)
    .addColumn("rung1_at", ts)
    .addColumn("rung2_at", ts)
    .addColumn("rung3_at", ts)
    .addColumn("latest_at", ts)
    .addColumn("computed_at", ts, (c) => c.notNull())
    .execute();
  // Covering indexes: a count by district (or by industry) with any filter combination reads an index alone,
  // in group order (district/industry, then the CMMM and SME levels, rung and cloud the page groups by) — no
  // table lookups, no sort. Every filterable column is in each, the name too (the name search). The third
  // serves a district bureau's (or a district filter's) counts by industry.
  const rest = ["above_scale", "cluster_code", "tier", "flag_mask", "industry_code", "name"];
  await db.schema
    .createIndex("standing_by_district")
    .on("enterprise_standing")
    .columns(["region_code", "district_code", "cmmm_level", "sme_level", "ladder_rung", "on_cloud", "industry_division", ...rest])
    .execute();
  await db.schema
    .createIndex("standing_by_industry")
    .on("enterprise_standing")
    .columns(["region_code", "industry_division", "cmmm_level", "sme_level", "district_code", "ladder_rung", "on_cloud", ...rest])
    .execute();
  await db.schema
    .createIndex("standing_by_district_industry")
    .on("enterprise_standing")
    .columns(["region_code", "district_code", "industry_division", "cmmm_level", "sme_level", "ladder_rung", "on_cloud", ...rest])
    .execute();
  // The library table's default order (and the CSV export's keyset pages).
  await db.schema.createIndex("standing_by_name").on("enterprise_standing").columns(["region_code", "name", "organization_id"]).execute();

  await db.schema
    .createTable("portfolio_summary")
    .addColumn("region_code", "text", (c) => c.notNull())
    .addColumn("district_code", "text", (c) => c.notNull())
    .addColumn("series", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("value", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("portfolio_summary_pk", ["district_code", "series", "month"])
    .execute();
  await db.schema.createIndex("portfolio_summary_region").on("portfolio_summary").columns(["region_code", "series", "month"]).execute();

  await db.schema
    .createTable("bureau_sync_state")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("cursor", ts, (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("cultivation_target")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("region_code", "text", (c) => c.notNull().references("region.code"))
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("metric", "text", (c) => c.notNull())
    .addColumn("param", "integer")
    .addColumn("target_value", dbl, (c) => c.notNull())
    .addColumn("baseline", dbl, (c) => c.notNull())
    .addColumn("period_start", "text", (c) => c.notNull())
    .addColumn("period_end", "text", (c) => c.notNull())
    .addColumn("sort_order", "integer", (c) => c.notNull())
    .addColumn("updated_at", ts, (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();
  await db.schema.createIndex("cultivation_target_region").on("cultivation_target").columns(["region_code", "sort_order"]).execute();
  const now = new Date().toISOString();
  await db
    .insertInto("cultivation_target")
    .values(
      NINGBO_2025.map((t, i) => ({
        id: t.id, region_code: "330200", plan: "宁波市 2025 年智能制造培育目标", metric: t.metric, param: t.param, target_value: t.target, baseline: 0,
        period_start: "2021-01", period_end: "2025-12", sort_order: i, updated_at: now, updated_by: null,
      })),
    )
    .execute();

  // The standing sync finds new results and changed profiles by time; peer cohorts take each enterprise's
  // latest self result of a framework; cohorts are enterprises of one division, district and scale.
  await db.schema.createIndex("result_scored_at").on("result").column("scored_at").execute();
  await db.schema.createIndex("result_latest_by_org").on("result").columns(["organization_id", "framework_id", "kind", "scored_at"]).execute();
  await db.schema.createIndex("organization_updated_at").on("organization").column("updated_at").execute();
  await db.schema.createIndex("organization_peer_cohort").on("organization").columns(["industry_division", "district_code", "above_scale"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ["organization_peer_cohort", "organization_updated_at", "result_latest_by_org", "result_scored_at"]) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  for (const table of ["cultivation_target", "bureau_sync_state", "portfolio_summary", "enterprise_standing", "cluster_industry"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.deleteFrom("cluster").where("plan", "=", PLAN_246).execute();
}
