// Everything the portfolio page shows, assembled from the queries (routes stay thin): grouped counts →
// funnel and level distributions, the per-district summary → targets and progress over time, one page of
// the library.
import type { Kysely } from "kysely";
import type { Text } from "../../assessments/types";
import type { DB } from "../db/schema";
import type { FilterIssue, PortfolioFilters } from "./filters";
import { RUNGS, type Rung } from "./ladder";
import { byDistrict, byIndustry, funnel, totalOf, type DistrictCount, type Distribution, type IndustryCount } from "./portfolio-math";
import { countsByDistrict, countsByIndustry, libraryPage, type LibraryRow, type PortfolioReference } from "./portfolio.server";
import type { BureauScope } from "./scope.server";
import { standingVersion } from "./standing.server";
import { readSummary } from "./summary.server";
import { listTargets } from "./targets.server";
import { cumulative, metricByCode, monthRange, SERIES, targetProgress, type TargetMetric } from "./targets";
import { VersionedCache } from "./versioned-cache";

export interface TargetView {
  id: string;
  plan: string;
  metric: TargetMetric;
  param: number | null;
  unit: "count" | "percent";
  targetValue: number;
  baseline: number;
  periodStart: string;
  periodEnd: string;
  value: number | null;
  ratio: number | null;
}

export interface PortfolioView {
  total: number;
  funnel: Array<{ rung: Rung; count: number }>;
  byDistrict: Distribution;
  byIndustry: Distribution;
  targets: TargetView[];
  progress: { months: string[]; series: Array<{ rung: Rung; values: number[] }> };
  rows: LibraryRow[];
  hasMore: boolean;
}

const RUNG_SERIES: Record<Rung, string> = {
  cloud: SERIES.reachedCloud, workshop: SERIES.reachedRung1, factory: SERIES.reachedRung2, future: SERIES.reachedRung3,
};

function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** The months the progress chart spans: the last two years, or back to the first month with data (≤ 5 years). */
export function progressMonths(firstWithData: string | null, now: Date): string[] {
  const end = monthOf(now);
  const twoYears = monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1)));
  const start = firstWithData !== null && firstWithData < twoYears ? firstWithData : twoYears;
  return monthRange(start, end, 60);
}

// Grouped counts per scope and filter set (not sort or page), kept until the standing changes: paging,
// sorting and returning to a view cost no scan of the city's enterprises.
const countCaches = new WeakMap<object, VersionedCache<[DistrictCount[], IndustryCount[]]>>();
const COUNT_CACHE_ENTRIES = 256;

function cachedCounts(db: Kysely<DB>, scope: BureauScope, filters: PortfolioFilters, ref: PortfolioReference): Promise<[DistrictCount[], IndustryCount[]]> {
  let cache = countCaches.get(db);
  if (!cache) countCaches.set(db, (cache = new VersionedCache(COUNT_CACHE_ENTRIES)));
  const { sort: _sort, dir: _dir, page: _page, ...counted } = filters;
  const key = JSON.stringify([scope.regionCode, scope.districtCode, counted]);
  return cache.get(key, standingVersion(db), () => Promise.all([countsByDistrict(db, scope, filters, ref), countsByIndustry(db, scope, filters, ref)]));
}

export async function portfolioView(db: Kysely<DB>, scope: BureauScope, filters: PortfolioFilters, ref: PortfolioReference, now = new Date()): Promise<PortfolioView> {
  const [[districtCounts, industryCounts], page, summary, targets] = await Promise.all([
    cachedCounts(db, scope, filters, ref),
    libraryPage(db, scope, filters, ref),
    readSummary(db, scope),
    listTargets(db, scope.regionCode),
  ]);
  const ladder = funnel(districtCounts);
  let first: string | null = null;
  for (const rung of RUNGS) for (const month of summary.monthly.get(RUNG_SERIES[rung])?.keys() ?? []) if (first === null || month < first) first = month;
  const months = progressMonths(first, now);
  return {
    total: totalOf(districtCounts),
    funnel: RUNGS.map((rung) => ({ rung, count: ladder[rung] })),
    byDistrict: byDistrict(districtCounts, filters.scheme, scope.districts.map((d) => d.code)),
    byIndustry: byIndustry(industryCounts, filters.scheme),
    targets: targets.map((t) => {
      const def = metricByCode.get(t.metric);
      return { ...t, unit: def?.unit ?? "count", ...targetProgress(t, summary) };
    }),
    progress: { months, series: RUNGS.map((rung) => ({ rung, values: cumulative(summary.monthly.get(RUNG_SERIES[rung]), months) })) },
    rows: page.rows,
    hasMore: page.hasMore,
  };
}

export interface FilterOptions {
  districts: Array<{ code: string; name: Text }>;
  industries: Array<{ code: string; name: Text }>;
  clusters361: Array<{ code: string; name: Text }>;
  clusters246: Array<{ code: string; name: Text }>;
  tiers: Array<{ id: string; name: Text }>;
  flags: Array<{ code: string; name: Text }>;
  ladderLevels: Array<{ level: number; name: Text }>;
}

export function filterOptions(scope: BureauScope, ref: PortfolioReference): FilterOptions {
  return {
    districts: scope.districts,
    industries: ref.industries,
    clusters361: ref.clusters.filter((c) => c.industryPrefixes.length === 0).map((c) => ({ code: c.code, name: c.name })),
    clusters246: ref.clusters.filter((c) => c.industryPrefixes.length > 0).map((c) => ({ code: c.code, name: c.name })),
    tiers: ref.tiers,
    flags: ref.flags,
    ladderLevels: ref.ladderLevels,
  };
}

export type { FilterIssue };
