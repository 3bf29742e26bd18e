import { describe, expect, it } from "vitest";
import { parseTargetInput } from "~/bureau/target-input";

const good = { plan: "宁波市 2025 年目标", metric: "newWorkshopOrFactory", param: "", targetValue: "400", baseline: "0", periodStart: "2021-01", periodEnd: "2025-12" };

describe("cultivation target input", () => {
  it("accepts a target and drops the parameter of a metric without one", () => {
    expect(parseTargetInput({ ...good, param: "3" })).toEqual({
      ok: true,
      value: { plan: "宁波市 2025 年目标", metric: "newWorkshopOrFactory", param: null, targetValue: 400, baseline: 0, periodStart: "2021-01", periodEnd: "2025-12" },
    });
    expect(parseTargetInput({ ...good, metric: "aboveScaleTransformed", param: "2", targetValue: "100", baseline: "" })).toMatchObject({ ok: true, value: { param: 2, targetValue: 100, baseline: 0 } });
  });

  it("names every wrong field with its message", () => {
    const r = parseTargetInput({ plan: " ", metric: "made-up", param: "", targetValue: "lots", baseline: "-1", periodStart: "2025-13", periodEnd: "25-12" });
    expect(r).toEqual({
      ok: false,
      errors: {
        plan: "bureau.targets.error.plan", metric: "bureau.targets.error.metric", targetValue: "bureau.targets.error.targetValue",
        periodStart: "bureau.targets.error.period", periodEnd: "bureau.targets.error.period", baseline: "bureau.targets.error.baseline",
      },
    });
  });

  it("checks values against each other and against the metric", () => {
    expect(parseTargetInput({ ...good, baseline: "400" })).toEqual({ ok: false, errors: { baseline: "bureau.targets.error.baseline" } });
    expect(parseTargetInput({ ...good, targetValue: "0" })).toEqual({ ok: false, errors: { targetValue: "bureau.targets.error.targetValue", baseline: "bureau.targets.error.baseline" } });
    expect(parseTargetInput({ ...good, periodStart: "2026-01" })).toEqual({ ok: false, errors: { periodEnd: "bureau.targets.error.periodOrder" } });
    expect(parseTargetInput({ ...good, metric: "aboveScaleTransformed", param: "5", targetValue: "100" })).toEqual({ ok: false, errors: { param: "bureau.targets.error.param" } });
    expect(parseTargetInput({ ...good, metric: "aboveScaleTransformed", param: "2", targetValue: "120" })).toEqual({ ok: false, errors: { targetValue: "bureau.targets.error.targetValue" } });
  });

  it("treats missing fields as errors, not crashes", () => {
    expect(parseTargetInput({})).toMatchObject({ ok: false });
  });
});
