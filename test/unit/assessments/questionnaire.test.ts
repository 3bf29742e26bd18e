// What the questionnaire UI gets from a framework: pages, sections with their path, choices and labels.
import { describe, expect, it } from "vitest";
import { choicesOf, describeAnswer, questionnaire } from "../../../assessments";
import { loadReal, maturityFixture } from "./fixtures";

describe("questionnaire", () => {
  it("groups questions by top-level node and leaf node, in display order, with each node's path", () => {
    const pages = questionnaire(maturityFixture());
    expect(pages.map((p) => [p.node.id, p.questionCount])).toEqual([
      ["e1", 5],
      ["e2", 4],
    ]);
    const section = pages[0].sections[0];
    expect(section.node.id).toBe("a");
    expect(section.path.map((s) => s.id)).toEqual(["e1", "a"]);
    // maturity requirements by level, then as written
    expect(section.questions.map((q) => q.id)).toEqual(["a.l1.1", "a.l1.2", "a.l1.3", "a.l2.1", "a.l3.1"]);
  });

  it("covers every question of each real framework exactly once", () => {
    for (const id of ["cmmm", "sme-digital-2024", "future-factory"] as const) {
      const fw = loadReal(id);
      const listed = questionnaire(fw).flatMap((p) => p.sections.flatMap((s) => s.questions.map((q) => q.id)));
      expect(listed.sort()).toEqual(fw.questions.map((q) => q.id).sort());
    }
    const sme = loadReal("sme-digital-2024");
    const operation = questionnaire(sme).find((p) => p.node.id === "operation");
    expect(operation?.sections[0].path.map((s) => s.kind)).toEqual(["dimension", "sceneGroup", "scene"]);
  });

  it("labels the choices of each answer type", () => {
    const fw = maturityFixture();
    const rating = fw.questions.find((q) => q.id === "b.l1.1");
    expect(choicesOf(fw, rating!).map((c) => [c.value, c.label.zh, c.worth])).toEqual([
      ["full", "全部满足", 1],
      ["most", "大部分满足", 0.8],
      ["partial", "部分满足", 0.5],
      ["none", "不满足", 0],
      ["na", "不适用", null],
    ]);
    const sme = loadReal("sme-digital-2024");
    const sceneQ = sme.questions.find((q) => q.id === "scene-equipment")!;
    const sceneChoices = choicesOf(sme, sceneQ);
    expect(sceneChoices.map((c) => c.value)).toEqual(["0", "1", "2", "3", "4"]);
    expect(sceneChoices[3].description?.zh).toContain("OEE");
    expect(choicesOf(sme, sme.questions.find((q) => q.id === "equipment-networked-rate")!)).toEqual([]);
  });

  it("writes answers out for people", () => {
    const sme = loadReal("sme-digital-2024");
    const ff = loadReal("future-factory");
    expect(describeAnswer(sme, "network", { type: "multi", value: ["office-network", "dedicated-line"] }, "zh")).toBe("办公区域实现网络全覆盖、具备互联网专线或云专线");
    expect(describeAnswer(sme, "network", { type: "multi", value: [] }, "en")).toBe("(none)");
    expect(describeAnswer(sme, "equipment-networked-rate", { type: "percentage", value: 35.5 }, "en")).toBe("35.5%");
    expect(describeAnswer(sme, "scene-quality", { type: "sceneLevel", value: 0 }, "zh")).toBe("未达到 1 级");
    expect(describeAnswer(ff, "investment", { type: "numeric", value: 1800 }, "zh")).toBe("1800 万元");
    expect(describeAnswer(ff, "investment", null, "en")).toBe("not answered");
  });
});
