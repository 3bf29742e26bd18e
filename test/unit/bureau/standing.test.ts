import { describe, expect, it } from "vitest";
import { meetsCloudRule } from "~/bureau/cloud-rule";
import { isSmeBySize } from "~/bureau/enterprise-size";
import { FLAG_BITS, flagMask, flagsOfMask } from "~/bureau/flags";
import { readyRung } from "~/bureau/ladder";
import { countingAssessments, standingFacts, tierFromResultJson, type ResultFact } from "~/bureau/standing";
import { FLAGS } from "~/domain/reference-data";

const r = (over: Partial<ResultFact> & Pick<ResultFact, "resultId" | "assessmentId" | "frameworkId" | "scoredAt">): ResultFact => ({
  kind: "self", auditVersion: 0, level: null, totalScore: 0, ...over,
});

describe("which result counts", () => {
  it("takes an assessment's latest signed audit over its self result, timed at the self result's submission", () => {
    const counting = countingAssessments([
      r({ resultId: "s1", assessmentId: "a1", frameworkId: "cmmm", scoredAt: "2025-01-10T00:00:00Z", level: 3 }),
      r({ resultId: "u1", assessmentId: "a1", frameworkId: "cmmm", scoredAt: "2025-03-01T00:00:00Z", kind: "audit", auditVersion: 1, level: 2 }),
      r({ resultId: "u2", assessmentId: "a1", frameworkId: "cmmm", scoredAt: "2025-02-01T00:00:00Z", kind: "audit", auditVersion: 2, level: 1 }),
    ]);
    expect(counting).toHaveLength(1);
    expect(counting[0].result.resultId).toBe("u2"); // version 2 beats version 1 whatever their times
    expect(counting[0].at).toBe("2025-01-10T00:00:00Z");
  });

  it("per framework, the most recently submitted assessment — an audit of an older one does not win", () => {
    const facts = standingFacts([
      r({ resultId: "old", assessmentId: "a1", frameworkId: "cmmm", scoredAt: "2024-05-01T00:00:00Z", level: 1, totalScore: 1.2 }),
      r({ resultId: "oldAudit", assessmentId: "a1", frameworkId: "cmmm", scoredAt: "2025-06-01T00:00:00Z", kind: "audit", auditVersion: 1, level: 1, totalScore: 1.1 }),
      r({ resultId: "new", assessmentId: "a2", frameworkId: "cmmm", scoredAt: "2025-03-01T00:00:00Z", level: 2, totalScore: 2.3 }),
    ]);
    expect(facts.cmmmLevel).toBe(2);
    expect(facts.cmmmTotal).toBe(2.3);
    expect(facts.cmmmAssessmentId).toBe("a2");
    expect(facts.latestAt).toBe("2025-03-01T00:00:00Z");
  });

  it("tells no assessment (null) from an assessment below level 1 (0)", () => {
    const facts = standingFacts([r({ resultId: "x", assessmentId: "a1", frameworkId: "sme-digital-2024", scoredAt: "2025-01-01T00:00:00Z", level: null, totalScore: 12 })]);
    expect(facts.smeLevel).toBe(0);
    expect(facts.cmmmLevel).toBeNull();
    expect(facts.ladderRung).toBeNull();
  });
});

describe("rungs and milestones", () => {
  const ladder = (id: string, at: string, level: number | null) => r({ resultId: id, assessmentId: id, frameworkId: "future-factory", scoredAt: at, level, totalScore: 50 });
  it("dates each rung by the first assessment that met it, and keeps the latest rung as the standing", () => {
    const facts = standingFacts([
      ladder("l1", "2024-02-03T00:00:00Z", 1),
      ladder("l2", "2024-09-09T00:00:00Z", 3), // reaches workshop, factory and future at once
      ladder("l3", "2025-04-04T00:00:00Z", 2), // latest: back to 智能工厂
    ]);
    expect(facts.ladderRung).toBe(2);
    expect(facts.ladderResultId).toBe("l3");
    expect(facts.rung1At).toBe("2024-02-03T00:00:00Z");
    expect(facts.rung2At).toBe("2024-09-09T00:00:00Z");
    expect(facts.rung3At).toBe("2024-09-09T00:00:00Z");
  });

  it("is on cloud by the latest SME assessment, first on cloud by the earliest that was", () => {
    const sme = (id: string, at: string, onCloud: boolean) => r({ resultId: id, assessmentId: id, frameworkId: "sme-digital-2024", scoredAt: at, level: 1, onCloud });
    const facts = standingFacts([sme("s1", "2024-01-01T00:00:00Z", false), sme("s2", "2024-06-01T00:00:00Z", true), sme("s3", "2025-01-01T00:00:00Z", false)]);
    expect(facts.onCloud).toBe(0);
    expect(facts.cloudAt).toBe("2024-06-01T00:00:00Z");
  });

  it("names the highest rung to apply for", () => {
    expect(readyRung({ ladderRung: null, onCloud: 0 })).toBeNull();
    expect(readyRung({ ladderRung: 0, onCloud: 1 })).toBe("cloud");
    expect(readyRung({ ladderRung: 1, onCloud: 1 })).toBe("workshop");
    expect(readyRung({ ladderRung: 2, onCloud: 0 })).toBe("factory");
    expect(readyRung({ ladderRung: 3, onCloud: 0 })).toBe("future");
  });

  it("reads the tier from a stored 未来工厂 result and shrugs at anything else", () => {
    expect(tierFromResultJson(JSON.stringify({ extras: { tier: { value: "excellent" } } }))).toBe("excellent");
    expect(tierFromResultJson(JSON.stringify({ extras: { tier: { value: null } } }))).toBeNull();
    expect(tierFromResultJson(JSON.stringify({ extras: { tier: { value: 7 } } }))).toBeNull();
    expect(tierFromResultJson("{not json")).toBeNull();
    expect(tierFromResultJson("null")).toBeNull();
  });
});

describe("the 上云 rule, SME size and flag bits", () => {
  it("counts a business system on cloud, not office software alone, and nothing that is not a multiple choice", () => {
    expect(meetsCloudRule({ type: "multi", value: ["operations-cloud"] })).toBe(true);
    expect(meetsCloudRule({ type: "multi", value: ["office-cloud", "rnd-cloud"] })).toBe(true);
    expect(meetsCloudRule({ type: "multi", value: ["office-cloud"] })).toBe(false);
    expect(meetsCloudRule({ type: "multi", value: [] })).toBe(false);
    expect(meetsCloudRule({ type: "single", value: "rnd-cloud" })).toBe(false);
    expect(meetsCloudRule(null)).toBe(false);
  });

  it("is an SME under 1,000 employees or under ¥400 m revenue", () => {
    expect(isSmeBySize(999, "ge1b")).toBe(true);
    expect(isSmeBySize(1000, "100m-400m")).toBe(true);
    expect(isSmeBySize(1000, "400m-1b")).toBe(false);
    expect(isSmeBySize(5000, "ge1b")).toBe(false);
  });

  it("gives every recognition flag its own bit and reads them back", () => {
    for (const f of FLAGS) expect(FLAG_BITS[f.code], f.code).toBeGreaterThan(0);
    expect(new Set(Object.values(FLAG_BITS)).size).toBe(Object.keys(FLAG_BITS).length);
    expect(flagMask(["zjtx", "high_tech", "unknown"])).toBe(1 + 8);
    expect(flagsOfMask(1 + 8 + 32)).toEqual(["zjtx", "high_tech", "smart_factory"]);
  });
});
