import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFramework } from "../../../assessments";
import { MULTI_NONE } from "~/domain/answer-fields";
import { formValueOf, MAX_PAGE_QUESTIONS, pageComplete, questionnairePages, questionView, readPageAnswers } from "~/domain/questionnaire-view.server";
import { getFramework } from "~/domain/frameworks.server";

const fixture = (name: string) => parseFramework(JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")));
const sme = fixture("mini-sme");

function form(fields: Record<string, string | string[]>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
  return f;
}

describe("questionnaire pages", () => {
  it("makes one page per top-level node with its questions in order", () => {
    const pages = questionnairePages(sme);
    expect(pages.map((p) => [p.id, p.questionIds])).toEqual([
      ["basic", ["net", "networked", "machines", "cloud"]],
      ["business", ["design", "production", "quality"]],
      ["management", ["plan"]],
    ]);
  });

  it("splits a page of more than 40 questions by the next structure level, again where still too long (CMMM 制造 → 设计 … 服务, 生产 → its seven sub-domains)", () => {
    const cmmm = getFramework("cmmm")!;
    const pages = questionnairePages(cmmm);
    for (const p of pages) expect(p.questionIds.length, p.id).toBeLessThanOrEqual(MAX_PAGE_QUESTIONS);
    expect(pages.filter((p) => p.trail.length === 1).map((p) => p.id)).toEqual(["personnel", "technology", "resources"]);
    expect(pages.filter((p) => p.trail.length === 2).map((p) => p.id)).toEqual(["design", "logistics", "sales", "service"]);
    expect(pages.filter((p) => p.trail.length === 3).map((p) => p.id)).toEqual([
      "procurement", "planning-scheduling", "production-operation", "equipment-management", "warehousing-distribution", "safety-environment", "energy-management",
    ]);
    // every question is on exactly one page
    const all = pages.flatMap((p) => p.questionIds);
    expect(all.length).toBe(cmmm.questions.length);
    expect(new Set(all).size).toBe(cmmm.questions.length);
  });
});

describe("reading a posted page", () => {
  const questions = sme.questions.filter((q) => ["net", "networked", "machines", "cloud"].includes(q.id));

  it("keeps valid answers beside invalid ones, clears blanks and treats 'none of these' as an empty selection", () => {
    const out = readPageAnswers(sme, questions, form({ "a:net": "office", "a:networked": "12.5 %", "a:machines": "forty", "a:cloud": [MULTI_NONE, "erp"] }));
    expect(out.changes).toEqual([
      { questionId: "net", value: { type: "single", value: "office" } },
      { questionId: "networked", value: { type: "percentage", value: 12.5 } },
      { questionId: "cloud", value: { type: "multi", value: [] } },
    ]);
    expect(Object.keys(out.errors)).toEqual(["machines"]);
    expect(out.errors.machines.zh).toContain("不是数值");
    expect(out.submitted).toEqual({ net: "office", networked: "12.5 %", machines: "forty", cloud: [] });
  });

  it("clears answers left blank and an unticked multiple choice", () => {
    const out = readPageAnswers(sme, questions, form({ "a:net": "  " }));
    expect(out.changes.map((c) => [c.questionId, c.value])).toEqual([["net", null], ["networked", null], ["machines", null], ["cloud", null]]);
    expect(out.errors).toEqual({});
  });

  it("refuses an option the question does not have", () => {
    const out = readPageAnswers(sme, questions.slice(0, 1), form({ "a:net": "factory-wide" }));
    expect(out.changes).toEqual([]);
    expect(out.errors.net.en).toContain('"factory-wide" is not an option');
  });

  it("shows stored answers as the form values that post them back", () => {
    expect(formValueOf({ type: "multi", value: [] })).toEqual([MULTI_NONE]);
    expect(formValueOf({ type: "percentage", value: 35 })).toBe("35");
    expect(formValueOf({ type: "sceneLevel", value: 0 })).toBe("0");
    expect(formValueOf(undefined)).toBeNull();
    const view = questionView(sme, sme.questions.find((q) => q.id === "production")!, { production: { type: "sceneLevel", value: 3 } });
    expect(view.value).toBe("3");
    expect(view.choices.map((c) => c.value)).toEqual(["0", "1", "2", "3", "4"]);
    expect(view.choices[3].description?.zh).toBe("实时采集");
    const pct = questionView(sme, sme.questions.find((q) => q.id === "networked")!, {});
    expect([pct.min, pct.max, pct.unit?.en]).toEqual([0, 100, "%"]);
  });

  it("calls a page complete only when every question on it has an answer", () => {
    const page = questionnairePages(sme)[2];
    expect(pageComplete(page, {})).toBe(false);
    expect(pageComplete(page, { plan: { type: "single", value: "no" } })).toBe(true);
  });
});
