// Cultivation targets are rows (plan, metric, target, baseline, period); what each metric counts is defined
// here, over the per-district summary the standing sync keeps (summary.server.ts):
//   newWorkshopOrFactory   enterprises that first met the 数字化车间 rung (or higher) within the period
//   newFutureFactory       enterprises that first met the 未来工厂 rung within the period
//   smeOnCloud             SMEs (by size) whose latest SME assessment puts them on cloud, now
//   cloudBenchmark         enterprises flagged as 上云标杆, now
//   aboveScaleTransformed  share (%) of 规上 enterprises whose latest SME digital level is ≥ param, now
// "Met the rung" is the engine's verdict on the enterprise's answers — eligible to apply, not yet recognised
// by the province; the page says so. Progress = (value − baseline) / (target − baseline).
import type { CultivationTargetTable } from "./schema";

export type TargetMetric = "newWorkshopOrFactory" | "newFutureFactory" | "smeOnCloud" | "cloudBenchmark" | "aboveScaleTransformed";

export interface MetricDefinition {
  metric: TargetMetric;
  unit: "count" | "percent";
  /** flow: counted within the period (by month); stock: the count now. */
  kind: "flow" | "stock";
  /** For aboveScaleTransformed: the minimum SME level (1–4). */
  param: { min: number; max: number } | null;
}

export const METRICS: readonly MetricDefinition[] = [
  { metric: "newWorkshopOrFactory", unit: "count", kind: "flow", param: null },
  { metric: "newFutureFactory", unit: "count", kind: "flow", param: null },
  { metric: "smeOnCloud", unit: "count", kind: "stock", param: null },
  { metric: "cloudBenchmark", unit: "count", kind: "stock", param: null },
  { metric: "aboveScaleTransformed", unit: "percent", kind: "stock", param: { min: 1, max: 4 } },
];

export const metricByCode = new Map(METRICS.map((m) => [m.metric, m]));

export function isTargetMetric(value: unknown): value is TargetMetric {
  return typeof value === "string" && metricByCode.has(value as TargetMetric);
}

/** Summary series names (portfolio_summary.series). */
export const SERIES = {
  reachedCloud: "reached:cloud",
  reachedRung1: "reached:rung1",
  reachedRung2: "reached:rung2",
  reachedRung3: "reached:rung3",
  enterprises: "stock:enterprises",
  aboveScale: "stock:aboveScale",
  smeOnCloud: "stock:smeOnCloud",
  cloudBenchmark: "stock:cloudBenchmark",
  /** + level 1–4: 规上 enterprises whose latest SME level is at least that level. */
  aboveScaleSmeLevelAtLeast: "stock:aboveScaleSmeLevelAtLeast",
} as const;

/** Monthly series by name: month (YYYY-MM) → count; current counts by name. */
export interface Summary {
  monthly: Map<string, Map<string, number>>;
  stock: Map<string, number>;
}

export type TargetRow = Pick<CultivationTargetTable, "metric" | "param" | "targetValue" | "baseline" | "periodStart" | "periodEnd">;

export interface TargetProgress {
  /** The measured value; null when it cannot be measured (e.g. a share of no enterprises). */
  value: number | null;
  /** (value − baseline) / (target − baseline), not clamped; null when value is null. */
  ratio: number | null;
}

function sumMonths(series: Map<string, number> | undefined, from: string, to: string): number {
  let total = 0;
  if (series) for (const [month, n] of series) if (month >= from && month <= to) total += n;
  return total;
}

export function metricValue(target: TargetRow, summary: Summary): number | null {
  switch (target.metric as TargetMetric) {
    case "newWorkshopOrFactory":
      return sumMonths(summary.monthly.get(SERIES.reachedRung1), target.periodStart, target.periodEnd);
    case "newFutureFactory":
      return sumMonths(summary.monthly.get(SERIES.reachedRung3), target.periodStart, target.periodEnd);
    case "smeOnCloud":
      return summary.stock.get(SERIES.smeOnCloud) ?? 0;
    case "cloudBenchmark":
      return summary.stock.get(SERIES.cloudBenchmark) ?? 0;
    case "aboveScaleTransformed": {
      const all = summary.stock.get(SERIES.aboveScale) ?? 0;
      if (all === 0 || target.param === null) return null;
      const transformed = summary.stock.get(`${SERIES.aboveScaleSmeLevelAtLeast}${target.param}`) ?? 0;
      return (100 * transformed) / all;
    }
    default:
      return null;
  }
}

export function targetProgress(target: TargetRow, summary: Summary): TargetProgress {
  const value = metricValue(target, summary);
  const span = target.targetValue - target.baseline;
  return { value, ratio: value === null || span === 0 ? null : (value - target.baseline) / span };
}

/** Months from `from` to `to` inclusive (YYYY-MM), at most `limit` (the latest ones). */
export function monthRange(from: string, to: string, limit = 120): string[] {
  const out: string[] = [];
  let [y, m] = from.split("-").map(Number);
  const [ty, tm] = to.split("-").map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m++;
    if (m === 13) {
      y++;
      m = 1;
    }
  }
  return out.slice(-limit);
}

/** Cumulative counts per month over `months` (everything before the first month is carried in). */
export function cumulative(series: Map<string, number> | undefined, months: readonly string[]): number[] {
  let running = 0;
  if (series && months.length > 0) for (const [month, n] of series) if (month < months[0]) running += n;
  return months.map((month) => (running += series?.get(month) ?? 0));
}
