import { describe, expect, it } from "vitest";
import { chooseCohort, MIN_PEERS, percentile } from "~/bureau/peers";

describe("peer percentile", () => {
  it("counts peers strictly below plus half of the ties", () => {
    // peers scoring 10, 20, 30, 30, 40 and an enterprise at 30: 2 below, 2 equal → (2 + 1) / 5 = 60
    expect(percentile({ peers: 5, below: 2, ties: 2 })).toBe(60);
    // above everyone of 7 → 100; below everyone → 0; tied with all 6 → 50
    expect(percentile({ peers: 7, below: 7, ties: 0 })).toBe(100);
    expect(percentile({ peers: 7, below: 0, ties: 0 })).toBe(0);
    expect(percentile({ peers: 6, below: 0, ties: 6 })).toBe(50);
    // 3 of 8 below, 1 tie → 3.5 / 8 = 43.75
    expect(percentile({ peers: 8, below: 3, ties: 1 })).toBe(43.75);
  });

  it("refuses a cohort without peers rather than dividing by zero", () => {
    expect(() => percentile({ peers: 0, below: 0, ties: 0 })).toThrow(RangeError);
  });
});

describe("cohort choice", () => {
  it("takes the enterprise's own cohort from five peers", () => {
    expect(MIN_PEERS).toBe(5);
    expect(chooseCohort(5, null)).toEqual({ kind: "districtIndustryScale" });
    expect(chooseCohort(40, 3)).toEqual({ kind: "districtIndustryScale" });
  });

  it("widens to the industry city-wide when the own cohort is short and the wider one is not", () => {
    expect(chooseCohort(4, 5)).toEqual({ kind: "regionIndustry" });
    expect(chooseCohort(0, 12)).toEqual({ kind: "regionIndustry" });
  });

  it("shows nothing below five in both, and says how many more peers the own cohort needs", () => {
    expect(chooseCohort(4, 4)).toEqual({ kind: null, needed: 1 });
    expect(chooseCohort(1, 3)).toEqual({ kind: null, needed: 4 });
    expect(chooseCohort(0, null)).toEqual({ kind: null, needed: 5 });
  });
});
