// Answers from forms, files and stored results: each checked against its question, with a bilingual
// message saying why a bad one is bad, and never at the cost of the valid ones beside it.
import { describe, expect, it } from "vitest";
import { validateAnswer, validateAnswers } from "../../../assessments";
import { loadReal, maturityFixture } from "./fixtures";

const mini = maturityFixture();
const sme = loadReal("sme-digital-2024");
const ff = loadReal("future-factory");

describe("validateAnswer", () => {
  it.each([
    // ratings: words, the scale's values (as numbers or form strings), the Chinese labels, typed values
    { fw: mini, q: "a.l1.1", raw: "full", value: { type: "rating", value: "full" } },
    { fw: mini, q: "a.l1.1", raw: " Most ", value: { type: "rating", value: "most" } },
    { fw: mini, q: "a.l1.1", raw: "0.8", value: { type: "rating", value: "most" } },
    { fw: mini, q: "a.l1.1", raw: 0.5, value: { type: "rating", value: "partial" } },
    { fw: mini, q: "a.l1.1", raw: "0", value: { type: "rating", value: "none" } },
    { fw: mini, q: "a.l1.1", raw: "全部满足", value: { type: "rating", value: "full" } },
    { fw: mini, q: "b.l1.1", raw: "na", value: { type: "rating", value: "na" } },
    { fw: mini, q: "b.l1.1", raw: "不适用", value: { type: "rating", value: "na" } },
    { fw: mini, q: "a.l1.1", raw: { type: "rating", value: "partial" }, value: { type: "rating", value: "partial" } },
    // percentages: numbers or "35%" strings, in percent
    { fw: sme, q: "equipment-networked-rate", raw: "35%", value: { type: "percentage", value: 35 } },
    { fw: sme, q: "equipment-networked-rate", raw: " 35.5 ％ ", value: { type: "percentage", value: 35.5 } },
    { fw: sme, q: "equipment-networked-rate", raw: 0, value: { type: "percentage", value: 0 } },
    { fw: sme, q: "equipment-networked-rate", raw: "100", value: { type: "percentage", value: 100 } },
    // choices: ids; multi as a list or a comma-separated form value, duplicates dropped, in option order
    { fw: sme, q: "planning", raw: "reviewed", value: { type: "single", value: "reviewed" } },
    { fw: sme, q: "network", raw: "dedicated-line, office-network，dedicated-line", value: { type: "multi", value: ["office-network", "dedicated-line"] } },
    { fw: sme, q: "network", raw: [], value: { type: "multi", value: [] } },
    // scene levels 0–4, as numbers, strings or "L3"
    { fw: sme, q: "scene-quality", raw: 3, value: { type: "sceneLevel", value: 3 } },
    { fw: sme, q: "scene-quality", raw: "L2", value: { type: "sceneLevel", value: 2 } },
    { fw: sme, q: "scene-quality", raw: "0", value: { type: "sceneLevel", value: 0 } },
    { fw: sme, q: "scene-quality", raw: "4 级", value: { type: "sceneLevel", value: 4 } },
    // numbers within the question's bounds
    { fw: ff, q: "zj-digital-level", raw: "2.5", value: { type: "numeric", value: 2.5 } },
    { fw: ff, q: "investment", raw: 1500, value: { type: "numeric", value: 1500 } },
    { fw: ff, q: "cmmm-level", raw: "3", value: { type: "numeric", value: 3 } },
  ])("$q accepts $raw", ({ fw, q, raw, value }) => {
    expect(validateAnswer(fw, q, raw)).toEqual({ ok: true, value });
  });

  it.each([
    { fw: mini, q: "a.l1.1", raw: "maybe", zh: '"maybe" 不是有效的评价', en: '"maybe" is not a rating; use full, most, partial, none (1 / 0.8 / 0.5 / 0)' },
    { fw: mini, q: "a.l1.1", raw: "0.7", zh: '"0.7" 不是有效的评价', en: '"0.7" is not a rating' },
    { fw: mini, q: "a.l1.1", raw: "constructor", zh: "不是有效的评价", en: '"constructor" is not a rating' },
    { fw: mini, q: "a.l1.1", raw: "na", zh: "该要求不可裁剪", en: "cannot be tailored out" },
    { fw: mini, q: "a.l1.1", raw: "", zh: "未作答", en: "no answer given" },
    { fw: mini, q: "a.l1.1", raw: { type: "single", value: "full" }, zh: "与题目类型 rating 不符", en: 'answer type "single" does not match' },
    { fw: mini, q: "nope", raw: "full", zh: '没有题目 "nope"', en: 'framework mini-maturity has no question "nope"' },
    { fw: sme, q: "equipment-networked-rate", raw: "135%", zh: "135% 超出 0–100% 的范围", en: "135% is outside 0–100%" },
    { fw: sme, q: "equipment-networked-rate", raw: "-1", zh: "超出", en: "-1% is outside 0–100%" },
    { fw: sme, q: "equipment-networked-rate", raw: "about 30", zh: "不是百分数", en: '"about 30" is not a percentage' },
    { fw: sme, q: "equipment-networked-rate", raw: Number.NaN, zh: "不是百分数", en: "is not a percentage" },
    { fw: sme, q: "planning", raw: "excellent", zh: '"excellent" 不是该题的选项', en: "use one of none, drafted, implementing, reviewed" },
    { fw: sme, q: "network", raw: ["office-network", "fibre"], zh: '未知选项 "fibre"', en: 'unknown option "fibre"' },
    { fw: sme, q: "network", raw: 7, zh: "不是选项列表", en: "7 is not a list of options" },
    { fw: sme, q: "scene-quality", raw: 5, zh: "5 不是场景等级；可选 0–4", en: "5 is not a scene level; use 0–4" },
    { fw: sme, q: "scene-quality", raw: 2.5, zh: "不是场景等级", en: "2.5 is not a scene level" },
    { fw: ff, q: "zj-digital-level", raw: 4.5, zh: "4.5 大于上限 4", en: "4.5 is above the maximum 4" },
    { fw: ff, q: "investment", raw: -10, zh: "-10 小于下限 0", en: "-10 is below the minimum 0" },
    { fw: ff, q: "cmmm-level", raw: "2.5", zh: "2.5 不是整数", en: "2.5 is not a whole number" },
    { fw: ff, q: "investment", raw: "1,500", zh: "不是数值", en: '"1,500" is not a number' },
  ])("$q rejects $raw", ({ fw, q, raw, zh, en }) => {
    const check = validateAnswer(fw, q, raw);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message.zh).toContain(zh);
    expect(check.message.en).toContain(en);
  });
});

describe("validateAnswers", () => {
  it("keeps every valid answer when some neighbours are invalid", () => {
    const { answers, errors } = validateAnswers(sme, {
      network: ["office-network", "fibre-to-the-moon"],
      "equipment-networked-rate": "35%",
      "scene-quality": 5,
      "no-such-question": "full",
      planning: "reviewed",
      talent: null,
      rules: "",
    });
    expect(answers).toEqual({
      "equipment-networked-rate": { type: "percentage", value: 35 },
      planning: { type: "single", value: "reviewed" },
    });
    expect(errors.map((e) => e.questionId)).toEqual(["network", "scene-quality", "no-such-question"]);
    expect(errors[2].message.en).toBe('framework sme-digital-2024 has no question "no-such-question"');
  });

  it("reports an unknown question even when its answer is blank", () => {
    const { errors } = validateAnswers(sme, { "ghost-question": null });
    expect(errors).toEqual([{ questionId: "ghost-question", message: { zh: "框架 sme-digital-2024 中没有该题目", en: "framework sme-digital-2024 has no such question" } }]);
  });

  it.each([null, [], "full", 3])("rejects %j as a whole", (raw) => {
    const { answers, errors } = validateAnswers(sme, raw);
    expect(answers).toEqual({});
    expect(errors).toEqual([{ questionId: "", message: { zh: "答案必须是“题目 id → 答案”的对象", en: "answers must be an object mapping question ids to answers" } }]);
  });
});
