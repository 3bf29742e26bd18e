import { describe, expect, it } from "vitest";
import { cumulative, metricValue, monthRange, SERIES, targetProgress, type Summary, type TargetRow } from "~/bureau/targets";
import { progressMonths } from "~/bureau/portfolio-view.server";

const summary: Summary = {
  monthly: new Map([
    [SERIES.reachedRung1, new Map([["2020-12", 4], ["2021-01", 3], ["2023-06", 5], ["2025-12", 2], ["2026-01", 9]])],
    [SERIES.reachedRung3, new Map([["2024-02", 1]])],
  ]),
  stock: new Map([
    [SERIES.smeOnCloud, 620],
    [SERIES.cloudBenchmark, 12],
    [SERIES.aboveScale, 80],
    [`${SERIES.aboveScaleSmeLevelAtLeast}2`, 30],
  ]),
};
const target = (metric: string, targetValue: number, over: Partial<TargetRow> = {}): TargetRow => ({
  metric, param: null, targetValue, baseline: 0, periodStart: "2021-01", periodEnd: "2025-12", ...over,
});

describe("target metrics", () => {
  it("counts enterprises first meeting a rung within the period's months, both ends included", () => {
    expect(metricValue(target("newWorkshopOrFactory", 400), summary)).toBe(3 + 5 + 2);
    expect(metricValue(target("newFutureFactory", 15), summary)).toBe(1);
    expect(metricValue(target("newWorkshopOrFactory", 400, { periodStart: "2025-12", periodEnd: "2026-01" }), summary)).toBe(11);
  });

  it("takes current counts for stocks and a share for the 规上 transformation", () => {
    expect(metricValue(target("smeOnCloud", 100_000), summary)).toBe(620);
    expect(metricValue(target("cloudBenchmark", 150), summary)).toBe(12);
    expect(metricValue(target("aboveScaleTransformed", 100, { param: 2 }), summary)).toBe(37.5); // 30 of 80
    expect(metricValue(target("aboveScaleTransformed", 100, { param: 3 }), summary)).toBe(0);
    expect(metricValue(target("aboveScaleTransformed", 100, { param: 2 }), { monthly: new Map(), stock: new Map() })).toBeNull();
    expect(metricValue(target("noSuchMetric", 1), summary)).toBeNull();
  });

  it("measures progress from the baseline: (value − baseline) / (target − baseline)", () => {
    expect(targetProgress(target("smeOnCloud", 1620, { baseline: 120 }), summary)).toEqual({ value: 620, ratio: 500 / 1500 });
    expect(targetProgress(target("newFutureFactory", 15), summary)).toEqual({ value: 1, ratio: 1 / 15 });
    expect(targetProgress(target("aboveScaleTransformed", 100, { param: 2 }), { monthly: new Map(), stock: new Map() })).toEqual({ value: null, ratio: null });
  });
});

describe("months", () => {
  it("spans months across a year end, keeping the latest when capped", () => {
    expect(monthRange("2024-11", "2025-02")).toEqual(["2024-11", "2024-12", "2025-01", "2025-02"]);
    expect(monthRange("2024-11", "2025-02", 2)).toEqual(["2025-01", "2025-02"]);
    expect(monthRange("2025-03", "2025-02")).toEqual([]);
  });

  it("accumulates counts, carrying in everything before the first month shown", () => {
    const series = new Map([["2020-01", 2], ["2021-02", 1], ["2021-04", 3]]);
    expect(cumulative(series, ["2021-02", "2021-03", "2021-04"])).toEqual([3, 3, 6]);
    expect(cumulative(undefined, ["2021-02"])).toEqual([0]);
  });

  it("charts the last two years, or back to the first month with data (at most five years)", () => {
    const now = new Date("2026-11-26T10:00:00Z");
    const recent = progressMonths("2026-05", now);
    expect(recent[0]).toBe("2024-12");
    expect(recent.at(-1)).toBe("2026-11");
    expect(recent).toHaveLength(24);
    expect(progressMonths("2023-03", now)[0]).toBe("2023-03");
    expect(progressMonths("2010-01", now)).toHaveLength(60);
  });
});
