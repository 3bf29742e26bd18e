// The plain-text report: columns line up by display width (a Chinese character takes two columns).
import { describe, expect, it } from "vitest";
import { score, validateAnswers } from "../../../assessments";
import { renderReport, table } from "../../../assessments/report-text";
import { loadReal, readExample } from "./fixtures";

describe("text report", () => {
  it("aligns columns by display width", () => {
    const lines = table(
      [
        ["设备管理", "3", "x"],
        ["ab", "12", "y"],
      ],
      ["l", "r", "l"],
    );
    // "设备管理" is 8 columns wide: "ab" is padded with 6 spaces; numbers are right-aligned in 2 columns
    expect(lines).toEqual(["  设备管理   3  x", "  ab        12  y"]);
  });

  it("reports level, gates, scores, why and roadmap in the chosen language", () => {
    const sme = loadReal("sme-digital-2024");
    const example = readExample("sme-constrained-short.json");
    const result = score(sme, validateAnswers(sme, example.answers).answers);
    const zh = renderReport(sme, result, { locale: "zh" });
    expect(zh).toContain("等级: 2 · 二级");
    expect(zh).toContain("  3: 其中约束性场景 4 个，要求至少 5 个");
    expect(zh).toContain("达到 3 级及以上的约束性场景只有 4 个，3 级要求至少 5 个");
    expect(zh).toMatch(/1 {2}★ +1 {2}scene-equipment +2 级 → 3 级/);
    const en = renderReport(sme, result, { locale: "en", roadmapLimit: 2 });
    expect(en).toContain("Level: 2 · Level 2");
    expect(en).toContain(`${result.roadmap.length - 2} more, see --json`);
    expect(en).toContain("Why not the next level");
    expect(en).toContain('constrained scene "Equipment management" is at level 2, needs 3');
    expect(en).not.toContain("等级");
  });
});
