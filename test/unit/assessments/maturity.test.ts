// The maturity model on a fixture small enough to score by hand (see fixtures.ts: unit a weighs 0.2 and
// unit b 0.8 in discrete industry, 0.5 / 0.5 in process; gate 0.8; bands 0.8 / 1.8 / 2.8).
import { describe, expect, it } from "vitest";
import { parseFramework, score, type RatingValue } from "../../../assessments";
import { deepCopy, loadReal, maturityFixture, maturityRaw, rated, readExample } from "./fixtures";

const fw = maturityFixture();

/** Ratings for a.l1.1–3, b.l1.1–3, a.l2.1, b.l2.1, a.l3.1 in that order; undefined = unanswered. */
function answers(list: Array<RatingValue | undefined>) {
  const ids = ["a.l1.1", "a.l1.2", "a.l1.3", "b.l1.1", "b.l1.2", "b.l1.3", "a.l2.1", "b.l2.1", "a.l3.1"];
  const out: Record<string, RatingValue> = {};
  ids.forEach((id, i) => {
    if (list[i] !== undefined) out[id] = list[i] as RatingValue;
  });
  return rated(out);
}

/** Levels 1 and 2 at exactly 0.8, level 3 at 0: S = 1.6, gate 2, bands 1 (worked out in the first table row). */
const exactlyAtGate: RatingValue[] = ["full", "full", "most", "full", "most", "partial", "most", "most", "none"];
/** Unit b fully met at levels 1 and 2, unit a not at all: how much b matters depends on the industry's weights. */
const unitBOnly: RatingValue[] = ["none", "none", "none", "full", "full", "full", "none", "full", "none"];

/** The fixture with the score bands, not the gate, deciding the level. */
function decidedByBands() {
  const raw = maturityRaw();
  (raw.scoring as { decidedBy: string }).decidedBy = "bands";
  return parseFramework(raw);
}

describe("maturity level by gate and bands", () => {
  // Each row: the answers, then level scores, S, byGate, byBands, all worked out by hand.
  const table: Array<{
    name: string;
    answers: Array<RatingValue | undefined>;
    industryType?: "discrete" | "process";
    levelScores: Array<number | null>;
    total: number;
    byGate: number | null;
    byBands: number | null;
  }> = [
    {
      // L1: a = (1 + 1 + 0.8) / 3 = 0.9333…, b = (1 + 0.8 + 0.5) / 3 = 0.7666…
      //     0.2 × 2.8/3 + 0.8 × 2.3/3 = (0.56 + 1.84) / 3 = 0.8 exactly (floating point gives 0.7999999999999999)
      // L2: 0.2 × 0.8 + 0.8 × 0.8 = 0.8; L3: only a, renormalised: 0 → S = 0.8 + 0.8 + 0 = 1.6
      name: "levels 1 and 2 at exactly 0.8: gate 2, bands 1",
      answers: exactlyAtGate,
      levelScores: [0.8, 0.8, 0],
      total: 1.6,
      byGate: 2,
      byBands: 1,
    },
    {
      // L1: b = (1 + 0.5 + 0.5) / 3 = 2/3 → (0.56 + 0.8 × 2) / 3 = 2.16 / 3 = 0.72 < 0.8; S stops at L1 = 0.72
      name: "level 1 just below the gate",
      answers: ["full", "full", "most", "full", "partial", "partial", "full", "full", "full"],
      levelScores: [0.72, 1, 1],
      total: 0.72,
      byGate: null,
      byBands: null,
    },
    {
      // L1 = L2 = L3 = 1 → S = 3
      name: "everything fully met",
      answers: ["full", "full", "full", "full", "full", "full", "full", "full", "full"],
      levelScores: [1, 1, 1],
      total: 3,
      byGate: 3,
      byBands: 3,
    },
    {
      // L1 = 1, L2 = 0.2 × 1 + 0.8 × 0.5 = 0.6 (unmet), L3 = 1 → S = 1 + 0.6 = 1.6 (L3 not counted)
      name: "a level above an unmet level does not count",
      answers: ["full", "full", "full", "full", "full", "full", "full", "partial", "full"],
      levelScores: [1, 0.6, 1],
      total: 1.6,
      byGate: 1,
      byBands: 1,
    },
    {
      // b's level-1 requirements all tailored out: L1 = a alone = (1 + 1 + 0.8) / 3 = 0.933333333
      // L2 = 0.2 × 0.8 + 0.8 × 1 = 0.96; L3 = 0.8 → S = 0.933333333 + 0.96 + 0.8 = 2.693333333
      name: "tailoring renormalises the weights over what applies",
      answers: ["full", "full", "most", "na", "na", "na", "most", "full", "most"],
      levelScores: [0.933333333, 0.96, 0.8],
      total: 2.693333333,
      byGate: 3,
      byBands: 2,
    },
    {
      // one of b's three tailored: b = (0.8 + 0.8) / 2 = 0.8; L1 = 0.2 × 0.5 + 0.8 × 0.8 = 0.74 (a = 1.5/3 = 0.5)
      name: "a tailored requirement leaves the mean of the others",
      answers: ["full", "partial", "none", "most", "most", "na", "full", "full", "full"],
      levelScores: [0.74, 1, 1],
      total: 0.74,
      byGate: null,
      byBands: null,
    },
    {
      // discrete: L1 = 0.2 × 0 + 0.8 × 1 = 0.8 (met); L2 = 0.2 × 0 + 0.8 × 1 = 0.8; L3 = 0 → S = 1.6
      name: "discrete weights favour unit b",
      answers: unitBOnly,
      levelScores: [0.8, 0.8, 0],
      total: 1.6,
      byGate: 2,
      byBands: 1,
    },
    {
      // process: L1 = 0.5 × 0 + 0.5 × 1 = 0.5 (unmet) → S = 0.5
      name: "process weights: the same answers miss level 1",
      answers: unitBOnly,
      industryType: "process",
      levelScores: [0.5, 0.5, 0],
      total: 0.5,
      byGate: null,
      byBands: null,
    },
  ];

  it.each(table)("$name", (row) => {
    const r = score(fw, answers(row.answers), { industryType: row.industryType });
    expect(r.extras?.levelScores).toEqual(row.levelScores);
    expect(r.gates.map((g) => g.score)).toEqual(row.levelScores);
    expect(r.total).toEqual({ score: row.total, max: 3 });
    expect(r.level.byGate).toBe(row.byGate);
    expect(r.level.byBands).toBe(row.byBands);
    expect(r.level.value).toBe(row.byGate);
    expect(r.level.ceiling).toBe(row.byGate);
    expect(r.industryType).toBe(row.industryType ?? "discrete");
  });

  it("meets a 0.8 gate that floating point computes as 0.7999999999999999", () => {
    // the same arithmetic the engine does, without rounding: it really is below 0.8 in binary
    const raw = 0.2 * ((1 + 1 + 0.8) / 3) + 0.8 * ((1 + 0.8 + 0.5) / 3);
    expect(raw).toBeLessThan(0.8);
    const r = score(fw, answers(["full", "full", "most", "full", "most", "partial", "none", "none", "none"]));
    expect(r.gates[0]).toMatchObject({ level: 1, score: 0.8, threshold: 0.8, met: true, undetermined: false });
    expect(r.level.value).toBe(1);
  });

  it("shows both rules and a reason when they disagree, and reports the gate when the data says so", () => {
    const r = score(fw, answers(exactlyAtGate));
    expect(r.level).toMatchObject({ value: 2, byGate: 2, byBands: 1, decidedBy: "gate" });
    const why = r.level.reasons.find((x) => x.code === "level.rulesDisagree");
    expect(why?.params).toMatchObject({ byGate: 2, byBands: 1, total: 1.6, decidedBy: "gate" });
    expect(why?.text.zh).toContain("门槛规则判定 2 级");
    expect(why?.text.en).toContain("score bands give level 1");
  });

  it("reports the bands when the framework data chooses them", () => {
    const byBands = decidedByBands();
    const r = score(byBands, answers(exactlyAtGate));
    expect(r.level).toMatchObject({ value: 1, byGate: 2, byBands: 1, decidedBy: "bands" });
    expect(r.level.name).toEqual({ zh: "1 级", en: "L1" });
  });

  it("treats an unknown industry type as the default and says so", () => {
    const r = score(fw, answers(unitBOnly), {
      industryType: "chemical" as never,
    });
    expect(r.industryType).toBe("discrete");
    expect(r.level.value).toBe(2);
    expect(r.level.reasons.map((x) => x.code)).toContain("industryType.unknown");
  });
});

describe("maturity with partial answers", () => {
  it("never claims a level that depends on unanswered requirements", () => {
    // a answered fully, b unanswered. Worst: L1 = 0.2 × 1 + 0.8 × 0 = 0.2 → no level.
    // Best: everything unanswered full → L1 = L2 = L3 = 1 → ceiling 3.
    const r = score(fw, rated({ "a.l1.1": "full", "a.l1.2": "full", "a.l1.3": "full" }));
    expect(r.completeness).toEqual({ answered: 3, total: 9, ratio: 3 / 9 });
    expect(r.level.value).toBeNull();
    expect(r.level.ceiling).toBe(3);
    expect(r.gates.map((g) => [g.score, g.met, g.undetermined])).toEqual([
      [0.2, false, true],
      [0, false, true],
      [0, false, true],
    ]);
    expect(r.level.reasons.find((x) => x.code === "level.partial")?.params).toMatchObject({ unanswered: 6, ceiling: 3 });
    expect(r.extras?.ceilingLevelScores).toEqual([1, 1, 1]);
  });

  it("confirms a level whose requirements are all answered", () => {
    // b answered fully, a unanswered: worst L1 = 0.8 → met; L2 worst = 0.2 × 0 + 0.8 × 0 = 0 → 1 confirmed
    const r = score(fw, rated({ "b.l1.1": "full", "b.l1.2": "full", "b.l1.3": "full" }));
    expect(r.level.value).toBe(1);
    expect(r.level.ceiling).toBe(3);
    expect(r.gates[0]).toMatchObject({ met: true, undetermined: false });
    expect(r.gates[1]).toMatchObject({ met: false, undetermined: true });
    const undetermined = r.gates[1].reasons.find((x) => x.code === "level.gate.undetermined");
    expect(undetermined?.params).toMatchObject({ level: 2, unanswered: 2 });
  });
});

describe("maturity roadmap", () => {
  it("ranks requirements by (full − rating) × weight / requirements in the cell and marks the fewest that clear the gate", () => {
    // L1 = 0.72 (see the table), short by 0.08. Gains at level 1:
    //   b.l1.2, b.l1.3: (1 − 0.5) × 0.8 / 3 = 0.133333333 each; a.l1.3: (1 − 0.8) × 0.2 / 3 = 0.013333333
    // One action clears the gate: 0.72 + 0.1333 = 0.8533 ≥ 0.8; ties go in questionnaire order.
    const r = score(fw, answers(["full", "full", "most", "full", "partial", "partial", "full", "full", "full"]));
    expect(r.roadmap.map((a) => [a.questionId, a.gain, a.unblocks, a.targetLevel])).toEqual([
      ["b.l1.2", 0.133333333, true, 1],
      ["b.l1.3", 0.133333333, false, 1],
      ["a.l1.3", 0.013333333, false, 1],
    ]);
    expect(r.roadmap[0].from).toEqual({ type: "rating", value: "partial" });
    expect(r.roadmap[0].to).toEqual({ type: "rating", value: "full" });
    expect(r.why.map((w) => w.code)).toEqual(["why.levelBelowGate", "why.requirement"]);
    expect(r.why[1].params).toMatchObject({ questionId: "b.l1.2", level: 1, rating: "partial" });
  });

  it("needs several actions when one is not enough, and works on unmet levels only", () => {
    // Level 1 met (1.0); level 2: a none, b none → 0, short by 0.8. Gains: b.l2.1 (1 − 0) × 0.8 / 1 = 0.8,
    // a.l2.1 0.2 → b alone closes it. Level-3 requirements are not part of the way to level 2.
    const r = score(fw, answers(["full", "full", "full", "full", "full", "full", "none", "none", "none"]));
    expect(r.level.value).toBe(1);
    expect(r.roadmap.map((a) => [a.questionId, a.gain, a.unblocks])).toEqual([
      ["b.l2.1", 0.8, true],
      ["a.l2.1", 0.2, false],
    ]);
    // Unit a only matters 0.2: from all-none at level 1, a's three requirements cannot clear 0.8 alone
    const low = score(fw, answers(["none", "none", "none", "none", "none", "none", "none", "none", "none"]));
    const unblocking = low.roadmap.filter((a) => a.unblocks).map((a) => a.questionId);
    // gains: each b = 0.8 / 3 = 0.266666667, each a = 0.2 / 3 = 0.066666667; three b's make 0.8
    expect(unblocking).toEqual(["b.l1.1", "b.l1.2", "b.l1.3"]);
  });

  it("is empty at the top level", () => {
    const r = score(fw, answers(["full", "full", "full", "full", "full", "full", "full", "full", "full"]));
    expect(r.roadmap).toEqual([]);
    expect(r.why.map((w) => w.code)).toEqual(["why.topLevel"]);
  });

  it("with bands deciding, also works toward the band's lower edge", () => {
    const byBands = decidedByBands();
    // L1 = 1, L2 = 0.8, L3 = 0 → S = 1.8 → bands 2; target 3 needs S ≥ 2.8 with L1, L2 met:
    // raising a.l3.1 (the only level-3 requirement) from none gives +1 → S = 2.8.
    const r = score(byBands, answers(["full", "full", "full", "full", "full", "full", "most", "most", "none"]));
    expect(r.level.value).toBe(2);
    const unblocking = r.roadmap.filter((a) => a.unblocks).map((a) => [a.questionId, a.gain]);
    expect(unblocking).toEqual([["a.l3.1", 1]]);
    expect(r.why.map((w) => w.code)).toContain("why.totalBelowBand");
  });
});

describe("maturity node scores", () => {
  it("adds each unit's level means over the levels where it has requirements", () => {
    // a: L1 0.933333333 + L2 0.8 + L3 0 = 1.733333333 of 3; b: L1 0.766666667 + L2 0.8 = 1.566666667 of 2
    const r = score(fw, answers(exactlyAtGate));
    const [e1, e2] = r.nodes;
    expect(e1).toMatchObject({ id: "e1", kind: "element", score: 1.733333333, max: 3, answered: 5, total: 5 });
    expect(e1.children[0]).toMatchObject({ id: "a", score: 1.733333333, max: 3, ratio: 0.577777778 });
    expect(e2.children[0]).toMatchObject({ id: "b", score: 1.566666667, max: 2, ratio: 0.783333333 });
  });
});

describe("the CMMM framework data", () => {
  const cmmm = loadReal("cmmm");
  const all = (value: RatingValue) => rated(Object.fromEntries(cmmm.questions.map((q) => [q.id, value])));

  it("has 4 elements, 20 sub-domains, 5 levels and 2–4 requirements wherever a sub-domain has any", () => {
    expect(cmmm.structure.map((n) => n.id)).toEqual(["personnel", "technology", "resources", "manufacturing"]);
    const units: string[] = [];
    const walk = (nodes: typeof cmmm.structure) => nodes.forEach((n) => (n.kind === "subdomain" ? units.push(n.id) : walk(n.children ?? [])));
    walk(cmmm.structure);
    expect(units).toHaveLength(20);
    expect(cmmm.levels.map((l) => l.name.zh)).toEqual(["规划级", "规范级", "集成级", "优化级", "引领级"]);
    for (const unit of units)
      for (let level = 1; level <= 5; level++) {
        const n = cmmm.questions.filter((q) => q.node === unit && q.type === "rating" && q.level === level).length;
        if (n > 0) expect(n, `${unit} L${level}`).toBeGreaterThanOrEqual(2);
        expect(n, `${unit} L${level}`).toBeLessThanOrEqual(4);
      }
    // some sub-domains have nothing at level 1, as the standard allows
    expect(cmmm.questions.some((q) => q.node === "integration" && q.type === "rating" && q.level === 1)).toBe(false);
  });

  it("scores all fully met as level 5 (S = 5) and all not met as no level", () => {
    const best = score(cmmm, all("full"));
    expect(best.level).toMatchObject({ value: 5, byGate: 5, byBands: 5 });
    expect(best.total).toEqual({ score: 5, max: 5 });
    const worst = score(cmmm, all("none"));
    expect(worst.level).toMatchObject({ value: null, byGate: null, byBands: null, ceiling: null });
    expect(worst.total.score).toBe(0);
    // why names the ten requirements with the largest gain and sums up the rest of the ★ actions
    const unblocking = worst.roadmap.filter((a) => a.unblocks).length;
    expect(worst.why.filter((w) => w.code === "why.requirement")).toHaveLength(10);
    expect(worst.why[worst.why.length - 1]).toMatchObject({ code: "why.moreRequirements", params: { more: unblocking - 10 } });
    // level 1 weights (without 集成, 信息安全, 产品服务: 1 − 0.03 − 0.03 − 0.05 = 0.89): the 生产作业 group first,
    // each requirement (1 − 0) × 0.074 / 0.89 / 2 = 0.041573034
    expect(worst.roadmap[0]).toMatchObject({ questionId: "planning-scheduling.l1.1", gain: 0.041573034, unblocks: true });
  });

  it("scores every requirement 'most' as 5 by the gate and 4 by the bands (S = 5 × 0.8 = 4)", () => {
    const r = score(cmmm, all("most"));
    expect(r.level).toMatchObject({ value: 5, byGate: 5, byBands: 4 });
    expect(r.total.score).toBe(4);
  });

  it("reproduces the disagreement example file: gate 2, bands 1", () => {
    const example = readExample("cmmm-gate-bands-disagree.json");
    const r = score(cmmm, rated(example.answers as Record<string, RatingValue>), { industryType: example.industryType });
    expect(r.level).toMatchObject({ value: 2, byGate: 2, byBands: 1 });
    expect(r.total.score).toBe(1.6);
  });

  it("weights each industry's sub-domains to 1", () => {
    const s = deepCopy(cmmm.scoring);
    if (s.model !== "maturity") throw new Error("cmmm is a maturity framework");
    for (const w of [s.weights.discrete, s.weights.process]) expect(Object.values(w).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // 生产作业 37% split over its 5 sub-domains in discrete industry
    expect(s.weights.discrete["equipment-management"]).toBe(0.074);
  });
});
