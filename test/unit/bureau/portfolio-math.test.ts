import { describe, expect, it } from "vitest";
import { byDistrict, byIndustry, funnel, totalOf, type DistrictCount } from "~/bureau/portfolio-math";

const rows: DistrictCount[] = [
  { districtCode: "330206", cmmmLevel: 2, smeLevel: null, ladderRung: 2, onCloud: 1, n: 3 },
  { districtCode: "330206", cmmmLevel: 1, smeLevel: 1, ladderRung: null, onCloud: 0, n: 4 },
  { districtCode: "330212", cmmmLevel: null, smeLevel: 0, ladderRung: 0, onCloud: 1, n: 2 },
  { districtCode: "330212", cmmmLevel: 3, smeLevel: 2, ladderRung: 3, onCloud: 0, n: 1 },
];

describe("portfolio arithmetic", () => {
  it("sums the funnel: on cloud, and each ladder rung including the enterprises above it", () => {
    // cloud 3 + 2; workshop: rungs 2 (3) and 3 (1); factory: same; future: rung 3 only
    expect(funnel(rows)).toEqual({ cloud: 5, workshop: 4, factory: 4, future: 1 });
    expect(totalOf(rows)).toBe(10);
  });

  it("stacks levels per district in the scope's order, with empty districts kept", () => {
    const d = byDistrict(rows, "cmmm", ["330203", "330206", "330212"]);
    expect(d.keys).toEqual(["330203", "330206", "330212"]);
    expect(d.buckets).toEqual(["na", 0, 1, 2, 3, 4, 5]);
    // rows: na, 0, 1, 2, 3, 4, 5 × districts
    expect(d.counts).toEqual([
      [0, 0, 2], [0, 0, 0], [0, 4, 0], [0, 3, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0],
    ]);
    const s = byDistrict(rows, "sme", ["330206", "330212"]);
    expect(s.buckets).toEqual(["na", 0, 1, 2, 3, 4]);
    expect(s.counts).toEqual([[3, 0], [0, 2], [4, 0], [0, 1], [0, 0], [0, 0]]);
  });

  it("orders industries by size, largest first, ties by code", () => {
    const d = byIndustry(
      [
        { industryDivision: "C26", cmmmLevel: 1, smeLevel: null, n: 2 },
        { industryDivision: "C34", cmmmLevel: 2, smeLevel: 1, n: 5 },
        { industryDivision: "C13", cmmmLevel: null, smeLevel: null, n: 2 },
        { industryDivision: "C34", cmmmLevel: 1, smeLevel: 1, n: 1 },
      ],
      "cmmm",
    );
    expect(d.keys).toEqual(["C34", "C13", "C26"]);
    expect(d.counts[0]).toEqual([0, 2, 0]); // not assessed
    expect(d.counts[2]).toEqual([1, 0, 2]); // level 1
    expect(d.counts[3]).toEqual([5, 0, 0]); // level 2
  });
});
