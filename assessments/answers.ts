// Answers arrive from forms ("0.8", "full", "35%"), answers files and stored results. Each is checked
// against its question and turned into a typed AnswerValue; a bad answer gets a bilingual message saying
// why, and never costs the valid answers beside it.
import { compile } from "./compile";
import { sameDecimal } from "./decimal";
import type { Framework, Question, RatingScale } from "./schema";
import type { AnswerValue, Answers, RatingValue, Text } from "./types";

export type AnswerCheck = { ok: true; value: AnswerValue } | { ok: false; message: Text };
export interface AnswerError {
  /** The question the error is about; "" when the answers as a whole are malformed. */
  questionId: string;
  message: Text;
}

// A Map, not an object literal: "constructor" typed into a form must not find Object.prototype's.
const RATING_WORDS = new Map<string, RatingValue>([
  ["full", "full"],
  ["most", "most"],
  ["partial", "partial"],
  ["none", "none"],
  ["na", "na"],
  ["全部满足", "full"],
  ["大部分满足", "most"],
  ["部分满足", "partial"],
  ["不满足", "none"],
  ["不适用", "na"],
]);

const fail = (zh: string, en: string): AnswerCheck => ({ ok: false, message: { zh, en } });
const show = (raw: unknown) => {
  const s = typeof raw === "string" ? `"${raw}"` : JSON.stringify(raw);
  return s === undefined ? String(raw) : s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

/** Parses a decimal written by a person: "35", "35.5", " 35 % ", "35％" (with `percent`). */
function parseNumber(raw: unknown, percent: boolean): number | null {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== "string") return null;
  let s = raw.trim();
  if (percent) s = s.replace(/\s*[%％]$/, "");
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function ratingScaleOf(fw: Framework): RatingScale | null {
  return fw.scoring.model === "points" ? null : fw.scoring.ratings;
}

function checkRating(q: Extract<Question, { type: "rating" }>, scale: RatingScale | null, raw: unknown): AnswerCheck {
  const steps = q.allowNa ? "full, most, partial, none, na" : "full, most, partial, none";
  let value: RatingValue | undefined;
  if (typeof raw === "string") value = RATING_WORDS.get(raw.trim().toLowerCase());
  if (value === undefined && scale) {
    const n = parseNumber(raw, false);
    if (n !== null) value = (["full", "most", "partial", "none"] as const).find((step) => sameDecimal(scale[step], n));
  }
  if (value === undefined) {
    const values = scale ? ` (${scale.full} / ${scale.most} / ${scale.partial} / ${scale.none})` : "";
    return fail(`${show(raw)} 不是有效的评价；可选 ${steps}${values}`, `${show(raw)} is not a rating; use ${steps}${values}`);
  }
  if (value === "na" && !q.allowNa) return fail("该要求不可裁剪（不接受“不适用”）", "this requirement cannot be tailored out (na is not allowed)");
  return { ok: true, value: { type: "rating", value } };
}

function checkSingle(q: Extract<Question, { type: "single" }>, raw: unknown): AnswerCheck {
  const id = typeof raw === "string" ? raw.trim() : typeof raw === "number" ? String(raw) : null;
  if (id !== null && q.options.some((o) => o.id === id)) return { ok: true, value: { type: "single", value: id } };
  const ids = q.options.map((o) => o.id).join(", ");
  return fail(`${show(raw)} 不是该题的选项；可选 ${ids}`, `${show(raw)} is not an option of this question; use one of ${ids}`);
}

function checkMulti(q: Extract<Question, { type: "multi" }>, raw: unknown): AnswerCheck {
  let items: unknown[];
  if (Array.isArray(raw)) items = raw;
  else if (typeof raw === "string") items = raw.split(/[,，;；\s]+/).filter((s) => s !== "");
  else return fail(`${show(raw)} 不是选项列表`, `${show(raw)} is not a list of options`);
  const chosen = new Set<string>();
  const unknown: string[] = [];
  for (const item of items) {
    const id = typeof item === "string" ? item.trim() : typeof item === "number" ? String(item) : null;
    if (id !== null && q.options.some((o) => o.id === id)) chosen.add(id);
    else unknown.push(show(item));
  }
  if (unknown.length > 0) {
    const ids = q.options.map((o) => o.id).join(", ");
    return fail(`未知选项 ${unknown.join("、")}；可选 ${ids}`, `unknown option${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; use ${ids}`);
  }
  return { ok: true, value: { type: "multi", value: q.options.map((o) => o.id).filter((id) => chosen.has(id)) } };
}

function checkPercentage(raw: unknown): AnswerCheck {
  const n = parseNumber(raw, true);
  if (n === null) return fail(`${show(raw)} 不是百分数（例如 35 或 "35%"）`, `${show(raw)} is not a percentage (e.g. 35 or "35%")`);
  if (n < 0 || n > 100) return fail(`${n}% 超出 0–100% 的范围`, `${n}% is outside 0–100%`);
  return { ok: true, value: { type: "percentage", value: n } };
}

function checkNumeric(q: Extract<Question, { type: "numeric" }>, raw: unknown): AnswerCheck {
  const n = parseNumber(raw, false);
  if (n === null) return fail(`${show(raw)} 不是数值`, `${show(raw)} is not a number`);
  if (q.integer && !Number.isInteger(n)) return fail(`${n} 不是整数`, `${n} is not a whole number`);
  if (q.min !== undefined && n < q.min) return fail(`${n} 小于下限 ${q.min}`, `${n} is below the minimum ${q.min}`);
  if (q.max !== undefined && n > q.max) return fail(`${n} 大于上限 ${q.max}`, `${n} is above the maximum ${q.max}`);
  return { ok: true, value: { type: "numeric", value: n } };
}

function checkSceneLevel(q: Extract<Question, { type: "sceneLevel" }>, raw: unknown): AnswerCheck {
  const top = q.levels.length;
  // "3", 3, "L3" or "3级"
  const n = typeof raw === "string" ? parseNumber(raw.trim().replace(/^L\s*/i, "").replace(/\s*级$/, ""), false) : parseNumber(raw, false);
  if (n === null || !Number.isInteger(n) || n < 0 || n > top)
    return fail(`${show(raw)} 不是场景等级；可选 0–${top}（0 表示未达到 1 级）`, `${show(raw)} is not a scene level; use 0–${top} (0 = below level 1)`);
  return { ok: true, value: { type: "sceneLevel", value: n as 0 | 1 | 2 | 3 | 4 } };
}

function isTyped(raw: unknown): raw is { type: unknown; value: unknown } {
  return raw !== null && typeof raw === "object" && !Array.isArray(raw) && "type" in raw && "value" in raw;
}

/** Checks one answer (a form string, a plain value or a typed AnswerValue) against its question. */
export function validateAnswer(fw: Framework, questionId: string, raw: unknown): AnswerCheck {
  const q = compile(fw).questionById.get(questionId);
  if (!q) return fail(`框架 ${fw.id} 中没有题目 "${questionId}"`, `framework ${fw.id} has no question "${questionId}"`);
  let value = raw;
  if (isTyped(raw)) {
    if (raw.type !== q.type)
      return fail(`答案类型 ${show(raw.type)} 与题目类型 ${q.type} 不符`, `answer type ${show(raw.type)} does not match the question's type ${q.type}`);
    value = raw.value;
  }
  if (value === null || value === undefined || (typeof value === "string" && value.trim() === ""))
    return fail("未作答", "no answer given");
  switch (q.type) {
    case "rating":
      return checkRating(q, ratingScaleOf(fw), value);
    case "single":
      return checkSingle(q, value);
    case "multi":
      return checkMulti(q, value);
    case "percentage":
      return checkPercentage(value);
    case "numeric":
      return checkNumeric(q, value);
    case "sceneLevel":
      return checkSceneLevel(q, value);
  }
}

/**
 * Checks a whole answers object (questionId → answer). Blank answers (null, "") count as not answered;
 * unknown question ids and invalid answers are reported, and every valid answer is kept.
 */
export function validateAnswers(fw: Framework, raw: unknown): { answers: Answers; errors: AnswerError[] } {
  const answers: Answers = {};
  const errors: AnswerError[] = [];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    errors.push({
      questionId: "",
      message: { zh: "答案必须是“题目 id → 答案”的对象", en: "answers must be an object mapping question ids to answers" },
    });
    return { answers, errors };
  }
  for (const [questionId, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null || value === undefined || (typeof value === "string" && value.trim() === "")) {
      if (!compile(fw).questionById.has(questionId))
        errors.push({ questionId, message: { zh: `框架 ${fw.id} 中没有该题目`, en: `framework ${fw.id} has no such question` } });
      continue;
    }
    const check = validateAnswer(fw, questionId, value);
    if (check.ok) answers[questionId] = check.value;
    else errors.push({ questionId, message: check.message });
  }
  return { answers, errors };
}
