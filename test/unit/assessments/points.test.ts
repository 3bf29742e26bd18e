// The points model on the real SME 2024 framework: bands, caps, the base, the scene rule and its edges.
import { describe, expect, it } from "vitest";
import { answerPoints, score, type AnswerValue, type Answers } from "../../../assessments";
import { loadReal } from "./fixtures";

const sme = loadReal("sme-digital-2024");
const question = (id: string) => {
  const q = sme.questions.find((x) => x.id === id);
  if (!q) throw new Error(`no question ${id}`);
  return q;
};

const CONSTRAINED = ["product-design", "marketing", "production-control", "quality", "equipment", "safety", "energy", "procurement", "warehousing-logistics", "finance"];
const GUIDING = ["process-design", "after-sales", "planning-scheduling", "hr", "office", "decision-support"];
const scene = (id: string) => `scene-${id}`;

/** Scene levels: every scene at `rest`, then the overrides. */
function scenes(rest: 0 | 1 | 2 | 3 | 4, overrides: Record<string, 0 | 1 | 2 | 3 | 4> = {}): Answers {
  const out: Answers = {};
  for (const id of [...CONSTRAINED, ...GUIDING]) out[scene(id)] = { type: "sceneLevel", value: overrides[id] ?? rest };
  return out;
}

const multi = (...value: string[]): AnswerValue => ({ type: "multi", value });
const single = (value: string): AnswerValue => ({ type: "single", value });
const pct = (value: number): AnswerValue => ({ type: "percentage", value });
const ALL_LINKS = ["product-design", "process-design", "marketing", "after-sales", "planning-scheduling", "production-control", "quality", "equipment", "safety", "energy", "procurement", "warehousing-logistics", "finance", "hr", "office"];

/**
 * A base of exactly 60: network 4 × 2 = 8, digital 70% → 6, networked 65% → 6, no automatic collection 0,
 * systems 4 × 2.5 = 10, security 4 × 1.25 = 5 and 5 → 40; planning 7.5 + rules 7.5 + talent 5 +
 * investment 0.3% → 0 = 20; results all 0.
 */
function base60(): Answers {
  return {
    network: multi("office-network", "shop-floor-network", "dedicated-line", "platform-interconnect"),
    "equipment-digital-rate": pct(70),
    "equipment-networked-rate": pct(65),
    "data-collection": multi(),
    "system-coverage": multi("rnd-systems", "production-systems", "business-systems", "collaboration-systems"),
    "cloud-systems": multi("office-cloud"),
    "cyber-security": multi("firewall", "endpoint", "segregation", "assessment"),
    "data-security": multi("classification", "backup", "access-control", "encryption"),
    planning: single("reviewed"),
    rules: single("complete"),
    talent: single("dedicated"),
    "investment-share": pct(0.3),
    "energy-change": single("flat-or-up"),
    "quality-change": single("flat-or-down"),
    "productivity-change": single("flat-or-down"),
    "cost-change": single("flat-or-up"),
  };
}

/** Ten scenes at level 3 (six constrained, four guiding), the other six at level 2: enough for level 3. */
const scenesForL3 = () =>
  scenes(2, {
    "product-design": 3,
    marketing: 3,
    "production-control": 3,
    quality: 3,
    equipment: 3,
    safety: 3,
    "process-design": 3,
    "after-sales": 3,
    "planning-scheduling": 3,
    hr: 3,
  });

describe("percentage bands (lower-exclusive, upper-inclusive)", () => {
  // ≤10% → 0, (10,20] → 1.5, (20,40] → 3, (40,60] → 4.5, (60,100] → 6
  it.each([
    { value: 0, points: 0 },
    { value: 10, points: 0 },
    { value: 10.01, points: 1.5 },
    { value: 20, points: 1.5 },
    { value: 20.5, points: 3 },
    { value: 40, points: 3 },
    { value: 40.000001, points: 4.5 },
    { value: 60, points: 4.5 },
    { value: 60.01, points: 6 },
    { value: 100, points: 6 },
  ])("设备联网率 $value% → $points points", ({ value, points }) => {
    expect(answerPoints(question("equipment-networked-rate"), pct(value))).toBe(points);
    expect(answerPoints(question("equipment-digital-rate"), pct(value))).toBe(points);
  });

  it("a change of band moves the total by the band's points", () => {
    const at = (v: number) => score(sme, { ...base60(), "equipment-networked-rate": pct(v) }).total.score;
    // 65% → 6 points in base60; 40% → 3 points: 60 − 6 + 3 = 57; 40.5% → 4.5: 58.5
    expect(at(40)).toBe(57);
    expect(at(40.5)).toBe(58.5);
    expect(at(10)).toBe(54);
  });
});

describe("item points", () => {
  it("caps automatic data collection at 10 points (15 links × 0.7, human resources 0.9 would make 10.7)", () => {
    const q = question("data-collection");
    expect(answerPoints(q, multi(...ALL_LINKS))).toBe(10);
    // 7 links × 0.7 = 4.9 (floating point: 4.8999999999999995)
    expect(answerPoints(q, multi("product-design", "process-design", "marketing", "after-sales", "planning-scheduling", "production-control", "quality"))).toBe(4.9);
    expect(answerPoints(q, multi("hr", "finance"))).toBe(1.6);
  });

  it("keeps the cloud-adoption question out of the base", () => {
    const without = score(sme, { ...base60(), "cloud-systems": multi() });
    const withAll = score(sme, { ...base60(), "cloud-systems": multi("rnd-cloud", "production-cloud", "operations-cloud", "office-cloud") });
    expect(without.total.score).toBe(60);
    expect(withAll.total.score).toBe(60);
    expect(withAll.total.max).toBe(100);
  });

  it("adds the dimensions to the base: 基础 40 + 管理 20 + 成效 0", () => {
    const r = score(sme, { ...base60(), ...scenesForL3() });
    const byId = Object.fromEntries(r.nodes.map((n) => [n.id, n]));
    expect(byId.basis).toMatchObject({ score: 40, max: 50 });
    expect(byId.management).toMatchObject({ score: 20, max: 30 });
    expect(byId.effect).toMatchObject({ score: 0, max: 20 });
    // the scenes carry levels, not points: 10 × 3 + 6 × 2 = 42 of 16 × 4 = 64
    expect(byId.operation).toMatchObject({ score: 42, max: 64 });
    expect(r.extras?.base).toEqual({ score: 60, max: 100, ceiling: 60 });
  });
});

describe("the level rule", () => {
  it("base 60 with the scenes for level 3 → level 3", () => {
    const r = score(sme, { ...base60(), ...scenesForL3() });
    expect(r.total.score).toBe(60);
    expect(r.level).toMatchObject({ value: 3, byGate: 3, byBands: 3, ceiling: 3 });
    expect(r.gates.map((g) => g.met)).toEqual([true, true, true, false]);
  });

  it("base 59.9 with the same scenes → level 2, and one action closes the 0.1 gap", () => {
    // talent dedicated → none (−5), 7 links collected automatically (+7 × 0.7 = 4.9): 60 − 5 + 4.9 = 59.9
    const answers = {
      ...base60(),
      ...scenesForL3(),
      talent: single("none"),
      "data-collection": multi("product-design", "process-design", "marketing", "after-sales", "planning-scheduling", "production-control", "quality"),
    };
    const r = score(sme, answers);
    expect(r.total.score).toBe(59.9);
    expect(r.level).toMatchObject({ value: 2, byGate: 2, byBands: 2 });
    expect(r.gates[2].reasons.find((x) => x.code === "rule.base.below")?.params).toMatchObject({ base: 59.9, minBase: 60, gap: 0.1 });
    expect(r.why.map((w) => w.code)).toEqual(["why.baseBelow"]);
    const unblocking = r.roadmap.filter((a) => a.unblocks);
    expect(unblocking).toHaveLength(1);
    // the smallest change that gains 0.1: one more link, the 0.9-point human resources first
    expect(unblocking[0]).toMatchObject({ questionId: "data-collection", gain: 1, targetLevel: 3 });
    expect(unblocking[0].to).toEqual(multi("product-design", "process-design", "marketing", "after-sales", "planning-scheduling", "production-control", "quality", "hr"));
    // applying it reaches level 3
    const after = score(sme, { ...answers, "data-collection": unblocking[0].to });
    expect(after.level.value).toBe(3);
  });

  it("one constrained scene short → level 2; raising it reaches level 3", () => {
    // 10 scenes at level 3 but only 4 constrained (5 needed)
    const fourConstrained = scenes(2, {
      "product-design": 3,
      marketing: 3,
      "production-control": 3,
      quality: 3,
      "process-design": 3,
      "after-sales": 3,
      "planning-scheduling": 3,
      hr: 3,
      office: 3,
      "decision-support": 3,
    });
    const r = score(sme, { ...base60(), ...fourConstrained });
    expect(r.level.value).toBe(2);
    const row3 = r.gates[2];
    expect(row3.reasons.map((x) => x.code)).toEqual(["rule.base.reached", "rule.scenes.reached", "rule.constrained.below"]);
    expect(row3.reasons[2].params).toMatchObject({ constrained: 4, minConstrained: 5, sceneLevel: 3 });
    expect(r.why.map((w) => w.code)).toEqual(["why.constrainedBelow", "why.scene"]);
    // constrained scenes below 3 each close 1/1 of the constrained gap (gain 1); the first in order is picked
    const unblocking = r.roadmap.filter((a) => a.unblocks);
    expect(unblocking.map((a) => [a.questionId, a.gain, a.to])).toEqual([["scene-equipment", 1, { type: "sceneLevel", value: 3 }]]);
    expect(r.roadmap.filter((a) => !a.unblocks).every((a) => a.questionId.startsWith("scene-"))).toBe(true);
    const after = score(sme, { ...base60(), ...fourConstrained, "scene-equipment": { type: "sceneLevel", value: 3 } });
    expect(after.level.value).toBe(3);
  });

  it("one scene short of the count → level 2", () => {
    // 7 scenes at level 3 (5 constrained, 2 guiding): 8 needed
    const seven = scenes(2, { "product-design": 3, marketing: 3, "production-control": 3, quality: 3, equipment: 3, "process-design": 3, hr: 3 });
    const r = score(sme, { ...base60(), ...seven });
    expect(r.level.value).toBe(2);
    expect(r.gates[2].reasons[1]).toMatchObject({ code: "rule.scenes.below", params: { scenes: 7, minScenes: 8, sceneLevel: 3 } });
    // every scene below 3 closes 1/1 of the count gap; constrained ones are preferred for the minimal set
    const unblocking = r.roadmap.filter((a) => a.unblocks).map((a) => a.questionId);
    expect(unblocking).toEqual(["scene-safety"]);
  });

  it("shows both when the rule and the base bands disagree: base 100, scenes only at level 2 → rule 2, bands 4", () => {
    const full: Answers = {
      ...base60(),
      "data-collection": multi(...ALL_LINKS),
      talent: single("team-with-training"),
      "investment-share": pct(5),
      "energy-change": single("down-5"),
      "quality-change": single("up-2pt"),
      "productivity-change": single("up-10"),
      "cost-change": single("down-5"),
      ...scenes(2),
    };
    const r = score(sme, full);
    expect(r.total.score).toBe(100);
    expect(r.level).toMatchObject({ value: 2, byGate: 2, byBands: 4, decidedBy: "gate" });
    expect(r.level.reasons[0]).toMatchObject({ code: "level.rulesDisagree", params: { byGate: 2, byBands: 4, base: 100 } });
  });

  it("scores everything at its best as level 4 and nothing as no level", () => {
    const best: Answers = {};
    const worst: Answers = {};
    for (const q of sme.questions) {
      if (q.type === "sceneLevel") {
        best[q.id] = { type: "sceneLevel", value: 4 };
        worst[q.id] = { type: "sceneLevel", value: 0 };
      } else if (q.type === "multi") {
        best[q.id] = multi(...q.options.map((o) => o.id));
        worst[q.id] = multi();
      } else if (q.type === "single") {
        const sorted = [...q.options].sort((a, b) => (a.points ?? 0) - (b.points ?? 0));
        best[q.id] = single(sorted[sorted.length - 1].id);
        worst[q.id] = single(sorted[0].id);
      } else if (q.type === "percentage") {
        best[q.id] = pct(100);
        worst[q.id] = pct(0);
      }
    }
    expect(score(sme, best)).toMatchObject({ total: { score: 100, max: 100 }, level: { value: 4, ceiling: 4 } });
    expect(score(sme, worst)).toMatchObject({ total: { score: 0 }, level: { value: null, ceiling: null } });
  });
});

describe("partial SME answers", () => {
  it("confirms only what the answers given support, and shows the ceiling", () => {
    // 15 points of foundations answered (network 4 + digital 35% → 3 + networked 25% → 3 + systems 2.5 +
    // security 1.25 + 1.25 = 15), nothing else: no level confirmed. At best the unanswered items add 60
    // (below) → base 75 and every scene at 4: level 3's rule holds, level 4 needs a base of 80 → ceiling 3
    const r = score(sme, {
      network: multi("office-network", "shop-floor-network"),
      "equipment-digital-rate": pct(35),
      "equipment-networked-rate": pct(25),
      "system-coverage": multi("business-systems"),
      "cyber-security": multi("firewall"),
      "data-security": multi("backup"),
    });
    expect(r.total.score).toBe(15);
    expect(r.completeness).toMatchObject({ answered: 6, total: 32 });
    expect(r.level).toMatchObject({ value: null, ceiling: 3 });
    // best case adds every unanswered item at its maximum: data collection 10 + management 30 + results 20 → 75
    expect(r.extras?.base).toEqual({ score: 15, max: 100, ceiling: 75 });
    expect(r.gates[0]).toMatchObject({ met: false, undetermined: true });
  });
});
