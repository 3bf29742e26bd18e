// Measured KPIs → evidence in each question's own answer type, the sentence beside the claim, and the fused
// score. Tables of measures and claims with the answers and texts worked out by hand.
import { describe, expect, it } from "vitest";
import {
  checkEvidenceRules,
  evidenceRules,
  evidenceText,
  measuredEvidenceFor,
  score,
  validateAnswers,
  windowText,
  type AnswerValue,
  type Answers,
  type KpiMeasures,
} from "../../../assessments";
import { loadReal, readExample } from "../assessments/fixtures";

const sme = loadReal("sme-digital-2024");
const cmmm = loadReal("cmmm");
const future = loadReal("future-factory");
const week = { from: Date.UTC(2025, 2, 1), to: Date.UTC(2025, 2, 8) };
const isoWeek = { from: "2025-03-01T00:00:00.000Z", to: "2025-03-08T00:00:00.000Z" };

/** Measures where everything is fully covered, to be overridden per case. */
function measures(over: KpiMeasures = {}): KpiMeasures {
  return {
    networkedRatio: { value: 1, coverage: 1 },
    dataCoverage: { value: 1, coverage: 1, parts: { state: 1, parts: 1, bad: 1, energy: 1 } },
    realtimeCollection: { value: 1, coverage: 1 },
    oee: { value: 0.62, coverage: 1 },
    energyPerUnit: { value: 0.4, coverage: 1 },
    mtbf: { value: 4, coverage: 1 },
    ...over,
  };
}

const implied = (fw: Parameters<typeof measuredEvidenceFor>[0], m: KpiMeasures, questionId: string, claimed: Answers = {}) =>
  measuredEvidenceFor(fw, m, week, claimed)[questionId]?.implied;

describe("the rules table", () => {
  it.each([sme, cmmm, future])("is in step with $id: every evidence hint has a rule of the question's type", (fw) => {
    expect(checkEvidenceRules(fw)).toEqual([]);
    const hinted = fw.questions.filter((q) => q.evidence).map((q) => q.id).sort();
    expect(evidenceRules.filter((r) => r.framework === fw.id).map((r) => r.question).sort()).toEqual(hinted);
  });

  it("reports a framework whose questions moved away from the table", () => {
    const changed = structuredClone(sme);
    const q = changed.questions.find((x) => x.id === "scene-equipment")!;
    q.evidence = { ...q.evidence!, kpi: "oee" };
    changed.questions = changed.questions.filter((x) => x.id !== "scene-energy");
    expect(checkEvidenceRules(changed)).toEqual([
      "sme-digital-2024 scene-equipment: the hint names oee, the rule realtimeCollection",
      "sme-digital-2024 scene-energy: no such question",
    ]);
    // …and measures nothing for those questions rather than guessing.
    const m = measuredEvidenceFor(changed, measures(), week);
    expect(Object.keys(m).sort()).toEqual(["data-collection", "equipment-networked-rate"]);
  });
});

describe("implied answers", () => {
  it.each([
    { ratio: 0.35, value: 35 },
    { ratio: 7 / 20, value: 35 },
    { ratio: 0.123456, value: 12.35 },
    { ratio: 1, value: 100 },
    { ratio: 0, value: 0 },
  ])("设备联网率 $ratio → $value%", ({ ratio, value }) => {
    const m = measuredEvidenceFor(sme, measures({ networkedRatio: { value: ratio, detail: "7 of 20" } }), week)["equipment-networked-rate"];
    expect(m).toEqual({ kpi: "networkedRatio", implied: { type: "percentage", value }, value: ratio, window: isoWeek, detail: "7 of 20" });
  });

  it("gives no evidence for a KPI that was not measured", () => {
    const m = measuredEvidenceFor(sme, measures({ networkedRatio: { value: null } }), week);
    expect(m["equipment-networked-rate"]).toBeUndefined();
    expect(measuredEvidenceFor(sme, {}, week)).toEqual({});
  });

  // 设备管理 scene: level 3 needs ≥ 80% of machine time live and OEE on ≥ 80% of machines; the levels below
  // and level 4 are not measurable, so a measurement caps a claim at 2 or lets it stand.
  it.each<{ live: number; oee: number; claim: number | null; want: number }>([
    { live: 0.9, oee: 0.9, claim: 3, want: 3 },
    { live: 0.9, oee: 0.9, claim: 4, want: 4 },
    { live: 0.9, oee: 0.9, claim: null, want: 4 },
    { live: 0.8, oee: 0.8, claim: 3, want: 3 },
    { live: 0.79, oee: 0.9, claim: 3, want: 2 },
    { live: 0.9, oee: 0.5, claim: 4, want: 2 },
    { live: 0.35, oee: 0, claim: 1, want: 1 },
    { live: 0.35, oee: 0, claim: null, want: 2 },
  ])("设备管理 scene: live $live, OEE on $oee, claimed $claim → $want", ({ live, oee, claim, want }) => {
    const claimed: Answers = claim === null ? {} : { "scene-equipment": { type: "sceneLevel", value: claim as 0 | 1 | 2 | 3 | 4 } };
    const m = measures({ realtimeCollection: { value: live }, oee: { value: 0.5, coverage: oee } });
    expect(implied(sme, m, "scene-equipment", claimed)).toEqual({ type: "sceneLevel", value: want });
  });

  it("treats a threshold as reached in decimal terms (0.1 + 0.7 is 0.8)", () => {
    const m = measures({ realtimeCollection: { value: 0.1 + 0.7 }, oee: { value: 0.5, coverage: 0.8 } });
    expect(implied(sme, m, "scene-equipment", { "scene-equipment": { type: "sceneLevel", value: 3 } })).toEqual({ type: "sceneLevel", value: 3 });
  });

  // CMMM requirement ratings: partial needs ≥ 20% live, most ≥ 50%, full ≥ 80%.
  it.each<{ live: number; claim: AnswerValue | null; want: string }>([
    { live: 0.6, claim: { type: "rating", value: "full" }, want: "most" },
    { live: 0.6, claim: { type: "rating", value: "most" }, want: "most" },
    { live: 0.6, claim: { type: "rating", value: "partial" }, want: "partial" },
    { live: 0.6, claim: null, want: "most" },
    { live: 0.85, claim: { type: "rating", value: "full" }, want: "full" },
    { live: 0.1, claim: { type: "rating", value: "most" }, want: "none" },
  ])("CMMM 设备管理 real-time collection: live $live, claimed $claim.value → $want", ({ live, claim, want }) => {
    const claimed: Answers = claim ? { "equipment-management.l3.1": claim } : {};
    expect(implied(cmmm, measures({ realtimeCollection: { value: live } }), "equipment-management.l3.1", claimed)).toEqual({ type: "rating", value: want });
  });

  it("caps CMMM OEE statistics by the share of machines OEE was measured on, not by the OEE value", () => {
    const claimed: Answers = { "equipment-management.l3.2": { type: "rating", value: "full" } };
    const m = measuredEvidenceFor(cmmm, measures({ oee: { value: 0.95, coverage: 0.4 } }), week, claimed)["equipment-management.l3.2"];
    expect(m).toMatchObject({ kpi: "oee", value: 0.4, implied: { type: "rating", value: "partial" } });
  });

  it("needs both live collection and networking for the 未来工厂 requirement of networked, live production", () => {
    const claimed: Answers = { "intelligent-production.2": { type: "rating", value: "full" } };
    const m = measures({ realtimeCollection: { value: 0.9 }, networkedRatio: { value: 0.7 } });
    expect(implied(future, m, "intelligent-production.2", claimed)).toEqual({ type: "rating", value: "most" });
  });

  it("drops claimed collection links without machine data, keeps the ones it cannot measure", () => {
    const claimed: Answers = { "data-collection": { type: "multi", value: ["production-control", "quality", "equipment", "energy", "finance", "hr"] } };
    const m = measures({ dataCoverage: { value: 0.6, parts: { state: 1, parts: 0.8, bad: 0.4, energy: 0 } } });
    // quality needs the bad-parts counter on ≥ 50% of machines (40%), energy a meter (0%): both dropped.
    expect(implied(sme, m, "data-collection", claimed)).toEqual({ type: "multi", value: ["production-control", "equipment", "finance", "hr"] });
    // Without a claim: the links the measurement shows.
    expect(implied(sme, m, "data-collection")).toEqual({ type: "multi", value: ["production-control", "equipment"] });
  });

  it("refuses a window that does not run forward", () => {
    expect(() => measuredEvidenceFor(sme, measures(), { from: week.to, to: week.from })).toThrow(/not after/);
    expect(() => measuredEvidenceFor(sme, measures(), { from: "yesterday", to: week.to })).toThrow(/not a time: yesterday/);
  });
});

describe("the fused score and the sentence beside the claim", () => {
  const claimed = validateAnswers(sme, readExample("sme-level2.json").answers).answers;
  // 35% networked (7 of 20), live collection 35%, OEE on 30% of machines, no energy meters.
  const m = measures({
    networkedRatio: { value: 0.35, detail: "7 of 20 registered machines reported" },
    realtimeCollection: { value: 0.35 },
    oee: { value: 0.55, coverage: 0.3 },
    dataCoverage: { value: 0.5, parts: { state: 0.35, parts: 0.35, bad: 0.35, energy: 0 } },
    energyPerUnit: { value: null, coverage: 0 },
  });
  const measured = measuredEvidenceFor(sme, m, week, claimed);
  const result = score(sme, claimed, { measured });
  const entry = (id: string) => result.evidence.find((e) => e.questionId === id)!;

  it("scores the measured 设备联网率 and confirms the rest", () => {
    // Claimed 30% and measured 35% are both in (20, 40]: 3 points either way, no mismatch.
    expect(entry("equipment-networked-rate")).toMatchObject({ mismatch: false, usedInScore: true });
    expect(result.total.score).toBe(score(sme, claimed).total.score);
    // The scene claimed at 3 is capped at 2: flagged, not rescored.
    expect(entry("scene-equipment")).toMatchObject({ mismatch: true, usedInScore: false, measured: { implied: { type: "sceneLevel", value: 2 } } });
    // Claimed links quality and equipment have data on only 35% of machines; production-control too.
    expect(entry("data-collection")).toMatchObject({ mismatch: true, measured: { implied: { type: "multi", value: ["finance", "hr"] } } });
    // The energy scene is claimed at 0: nothing to cap; energy per unit was not measured at all (null value)
    // but its coverage was (0), so it still gives evidence.
    expect(entry("scene-energy")).toMatchObject({ mismatch: false, measured: { value: 0, implied: { type: "sceneLevel", value: 0 } } });
  });

  it("writes the claim and the measurement side by side, in both languages", () => {
    const now = week.to;
    expect(evidenceText(sme, entry("equipment-networked-rate"), { now })).toEqual({
      zh: "申报联网率 20–40%，近 7 天实测 35%；按实测计分",
      en: "claimed 20–40% networked, measured 35% over the last 7 days; scored as measured",
    });
    expect(evidenceText(sme, entry("scene-equipment"), { now })).toEqual({
      zh: "申报 3 级；近 7 天实测设备实时采集时间占 35%；实测仅支持到“2 级”",
      en: "claimed level 3; 35% of machine time collected live over the last 7 days; the measurement supports at most “level 2”",
    });
    expect(evidenceText(sme, entry("data-collection"), { now })?.en).toBe(
      "claimed automatic collection in Production control, Quality management, Equipment management, Finance, Human resources; " +
        "50% of the expected machine signals delivered data over the last 7 days; no machine data measured for Production control, Quality management, Equipment management",
    );
    // A window that ended earlier is dated instead of "the last".
    expect(evidenceText(sme, entry("equipment-networked-rate"))?.en).toBe(
      "claimed 20–40% networked, measured 35% over the 7 days to 2025-03-08 00:00 UTC; scored as measured",
    );
  });

  it("names the issue's example: a claim in the top band measured at 35%", () => {
    const high = { ...claimed, "equipment-networked-rate": { type: "percentage" as const, value: 80 } };
    const r = score(sme, high, { measured: measuredEvidenceFor(sme, m, week, high) });
    const e = r.evidence.find((x) => x.questionId === "equipment-networked-rate")!;
    // 80% → (60, 100] → 6 points; measured 35% → (20, 40] → 3 points: 3 points less than claimed.
    expect(r.total.score).toBe(score(sme, high).total.score - 3);
    expect(evidenceText(sme, e, { now: week.to })?.en).toBe("claimed 60–100% networked, measured 35% over the last 7 days; scored as measured");
  });

  it("writes CMMM ratings with the rating's name", () => {
    const c: Answers = { "equipment-management.l3.2": { type: "rating", value: "full" } };
    const r = score(cmmm, c, { measured: measuredEvidenceFor(cmmm, m, week, c) });
    const e = r.evidence.find((x) => x.questionId === "equipment-management.l3.2")!;
    expect(evidenceText(cmmm, e, { now: week.to })).toEqual({
      zh: "申报“全部满足”；近 7 天实测可计算 OEE 的设备占 30%；实测仅支持到“部分满足”",
      en: "claimed “Fully met”; OEE measured on 30% of machines over the last 7 days; the measurement supports at most “Partly met”",
    });
  });

  it("says nothing for a question the table does not name", () => {
    expect(evidenceText(sme, { ...entry("equipment-networked-rate"), questionId: "planning" })).toBeNull();
  });
});

describe("windowText", () => {
  it.each([
    { ms: 7 * 86_400_000, now: true, zh: "近 7 天", en: "over the last 7 days" },
    { ms: 86_400_000, now: true, zh: "近 1 天", en: "over the last 1 day" },
    { ms: 3_600_000, now: true, zh: "近 1 小时", en: "over the last 1 hour" },
    { ms: 36 * 3_600_000, now: true, zh: "近 36 小时", en: "over the last 36 hours" },
    { ms: 90 * 60_000, now: true, zh: "近 90 分钟", en: "over the last 90 minutes" },
    { ms: 7 * 86_400_000, now: false, zh: "截至 2025-03-08 00:00 UTC 的 7 天", en: "over the 7 days to 2025-03-08 00:00 UTC" },
  ])("$ms ms (ends now: $now)", ({ ms, now, zh, en }) => {
    const to = Date.UTC(2025, 2, 8);
    const w = { from: new Date(to - ms).toISOString(), to: new Date(to).toISOString() };
    expect(windowText(w, now ? to + 60_000 : undefined)).toEqual({ zh, en });
  });
});
