// The example answer files say what they show (assessments/examples/README.md); keep that true.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { score, validateAnswers, type MeasuredEvidence } from "../../../assessments";
import { loadReal, readExample } from "./fixtures";

const cases: Array<{ file: string; value: number | null; ceiling: number | null; byBands?: number | null; total?: number; tier?: string }> = [
  { file: "cmmm-gate-bands-disagree.json", value: 2, ceiling: 2, byBands: 1, total: 1.6 },
  { file: "cmmm-process-level3.json", value: 3, ceiling: 3, byBands: 3 },
  { file: "cmmm-partial.json", value: 1, ceiling: 5 },
  { file: "sme-level2.json", value: 2, ceiling: 2, total: 53.2 },
  { file: "sme-base-59.9.json", value: 2, ceiling: 2, total: 59.9 },
  { file: "sme-constrained-short.json", value: 2, ceiling: 2, byBands: 3, total: 69.4 },
  { file: "sme-partial.json", value: null, ceiling: 3, total: 15 },
  { file: "sme-with-evidence.json", value: 2, ceiling: 2, total: 54.7 },
  { file: "future-factory-smart-factory.json", value: 2, ceiling: 2, tier: "excellent" },
  { file: "future-factory-mountain-county.json", value: 1, ceiling: 1, total: 64.5, tier: "basic" },
  { file: "future-factory-partial.json", value: null, ceiling: 2, total: 10 },
];

describe("example answer files", () => {
  it("are all covered here", () => {
    const files = readdirSync(fileURLToPath(new URL("../../../assessments/examples", import.meta.url))).filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual([...cases.map((c) => c.file), "invalid-sme-answers.json"].sort());
  });

  it.each(cases)("$file", ({ file, value, ceiling, byBands, total, tier }) => {
    const example = readExample(file) as ReturnType<typeof readExample> & { measured?: Record<string, MeasuredEvidence> };
    const fw = loadReal(example.framework as "cmmm" | "sme-digital-2024" | "future-factory");
    const { answers, errors } = validateAnswers(fw, example.answers);
    expect(errors).toEqual([]);
    const r = score(fw, answers, { industryType: example.industryType, linked: example.linked, measured: example.measured });
    expect(r.level.value).toBe(value);
    expect(r.level.ceiling).toBe(ceiling);
    if (byBands !== undefined) expect(r.level.byBands).toBe(byBands);
    if (total !== undefined) expect(r.total.score).toBe(total);
    if (tier !== undefined) expect((r.extras?.tier as { value: string }).value).toBe(tier);
  });

  it("the invalid file fails on exactly its four deliberate faults", () => {
    const example = readExample("invalid-sme-answers.json");
    const { answers, errors } = validateAnswers(loadReal("sme-digital-2024"), example.answers);
    expect(errors.map((e) => e.questionId)).toEqual(["network", "equipment-networked-rate", "scene-quality", "no-such-question"]);
    expect(Object.keys(answers)).toEqual(["planning"]);
  });
});
