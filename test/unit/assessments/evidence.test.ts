// Measured telemetry beside the claims: replace (设备联网率) and confirm (设备管理 scene), and the
// measurements that must not be used.
import { describe, expect, it } from "vitest";
import { score, type Answers, type MeasuredEvidence } from "../../../assessments";
import { loadReal, readExample } from "./fixtures";
import { validateAnswers } from "../../../assessments";

const sme = loadReal("sme-digital-2024");
const example = readExample("sme-level2.json");
const claimed = validateAnswers(sme, example.answers).answers;
const window = { from: "2025-03-01T00:00:00Z", to: "2025-03-31T23:59:59Z" };
const networked = (value: number): MeasuredEvidence => ({ kpi: "networkedRatio", implied: { type: "percentage", value }, value: value / 100, window });

describe("evidence", () => {
  it("scores the measured 设备联网率 in place of the claim and flags the difference", () => {
    // claimed 30% → (20,40] → 3 points; measured 60% → (40,60] → 4.5 points: base 53.2 → 54.7
    const without = score(sme, claimed);
    const r = score(sme, claimed, { measured: { "equipment-networked-rate": networked(60) } });
    expect(without.total.score).toBe(53.2);
    expect(r.total.score).toBe(54.7);
    expect(r.evidence).toHaveLength(1);
    expect(r.evidence[0]).toMatchObject({
      questionId: "equipment-networked-rate",
      claimed: { type: "percentage", value: 30 },
      mismatch: true,
      usedInScore: true,
      reason: { code: "evidence.mismatch", params: { claimed: "30%", implied: "60%" } },
    });
  });

  it("does not flag a measurement that scores the same as the claim", () => {
    // 35% and 30% are both in (20,40]
    const r = score(sme, claimed, { measured: { "equipment-networked-rate": networked(35) } });
    expect(r.evidence[0]).toMatchObject({ mismatch: false, usedInScore: true, reason: { code: "evidence.replaced" } });
    expect(r.total.score).toBe(53.2);
  });

  it("fills an unanswered question from a replace measurement and counts it as answered", () => {
    const { "equipment-networked-rate": _dropped, ...rest } = claimed;
    const r = score(sme, rest as Answers, { measured: { "equipment-networked-rate": networked(65) } });
    expect(r.evidence[0]).toMatchObject({ claimed: null, mismatch: false, usedInScore: true });
    expect(r.completeness.answered).toBe(score(sme, claimed).completeness.answered);
    // 65% → 6 points instead of the claimed 3
    expect(r.total.score).toBe(56.2);
  });

  it("confirms without replacing: the 设备管理 scene claimed at 3, measured collection implies 2", () => {
    const r = score(sme, claimed, {
      measured: { "scene-equipment": { kpi: "realtimeCollection", implied: { type: "sceneLevel", value: 2 }, value: 0.35, window } },
    });
    expect(r.evidence[0]).toMatchObject({ claimed: { type: "sceneLevel", value: 3 }, mismatch: true, usedInScore: false });
    expect(r.evidence[0].reason?.text.en).toBe("claimed 3, measured implies 2");
    expect(r.total.score).toBe(53.2);
    expect(r.nodes.find((n) => n.id === "operation")?.score).toBe(score(sme, claimed).nodes.find((n) => n.id === "operation")?.score);
  });

  it.each([
    { id: "no-such-question", m: networked(50), code: "evidence.unknownQuestion" },
    { id: "planning", m: networked(50), code: "evidence.noHint" },
    { id: "equipment-networked-rate", m: { ...networked(50), kpi: "oee" as const }, code: "evidence.kpiMismatch" },
    { id: "equipment-networked-rate", m: networked(150), code: "evidence.invalidImplied" },
    { id: "equipment-networked-rate", m: { ...networked(50), implied: { type: "sceneLevel" as const, value: 2 as const } }, code: "evidence.invalidImplied" },
  ])("reports and ignores $code", ({ id, m, code }) => {
    const r = score(sme, claimed, { measured: { [id]: m } });
    expect(r.evidence[0]).toMatchObject({ questionId: id, usedInScore: false, mismatch: false, reason: { code } });
    expect(r.total.score).toBe(53.2);
  });
});
