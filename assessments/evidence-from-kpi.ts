// Measured KPIs → evidence for scoring: for each framework question the rules table
// (kpi/evidence-rules.json) names, the answer the measurement implies in the question's own type, and the
// sentence a consultant reads beside the claim ("claimed 60–100% networked, measured 35% over the last
// 7 days"). Pure: the KPI figures come in as plain numbers; score() does the fusing (evidence.ts).
//
// What a measurement implies:
//  - percentage (设备联网率): the measured ratio itself, as a percentage.
//  - ceiling (scene levels, requirement ratings): the highest answer whose measured needs hold. A claim at or
//    below it stands; a claim above it is capped. A measurement never raises a claim: what it cannot see
//    (remote diagnosis, predictive maintenance…) it cannot confirm either.
//  - options (multi-choice links with automatic collection): claimed links whose machine data is missing
//    are dropped; links the platform cannot measure stay as claimed.
import { z } from "zod";
import rulesFile from "./kpi/evidence-rules.json";
import { atLeast } from "./decimal";
import { describeAnswer } from "./questionnaire";
import { bandIndex } from "./question-values";
import type { Framework, Question } from "./schema";
import { num } from "./text";
import type { AnswerValue, Answers, AssessmentResult, EvidenceKpi, MeasuredEvidence, RatingValue, Text } from "./types";

const KPIS = ["networkedRatio", "dataCoverage", "oee", "realtimeCollection", "energyPerUnit", "mtbf"] as const satisfies readonly EvidenceKpi[];

/** One KPI as measured over a window. Ratios are 0–1. */
export interface KpiMeasurement {
  /** The KPI itself (a ratio for 设备联网率, coverage and live collection; OEE 0–1; kWh per unit; MTBF in hours). */
  value: number | null;
  /** Share of the registered machines the KPI could be measured on. */
  coverage?: number | null;
  /** Named sub-measures, e.g. data coverage per signal role (`state`, `parts`, `bad`, `energy`). */
  parts?: Record<string, number | null>;
  /** Short provenance for people (which machines were silent, …). */
  detail?: string;
}

export type KpiMeasures = Partial<Record<EvidenceKpi, KpiMeasurement>>;

const basis = z.string().regex(/^(value|coverage|part:[a-z]+)$/, { error: "must be value, coverage or part:<role>" });
const needSchema = z.strictObject({ kpi: z.enum(KPIS), of: basis, atLeast: z.number().min(0).max(1) });
const template = z.string().refine((t) => t.includes("{claimed}") && t.includes("{measured}") && t.includes("{window}"), {
  error: "must contain {claimed}, {measured} and {window}",
});
const ruleSchema = z.strictObject({
  framework: z.string().min(1),
  question: z.string().min(1),
  kpi: z.enum(KPIS),
  /** The measured ratio carried as MeasuredEvidence.value and shown as {measured}. */
  of: basis,
  implies: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("percentage") }),
    z.strictObject({
      kind: z.literal("ceiling"),
      /** A claim at or above `from` needs every need of this step (and of the steps below it). */
      steps: z.array(z.strictObject({ from: z.union([z.int().min(1).max(4), z.enum(["partial", "most", "full"])]), needs: z.array(needSchema).min(1) })).min(1),
    }),
    z.strictObject({ kind: z.literal("options"), options: z.record(z.string(), z.array(needSchema).min(1)) }),
  ]),
  text: z.strictObject({ zh: template, en: template }),
});
const rulesFileSchema = z.strictObject({
  $comment: z.string().optional(),
  unverified: z.strictObject({ zh: z.string(), en: z.string() }),
  rules: z.array(ruleSchema),
});

export type EvidenceRule = z.infer<typeof ruleSchema>;

/** The rules table, checked once at load (a broken table is a defect of this repository, not user input). */
export const evidenceRules: readonly EvidenceRule[] = rulesFileSchema.parse(rulesFile).rules;

export function ruleFor(frameworkId: string, questionId: string): EvidenceRule | undefined {
  return evidenceRules.find((r) => r.framework === frameworkId && r.question === questionId);
}

/** Problems between the rules table and a framework (question gone, type or KPI changed); empty when in step. */
export function checkEvidenceRules(fw: Framework): string[] {
  const problems: string[] = [];
  const questions = new Map(fw.questions.map((q) => [q.id, q]));
  for (const r of evidenceRules.filter((x) => x.framework === fw.id)) {
    const q = questions.get(r.question);
    const where = `${fw.id} ${r.question}`;
    if (!q) problems.push(`${where}: no such question`);
    else if (!q.evidence) problems.push(`${where}: the question has no evidence hint`);
    else if (q.evidence.kpi !== r.kpi) problems.push(`${where}: the hint names ${q.evidence.kpi}, the rule ${r.kpi}`);
    else if (!fits(r, q)) problems.push(`${where}: a ${r.implies.kind} rule cannot answer a ${q.type} question`);
    else if (r.implies.kind === "options" && q.type === "multi") {
      for (const id of Object.keys(r.implies.options))
        if (!q.options.some((o) => o.id === id)) problems.push(`${where}: no option "${id}"`);
    } else if (r.implies.kind === "ceiling" && q.type === "sceneLevel") {
      for (const s of r.implies.steps)
        if (typeof s.from !== "number" || s.from > q.levels.length) problems.push(`${where}: step from ${s.from} is not a level of the scene`);
    } else if (r.implies.kind === "ceiling" && q.type === "rating") {
      for (const s of r.implies.steps) if (typeof s.from === "number") problems.push(`${where}: step from ${s.from} is not a rating`);
    }
  }
  for (const q of fw.questions) if (q.evidence && !ruleFor(fw.id, q.id)) problems.push(`${fw.id} ${q.id}: evidence hint without a rule`);
  return problems;
}

function fits(r: EvidenceRule, q: Question): boolean {
  switch (r.implies.kind) {
    case "percentage":
      return q.type === "percentage";
    case "ceiling":
      return q.type === "sceneLevel" || q.type === "rating";
    case "options":
      return q.type === "multi";
  }
}

function measureOf(measures: KpiMeasures, kpi: EvidenceKpi, of: string): number | null {
  const m = measures[kpi];
  if (!m) return null;
  const x = of === "value" ? m.value : of === "coverage" ? m.coverage : m.parts?.[of.slice("part:".length)];
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

/** A need holds when its measure is known and reaches the threshold (decimal-safe). */
function holds(measures: KpiMeasures, needs: ReadonlyArray<z.infer<typeof needSchema>>): boolean {
  return needs.every((n) => {
    const x = measureOf(measures, n.kpi, n.of);
    return x !== null && atLeast(x, n.atLeast);
  });
}

const RATING_ORDER: Array<Exclude<RatingValue, "na">> = ["none", "partial", "most", "full"];

/** The answers of a ceiling question from lowest to highest. */
function orderOf(q: Question): Array<number | string> {
  return q.type === "sceneLevel" ? Array.from({ length: q.levels.length + 1 }, (_, i) => i) : RATING_ORDER;
}

function answerOf(q: Question, v: number | string): AnswerValue {
  return q.type === "sceneLevel" ? { type: "sceneLevel", value: v as 0 | 1 | 2 | 3 | 4 } : { type: "rating", value: v as RatingValue };
}

function implied(rule: EvidenceRule, q: Question, measures: KpiMeasures, value: number, claim: AnswerValue | undefined): AnswerValue | null {
  const how = rule.implies;
  switch (how.kind) {
    case "percentage":
      return { type: "percentage", value: Math.min(100, Math.max(0, Math.round(value * 10_000) / 100)) };
    case "ceiling": {
      const order = orderOf(q);
      const rank = (v: number | string) => order.indexOf(v);
      let cap = order.length - 1;
      for (const step of [...how.steps].sort((a, b) => rank(a.from) - rank(b.from))) {
        if (!holds(measures, step.needs)) {
          cap = Math.min(cap, rank(step.from) - 1);
          break;
        }
      }
      const claimed = claim && (claim.type === "sceneLevel" || claim.type === "rating") ? claim.value : undefined;
      if (claimed === "na") return claim!; // tailored out: nothing to measure against
      if (claimed !== undefined && rank(claimed) >= 0 && rank(claimed) <= cap) return answerOf(q, claimed);
      return answerOf(q, order[cap]);
    }
    case "options": {
      if (q.type !== "multi") return null;
      const missing = new Set(Object.entries(how.options).filter(([, needs]) => !holds(measures, needs)).map(([id]) => id));
      const base = claim?.type === "multi" ? claim.value : Object.keys(how.options);
      const kept = new Set(base.filter((id) => !missing.has(id)));
      return { type: "multi", value: q.options.map((o) => o.id).filter((id) => kept.has(id)) };
    }
  }
}

export interface EvidenceWindow {
  /** Epoch ms or ISO 8601. */
  from: number | string;
  to: number | string;
}

function iso(t: number | string): string {
  const ms = typeof t === "number" ? t : Date.parse(t);
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${String(t)}`);
  return new Date(ms).toISOString();
}

/**
 * Measured evidence for every question of `fw` the rules table names and the measures can speak to, ready
 * for `score(fw, answers, { measured })`. `claimed` (the enterprise's answers) lets a ceiling keep a claim
 * the measurement supports instead of reporting the highest level it would support.
 */
export function measuredEvidenceFor(
  fw: Framework,
  measures: KpiMeasures,
  window: EvidenceWindow,
  claimed: Answers = {},
): Record<string, MeasuredEvidence> {
  const out: Record<string, MeasuredEvidence> = {};
  const span = { from: iso(window.from), to: iso(window.to) };
  if (Date.parse(span.to) <= Date.parse(span.from)) throw new RangeError(`evidence window ends at ${span.to}, not after ${span.from}`);
  const questions = new Map(fw.questions.map((q) => [q.id, q]));
  for (const rule of evidenceRules) {
    if (rule.framework !== fw.id) continue;
    const q = questions.get(rule.question);
    if (!q || q.evidence?.kpi !== rule.kpi || !fits(rule, q)) continue; // out of step: checkEvidenceRules says why
    const value = measureOf(measures, rule.kpi, rule.of);
    if (value === null) continue; // not measured: no evidence rather than a guess
    const claim = Object.prototype.hasOwnProperty.call(claimed, q.id) ? claimed[q.id] : undefined;
    const answer = implied(rule, q, measures, value, claim);
    if (!answer) continue;
    const detail = measures[rule.kpi]?.detail;
    out[q.id] = { kpi: rule.kpi, implied: answer, value, window: span, ...(detail ? { detail } : {}) };
  }
  return out;
}

// ---------------------------------------------------------------- the sentence beside the claim

const percent = (ratio: number) => `${num(ratio * 100)}%`;

function span(ms: number): { zh: string; en: string } {
  const units: Array<[number, string, string, string]> = [
    [86_400_000, "天", "day", "days"],
    [3_600_000, "小时", "hour", "hours"],
    [60_000, "分钟", "minute", "minutes"],
  ];
  for (const [size, zh, one, many] of units) {
    if (ms >= size && Math.abs(ms / size - Math.round(ms / size)) < 1e-6) {
      const n = Math.round(ms / size);
      return { zh: `${n} ${zh}`, en: `${n} ${n === 1 ? one : many}` };
    }
  }
  const n = num(ms / 3_600_000);
  return { zh: `${n} 小时`, en: `${n} hours` };
}

/** "over the last 7 days" when the window ends now (within 5 minutes), else "over the 7 days to …". */
export function windowText(window: { from: string; to: string }, now?: number): Text {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const length = span(to - from);
  if (now !== undefined && Math.abs(now - to) <= 300_000) return { zh: `近 ${length.zh}`, en: `over the last ${length.en}` };
  const end = `${new Date(to).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return { zh: `截至 ${end} 的 ${length.zh}`, en: `over the ${length.en} to ${end}` };
}

/** A claimed percentage as the band it scores in ("60–100%"), the value itself without bands. */
function claimedText(fw: Framework, q: Question, claim: AnswerValue | null, locale: "zh" | "en"): string {
  if (claim?.type === "percentage" && q.type === "percentage" && q.bands) {
    const i = bandIndex(q.bands, claim.value);
    if (i >= 0) {
      const low = i === 0 ? 0 : (q.bands[i - 1].upTo as number);
      const high = q.bands[i].upTo;
      return high === null ? `>${num(low)}%` : `${num(low)}–${num(high)}%`;
    }
  }
  return describeAnswer(fw, q.id, claim, locale);
}

function fill(t: string, parts: Record<string, string>): string {
  return t.replace(/\{(\w+)\}/g, (m, k: string) => parts[k] ?? m);
}

/**
 * The bilingual line shown beside a measured question in results and the audit view, e.g.
 * "claimed 60–100% networked, measured 35% over the last 7 days"; with what the measurement supports when
 * it differs from the claim. Null for a question the rules table does not name.
 */
export function evidenceText(fw: Framework, entry: AssessmentResult["evidence"][number], options: { now?: number } = {}): Text | null {
  const rule = ruleFor(fw.id, entry.questionId);
  const q = fw.questions.find((x) => x.id === entry.questionId);
  if (!rule || !q) return null;
  const when = windowText(entry.measured.window, options.now);
  const out = { zh: "", en: "" };
  for (const locale of ["zh", "en"] as const) {
    let line = fill(rule.text[locale], {
      claimed: claimedText(fw, q, entry.claimed, locale),
      measured: percent(entry.measured.value),
      window: when[locale],
    });
    if (entry.mismatch && rule.implies.kind === "ceiling") {
      const at = describeAnswer(fw, q.id, entry.measured.implied, locale);
      line += locale === "zh" ? `；实测仅支持到“${at}”` : `; the measurement supports at most “${at}”`;
    } else if (entry.mismatch && rule.implies.kind === "options" && entry.claimed?.type === "multi" && entry.measured.implied.type === "multi") {
      const kept = new Set(entry.measured.implied.value);
      const dropped = { type: "multi" as const, value: entry.claimed.value.filter((id) => !kept.has(id)) };
      if (dropped.value.length > 0) {
        const names = describeAnswer(fw, q.id, dropped, locale);
        line += locale === "zh" ? `；未测到以下环节的设备数据：${names}` : `; no machine data measured for ${names}`;
      }
    }
    if (entry.usedInScore && rule.implies.kind === "percentage") line += locale === "zh" ? "；按实测计分" : "; scored as measured";
    out[locale] = line;
  }
  return out;
}
