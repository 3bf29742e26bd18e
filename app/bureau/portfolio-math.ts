// The portfolio's charts and funnel from grouped counts (the SQL returns counts per district/industry ×
// levels × rung × cloud; everything the page shows is summed from those here, so it is checked by hand-
// computed unit tests and costs one scan per grouping on the database).
import { RUNG_LEVEL, RUNGS, type Rung } from "./ladder";
import { SCHEME_MAX, type LevelScheme } from "./filters";

export interface DistrictCount {
  districtCode: string;
  cmmmLevel: number | null;
  smeLevel: number | null;
  ladderRung: number | null;
  onCloud: number;
  n: number;
}

export interface IndustryCount {
  industryDivision: string;
  cmmmLevel: number | null;
  smeLevel: number | null;
  n: number;
}

/** "na" = not assessed in the scheme; 0 = below level 1; then the levels. */
export type LevelBucket = "na" | number;

export function levelBuckets(scheme: LevelScheme): LevelBucket[] {
  return ["na", ...Array.from({ length: SCHEME_MAX[scheme] + 1 }, (_, i) => i)];
}

export interface Distribution {
  /** District or industry codes, one bar each. */
  keys: string[];
  buckets: LevelBucket[];
  /** counts[b][k]: enterprises of key k in bucket b. */
  counts: number[][];
}

function bucketOf(level: number | null): LevelBucket {
  return level === null ? "na" : level;
}

export function distribution(
  rows: ReadonlyArray<{ key: string; level: number | null; n: number }>,
  scheme: LevelScheme,
  order: "given" | "largest",
  keys: readonly string[] = [],
): Distribution {
  const buckets = levelBuckets(scheme);
  const totals = new Map<string, number>(keys.map((k) => [k, 0]));
  for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0) + r.n);
  const ordered = order === "given" ? [...totals.keys()] : [...totals.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  const index = new Map(ordered.map((k, i) => [k, i]));
  const counts = buckets.map(() => ordered.map(() => 0));
  for (const r of rows) {
    const k = index.get(r.key);
    const b = buckets.indexOf(bucketOf(r.level));
    if (k !== undefined && b >= 0) counts[b][k] += r.n;
  }
  return { keys: ordered, buckets, counts };
}

export function byDistrict(rows: readonly DistrictCount[], scheme: LevelScheme, districtOrder: readonly string[]): Distribution {
  return distribution(rows.map((r) => ({ key: r.districtCode, level: scheme === "cmmm" ? r.cmmmLevel : r.smeLevel, n: r.n })), scheme, "given", districtOrder);
}

export function byIndustry(rows: readonly IndustryCount[], scheme: LevelScheme): Distribution {
  return distribution(rows.map((r) => ({ key: r.industryDivision, level: scheme === "cmmm" ? r.cmmmLevel : r.smeLevel, n: r.n })), scheme, "largest");
}

export function totalOf(rows: readonly DistrictCount[]): number {
  return rows.reduce((s, r) => s + r.n, 0);
}

/** Enterprises meeting each rung: on cloud, and the 未来工厂-ladder rung or a higher one. */
export function funnel(rows: readonly DistrictCount[]): Record<Rung, number> {
  const out = Object.fromEntries(RUNGS.map((r) => [r, 0])) as Record<Rung, number>;
  for (const r of rows) {
    if (r.onCloud) out.cloud += r.n;
    const rung = r.ladderRung ?? 0;
    if (rung >= RUNG_LEVEL.workshop) out.workshop += r.n;
    if (rung >= RUNG_LEVEL.factory) out.factory += r.n;
    if (rung >= RUNG_LEVEL.future) out.future += r.n;
  }
  return out;
}
