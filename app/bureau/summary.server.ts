// Per-district counts behind the targets and the progress-over-time chart: how many enterprises first met
// each rung in each month, and current counts (SMEs on cloud, 规上 enterprises by SME level, …). Recomputed
// for a district whenever an enterprise there changes (a few grouped scans of that district's rows), so the
// portfolio page reads a handful of rows instead of scanning a city's enterprises per request.
import { sql, type Kysely } from "kysely";
import type { DB } from "../db/schema";
import { FLAG_BITS } from "./flags";
import { bureauDb } from "./schema";
import { SERIES, type Summary } from "./targets";

export interface DistrictKey {
  regionCode: string;
  districtCode: string;
}

const MILESTONES = [
  ["cloudAt", SERIES.reachedCloud],
  ["rung1At", SERIES.reachedRung1],
  ["rung2At", SERIES.reachedRung2],
  ["rung3At", SERIES.reachedRung3],
] as const;

export async function recomputeSummaries(db: Kysely<DB>, districts: readonly DistrictKey[]): Promise<void> {
  const b = bureauDb(db);
  for (const { regionCode, districtCode } of districts) {
    const rows: Array<{ regionCode: string; districtCode: string; series: string; month: string; value: number }> = [];
    for (const [column, series] of MILESTONES) {
      const months = await b
        .selectFrom("enterpriseStanding")
        .select([sql<string>`substr(${sql.ref(column)}, 1, 7)`.as("month"), sql<number>`cast(count(*) as integer)`.as("n")])
        .where("regionCode", "=", regionCode)
        .where("districtCode", "=", districtCode)
        .where(column, "is not", null)
        .groupBy(sql`substr(${sql.ref(column)}, 1, 7)`)
        .execute();
      for (const m of months) rows.push({ regionCode, districtCode, series, month: m.month, value: Number(m.n) });
    }
    const count = (condition: ReturnType<typeof sql>) => sql<number>`cast(coalesce(sum(case when ${condition} then 1 else 0 end), 0) as integer)`;
    const stock = await b
      .selectFrom("enterpriseStanding")
      .select([
        sql<number>`cast(count(*) as integer)`.as("enterprises"),
        count(sql`above_scale = 1`).as("aboveScale"),
        count(sql`sme_size = 1 and on_cloud = 1`).as("smeOnCloud"),
        count(sql`(flag_mask & ${FLAG_BITS.cloud_benchmark}) <> 0`).as("cloudBenchmark"),
        count(sql`above_scale = 1 and sme_level >= 1`).as("l1"),
        count(sql`above_scale = 1 and sme_level >= 2`).as("l2"),
        count(sql`above_scale = 1 and sme_level >= 3`).as("l3"),
        count(sql`above_scale = 1 and sme_level >= 4`).as("l4"),
      ])
      .where("regionCode", "=", regionCode)
      .where("districtCode", "=", districtCode)
      .executeTakeFirstOrThrow();
    const stocks: Array<[string, number]> = [
      [SERIES.enterprises, stock.enterprises],
      [SERIES.aboveScale, stock.aboveScale],
      [SERIES.smeOnCloud, stock.smeOnCloud],
      [SERIES.cloudBenchmark, stock.cloudBenchmark],
      [`${SERIES.aboveScaleSmeLevelAtLeast}1`, stock.l1],
      [`${SERIES.aboveScaleSmeLevelAtLeast}2`, stock.l2],
      [`${SERIES.aboveScaleSmeLevelAtLeast}3`, stock.l3],
      [`${SERIES.aboveScaleSmeLevelAtLeast}4`, stock.l4],
    ];
    for (const [series, value] of stocks) rows.push({ regionCode, districtCode, series, month: "", value: Number(value) });
    await b.transaction().execute(async (trx) => {
      await trx.deleteFrom("portfolioSummary").where("districtCode", "=", districtCode).execute();
      for (let i = 0; i < rows.length; i += 200) await trx.insertInto("portfolioSummary").values(rows.slice(i, i + 200)).execute();
    });
  }
}

/** The summary of a bureau's scope: its whole region, or one district of it. */
export async function readSummary(db: Kysely<DB>, scope: { regionCode: string; districtCode: string | null }): Promise<Summary> {
  let query = bureauDb(db)
    .selectFrom("portfolioSummary")
    .select(["series", "month", sql<number>`cast(sum(value) as integer)`.as("value")])
    .where("regionCode", "=", scope.regionCode);
  if (scope.districtCode) query = query.where("districtCode", "=", scope.districtCode);
  const rows = await query.groupBy(["series", "month"]).execute();
  const summary: Summary = { monthly: new Map(), stock: new Map() };
  for (const r of rows) {
    if (r.month === "") summary.stock.set(r.series, Number(r.value));
    else {
      const series = summary.monthly.get(r.series) ?? new Map<string, number>();
      series.set(r.month, Number(r.value));
      summary.monthly.set(r.series, series);
    }
  }
  return summary;
}
