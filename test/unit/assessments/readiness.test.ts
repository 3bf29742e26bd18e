// The readiness model on the real 未来工厂 framework: trait scores, the Zhejiang ladder with its
// investment floors (and the mountain/island exception), and the 智能工厂梯度 tier from a CMMM level.
import { describe, expect, it } from "vitest";
import { score, type AnswerValue, type Answers, type RatingValue } from "../../../assessments";
import { loadReal } from "./fixtures";

const ff = loadReal("future-factory");
const TRAITS = ["digital-design", "intelligent-production", "smart-management", "collaborative-manufacturing", "green-manufacturing", "safety-control"];

/** Every requirement of a trait rated the same. */
function traits(byTrait: Record<string, RatingValue>): Answers {
  const out: Answers = {};
  for (const q of ff.questions) if (q.type === "rating" && byTrait[q.node]) out[q.id] = { type: "rating", value: byTrait[q.node] };
  return out;
}
const num = (value: number): AnswerValue => ({ type: "numeric", value });
const single = (value: string): AnswerValue => ({ type: "single", value });
const facts = (zj: number, investment: number, mountain: "yes" | "no"): Answers => ({
  "zj-digital-level": num(zj),
  investment: num(investment),
  "mountain-island-county": single(mountain),
});

// intelligent production and smart management full (100), digital design and safety most (80),
// collaboration and green partial (50): overall = (100 + 100 + 80 + 80 + 50 + 50) / 6 = 76.666666667
const strong = traits({
  "intelligent-production": "full",
  "smart-management": "full",
  "digital-design": "most",
  "safety-control": "most",
  "collaborative-manufacturing": "partial",
  "green-manufacturing": "partial",
});

describe("trait scores and the ladder", () => {
  it("scores traits as 100 × the mean rating and the overall as their equal-weight mean", () => {
    const r = score(ff, { ...strong, ...facts(3, 5200, "no") });
    const readiness = r.extras?.readiness as { overall: number; traits: Array<{ id: string; score: number }> };
    expect(readiness.traits.map((t) => [t.id, t.score])).toEqual([
      ["digital-design", 80],
      ["intelligent-production", 100],
      ["smart-management", 100],
      ["collaborative-manufacturing", 50],
      ["green-manufacturing", 50],
      ["safety-control", 80],
    ]);
    expect(readiness.overall).toBe(76.666666667);
    expect(r.total).toEqual({ score: 76.666666667, max: 100 });
    expect(r.nodes.map((n) => n.id)).toEqual(TRAITS);
  });

  it("reaches 智能工厂 and names what blocks 未来工厂", () => {
    const r = score(ff, { ...strong, ...facts(3, 5200, "no") });
    expect(r.level).toMatchObject({ value: 2, ceiling: 2, decidedBy: "rule" });
    expect(r.level.name?.zh).toBe("智能工厂");
    expect(r.gates.map((g) => [g.level, g.met, g.threshold])).toEqual([
      [1, true, 40],
      [2, true, 60],
      [3, false, 80],
    ]);
    // 未来工厂: readiness 76.67 < 80, collaboration 50 < 60, green 50 < 60
    expect(r.why.map((w) => [w.code, w.params.trait])).toEqual([
      ["rung.readiness.below", "overall"],
      ["rung.readiness.below", "collaborative-manufacturing"],
      ["rung.readiness.below", "green-manufacturing"],
    ]);
  });

  it("ranks requirements by the share of the readiness gaps they close and marks the fewest that clear them", () => {
    // Gaps: overall 80 − 76.667 = 3.333, collaboration 10, green 10.
    // A collaboration requirement partial → full: trait +0.5 × 100 / 4 = 12.5 (closes 10/10 = 1), overall
    // +12.5 / 6 = 2.083 (closes 2.083 / 3.333 = 0.625) → gain 1.625; likewise green.
    // A digital-design requirement most → full: trait +5, overall +0.833 → 0.833 / 3.333 = 0.25.
    // Fewest: one green and one collaboration requirement; then overall = (100+100+80+80+62.5+62.5)/6 = 80.83 ≥ 80.
    const r = score(ff, { ...strong, ...facts(3, 5200, "no") });
    expect(r.roadmap.filter((a) => a.unblocks).map((a) => [a.questionId, a.gain])).toEqual([
      ["collaborative-manufacturing.1", 1.625],
      ["green-manufacturing.1", 1.625],
    ]);
    const dd = r.roadmap.find((a) => a.questionId === "digital-design.1");
    expect(dd).toMatchObject({ gain: 0.25, unblocks: false, targetLevel: 3, to: { type: "rating", value: "full" } });
    const after = score(ff, {
      ...strong,
      ...facts(3, 5200, "no"),
      "collaborative-manufacturing.1": { type: "rating", value: "full" },
      "green-manufacturing.1": { type: "rating", value: "full" },
    });
    expect(after.level.value).toBe(3);
  });

  it.each([
    // investment floors: 2,000万 for a digital workshop, 1,500万 in mountain and island counties
    { zj: 2.2, investment: 1800, mountain: "yes" as const, level: 1 },
    { zj: 2.2, investment: 1800, mountain: "no" as const, level: null },
    { zj: 2.2, investment: 2000, mountain: "no" as const, level: 1 },
    { zj: 2.2, investment: 1499, mountain: "yes" as const, level: null },
    // 数字化水平 at exactly 2.0 qualifies, 1.99 does not
    { zj: 2.0, investment: 2500, mountain: "no" as const, level: 1 },
    { zj: 1.99, investment: 2500, mountain: "no" as const, level: null },
    // smart factory: 4,000万, or 3,000万 in mountain and island counties
    { zj: 2.0, investment: 3000, mountain: "yes" as const, level: 2 },
    { zj: 2.0, investment: 3000, mountain: "no" as const, level: 1 },
  ])("数字化水平 $zj, investment $investment万, mountain county $mountain → rung $level", ({ zj, investment, mountain, level }) => {
    // all traits "most" → every trait 80, overall 80: readiness never blocks rungs 1 and 2
    const answers = { ...traits(Object.fromEntries(TRAITS.map((t) => [t, "most"]))), ...facts(zj, investment, mountain) };
    expect(score(ff, answers).level.value).toBe(level);
  });

  it("leaves a rung open when the answer that sets its floor is missing", () => {
    // 1,800万 meets the mountain-county floor (1,500万) but not the general one (2,000万): rung 1 is open;
    // rung 2 needs 3,000万 even in a mountain county → ceiling 1
    const answers = { ...traits(Object.fromEntries(TRAITS.map((t) => [t, "most"]))), "zj-digital-level": num(2.2), investment: num(1800) };
    const r = score(ff, answers);
    expect(r.level).toMatchObject({ value: null, ceiling: 1 });
    expect(r.gates[0]).toMatchObject({ met: false, undetermined: true });
    expect(r.gates[0].reasons[1]).toMatchObject({ code: "rung.number.below", params: { value: 1800, min: 2000 } });
  });

  it("all requirements full with every fact at its best → 未来工厂; all worst → no rung", () => {
    const best = { ...traits(Object.fromEntries(TRAITS.map((t) => [t, "full"]))), ...facts(4, 10000, "no") };
    expect(score(ff, best).level).toMatchObject({ value: 3, ceiling: 3 });
    const worst = { ...traits(Object.fromEntries(TRAITS.map((t) => [t, "none"]))), ...facts(0, 0, "no") };
    expect(score(ff, worst).level).toMatchObject({ value: null, ceiling: null });
  });

  it("partial answers: the facts alone confirm nothing; the ceiling stops where a known fact blocks", () => {
    // zj 2.5 < 3.0 blocks 未来工厂 whatever the requirements say → ceiling 2
    // worst: intelligent production (1 + 1 + 0 + 0 + 0) / 5 = 40, smart management 0.8 / 4 = 20, others 0
    //        → overall (40 + 20) / 6 = 10
    const r = score(ff, {
      ...facts(2.5, 4500, "no"),
      "intelligent-production.1": { type: "rating", value: "full" },
      "intelligent-production.2": { type: "rating", value: "full" },
      "smart-management.1": { type: "rating", value: "most" },
    });
    expect(r.level).toMatchObject({ value: null, ceiling: 2 });
    expect(r.total.score).toBe(10);
    expect(r.completeness).toEqual({ answered: 6, total: 30, ratio: 0.2 });
  });
});

describe("智能工厂梯度 tier", () => {
  type Tier = { value: string | null; ceiling: string | null; cmmmLevelSource: string; rows: Array<{ id: string; met: boolean; undetermined: boolean }> };
  const tierOf = (answers: Answers, linked?: number) => score(ff, answers, linked === undefined ? {} : { linked: { cmmmLevel: linked } }).extras?.tier as Tier;

  it.each([
    { answers: { "cmmm-level": num(2), "cmmm-assessed-by": single("self") }, linked: undefined, tier: "basic" },
    { answers: { "cmmm-level": num(2), "cmmm-assessed-by": single("third-party") }, linked: undefined, tier: "advanced" },
    { answers: { "cmmm-level": num(1), "cmmm-assessed-by": single("third-party") }, linked: undefined, tier: null },
    { answers: { "cmmm-assessed-by": single("third-party") }, linked: 3, tier: "excellent" },
    // a linked CMMM result outranks the answered level
    { answers: { "cmmm-level": num(1), "cmmm-assessed-by": single("third-party") }, linked: 4, tier: "leading" },
    { answers: { "cmmm-level": num(5), "cmmm-assessed-by": single("self") }, linked: undefined, tier: "basic" },
  ])("CMMM $linked / answers → $tier", ({ answers, linked, tier }) => {
    expect(tierOf(answers as Answers, linked).value).toBe(tier);
  });

  it("is open when the CMMM level is unknown", () => {
    const t = tierOf({});
    expect(t).toMatchObject({ value: null, ceiling: "leading", cmmmLevelSource: "answer" });
    expect(t.rows.every((row) => row.undetermined)).toBe(true);
  });

  it("says where the CMMM level came from", () => {
    const r = score(ff, { "cmmm-assessed-by": single("third-party") }, { linked: { cmmmLevel: 3 } });
    const t = r.extras?.tier as Tier & { rows: Array<{ reasons: Array<{ text: { zh: string } }> }> };
    expect(t.cmmmLevelSource).toBe("linked");
    expect(t.rows[2].reasons[0].text.zh).toBe("智能制造能力成熟度 3 级 ≥ 3 级（来自关联的成熟度评估）");
  });
});
