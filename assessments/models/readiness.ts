// The readiness model (浙江 未来工厂 ladder): requirements rated per trait give trait scores and an overall
// readiness (0–100); ladder rungs (数字化车间 → 智能工厂 → 未来工厂) are lists of conditions on those scores
// and on answered facts (the Zhejiang 数字化水平, the investment, mountain/island county), every number
// in the framework data. The level is the highest rung met with every lower rung; tiers (智能工厂梯度)
// are evaluated the same way and reported beside it.
import type { CompiledFramework } from "../compile";
import { atLeast, round9 } from "../decimal";
import type { Condition, Question, ReadinessScoring } from "../schema";
import { ancestorOfKind } from "../structure";
import { num, reason } from "../text";
import type { AnswerValue, GateRow, Reason, Text } from "../types";
import { knownIndustryType, nodeTree, rankRoadmap, type Bound, partialReason, type ModelInput, type ModelOutput, type RankedAction, indexPerFramework } from "./common";

const SCALE = 100;

interface Trait {
  id: string;
  name: Text;
  weight: number;
  questions: number[];
}

interface ReadinessIndex {
  s: ReadinessScoring;
  traits: Trait[];
  traitIndexById: Map<string, number>;
  /** Trait index of each rating question, -1 for others. */
  traitOf: Int32Array;
}

const indexOf = indexPerFramework((c: CompiledFramework): ReadinessIndex => {
  const s = c.fw.scoring as ReadinessScoring;
  const traitNodes = c.structure.ordered.filter((e) => e.node.kind === s.traitKind);
  const traitIndexById = new Map(traitNodes.map((t, k) => [t.node.id, k]));
  const traits: Trait[] = traitNodes.map((t) => ({ id: t.node.id, name: t.node.name, weight: s.traitWeights[t.node.id], questions: [] }));
  const traitOf = new Int32Array(c.fw.questions.length).fill(-1);
  c.fw.questions.forEach((q, i) => {
    if (q.type !== "rating") return;
    const trait = ancestorOfKind(c.questionNode[i], s.traitKind);
    if (!trait) return;
    const k = traitIndexById.get(trait.node.id) as number;
    traitOf[i] = k;
    traits[k].questions.push(i);
  });
  return { s, traits, traitIndexById, traitOf };
});

interface Readiness {
  values: Float64Array;
  /** Per trait, 0–100; null when all its requirements are tailored out. */
  traits: Array<number | null>;
  /** Applicable requirements per trait. */
  counts: Int32Array;
  overall: number | null;
  /** Sum of the weights of the traits that count. */
  weightSum: number;
}

function readinessFrom(ix: ReadinessIndex, values: Float64Array): Readiness {
  const full = ix.s.ratings.full;
  const traits: Array<number | null> = [];
  const counts = new Int32Array(ix.traits.length);
  let weighted = 0;
  let weightSum = 0;
  ix.traits.forEach((t, k) => {
    let sum = 0;
    let n = 0;
    for (const i of t.questions) {
      const v = values[i];
      if (v === v) {
        sum += v;
        n++;
      }
    }
    counts[k] = n;
    if (n === 0) return traits.push(null);
    const score = round9((SCALE * sum) / n / full);
    traits.push(score);
    weighted += t.weight * score;
    weightSum += t.weight;
  });
  return { values, traits, counts, overall: weightSum > 0 ? round9(weighted / weightSum) : null, weightSum };
}

function ratingValues(input: ModelInput, ix: ReadinessIndex, bound: Bound): Float64Array {
  const values = new Float64Array(input.answers.length).fill(NaN);
  const unanswered = bound === "worst" ? ix.s.ratings.none : ix.s.ratings.full;
  ix.traits.forEach((t) => {
    for (const i of t.questions) {
      const a = input.answers[i];
      values[i] = a?.type === "rating" ? (a.value === "na" ? NaN : ix.s.ratings[a.value]) : unanswered;
    }
  });
  return values;
}

/** A condition judged with unanswered questions at worst (`met`) and at best (`possible`). */
interface Judged {
  condition: Condition;
  met: boolean;
  possible: boolean;
  reason: Reason;
  /** For numberAtLeast/cmmmLevelAtLeast: the threshold that applies in the worst case. */
  threshold: number;
}

interface Facts {
  input: ModelInput;
  worst: Readiness;
  best: Readiness;
  ix: ReadinessIndex;
}

function answerOf(input: ModelInput, questionId: string): { q: Question; a: AnswerValue | undefined } {
  const i = input.c.questionIndex.get(questionId) as number;
  return { q: input.c.fw.questions[i], a: input.answers[i] };
}

function numberOf(a: AnswerValue | undefined): number | null {
  if (!a) return null;
  if (a.type === "numeric" || a.type === "percentage" || a.type === "sceneLevel") return a.value;
  if (a.type === "single") {
    const digits = /(\d+)$/.exec(a.value);
    return digits ? Number(digits[1]) : null;
  }
  return null;
}

function judge(cond: Condition, f: Facts): Judged {
  const { input, ix } = f;
  switch (cond.kind) {
    case "readinessAtLeast": {
      const k = cond.trait === undefined ? -1 : (ix.traitIndexById.get(cond.trait) as number);
      const scope = k < 0 ? { zh: "整体就绪度", en: "overall readiness" } : { zh: `“${ix.traits[k].name.zh}”就绪度`, en: `${ix.traits[k].name.en} readiness` };
      const worst = k < 0 ? f.worst.overall : f.worst.traits[k];
      const best = k < 0 ? f.best.overall : f.best.traits[k];
      const met = worst !== null && atLeast(worst, cond.min);
      const shown = worst ?? 0;
      return {
        condition: cond,
        met,
        possible: best !== null && atLeast(best, cond.min),
        threshold: cond.min,
        reason: reason(
          met ? "rung.readiness.reached" : "rung.readiness.below",
          { trait: cond.trait ?? "overall", score: shown, min: cond.min },
          met ? `${scope.zh} ${num(shown)} ≥ ${num(cond.min)}` : `${scope.zh} ${num(shown)} 低于 ${num(cond.min)}`,
          met ? `${scope.en} ${num(shown)} ≥ ${num(cond.min)}` : `${scope.en} ${num(shown)} is below ${num(cond.min)}`,
        ),
      };
    }
    case "numberAtLeast": {
      const { q, a } = answerOf(input, cond.question);
      let decided: { min: number; because: Text } | null = null;
      const possibleMins = [cond.min];
      for (const o of cond.overrides ?? []) {
        const when = answerOf(input, o.when.question);
        if (when.a === undefined) possibleMins.push(o.min);
        else if (!decided && when.a.type === "single" && when.a.value === o.when.equals) {
          const option = when.q.type === "single" ? when.q.options.find((x) => x.id === o.when.equals) : undefined;
          decided = { min: o.min, because: { zh: `“${when.q.text.zh}”为“${option?.text.zh ?? o.when.equals}”`, en: `"${when.q.text.en}" is "${option?.text.en ?? o.when.equals}"` } };
        }
      }
      const worstMin = decided ? decided.min : Math.max(...possibleMins);
      const bestMin = decided ? decided.min : Math.min(...possibleMins);
      const value = numberOf(a);
      const met = value !== null && atLeast(value, worstMin);
      const possible = value !== null ? atLeast(value, bestMin) : q.type !== "numeric" || q.max === undefined || atLeast(q.max, bestMin);
      const because = decided ? { zh: `（因${decided.because.zh}）`, en: ` (as ${decided.because.en})` } : { zh: "", en: "" };
      const code = value === null ? "rung.number.unanswered" : met ? "rung.number.reached" : "rung.number.below";
      return {
        condition: cond,
        met,
        possible,
        threshold: worstMin,
        reason: reason(
          code,
          { questionId: cond.question, value: value ?? "", min: worstMin },
          value === null ? `${q.text.zh}：未作答（要求 ≥ ${num(worstMin)}${because.zh}）` : `${q.text.zh}：${num(value)}${met ? " ≥ " : " 低于 "}${num(worstMin)}${because.zh}`,
          value === null ? `${q.text.en}: not answered (needs ≥ ${num(worstMin)}${because.en})` : `${q.text.en}: ${num(value)}${met ? " ≥ " : " is below "}${num(worstMin)}${because.en}`,
        ),
      };
    }
    case "choiceIn": {
      const { q, a } = answerOf(input, cond.question);
      const chosen = a?.type === "single" ? a.value : null;
      const met = chosen !== null && cond.options.includes(chosen);
      const label = q.type === "single" ? q.options.find((o) => o.id === chosen)?.text : undefined;
      return {
        condition: cond,
        met,
        possible: chosen === null || met,
        threshold: 0,
        reason: reason(
          chosen === null ? "rung.choice.unanswered" : met ? "rung.choice.reached" : "rung.choice.other",
          { questionId: cond.question, answer: chosen ?? "" },
          chosen === null ? `${q.text.zh}：未作答` : `${q.text.zh}：${label?.zh ?? chosen}${met ? "" : "（不符合）"}`,
          chosen === null ? `${q.text.en}: not answered` : `${q.text.en}: ${label?.en ?? chosen}${met ? "" : " (does not qualify)"}`,
        ),
      };
    }
    case "cmmmLevelAtLeast": {
      const linked = input.context.linked?.cmmmLevel;
      const fromLink = typeof linked === "number" && Number.isFinite(linked);
      const level = fromLink ? linked : numberOf(answerOf(input, cond.question).a);
      const met = level !== null && level >= cond.min;
      const source = fromLink ? { zh: "（来自关联的成熟度评估）", en: " (from the linked CMMM assessment)" } : { zh: "", en: "" };
      return {
        condition: cond,
        met,
        possible: level === null || met,
        threshold: cond.min,
        reason: reason(
          level === null ? "tier.cmmm.unknown" : met ? "tier.cmmm.reached" : "tier.cmmm.below",
          { level: level ?? "", min: cond.min },
          level === null ? `智能制造能力成熟度等级未知（要求 ≥ ${cond.min} 级）` : `智能制造能力成熟度 ${level} 级${met ? " ≥ " : " 低于 "}${cond.min} 级${source.zh}`,
          level === null ? `CMMM maturity level unknown (needs ≥ ${cond.min})` : `CMMM maturity level ${level}${met ? " ≥ " : " is below "}${cond.min}${source.en}`,
        ),
      };
    }
  }
}

export function scoreReadiness(input: ModelInput): ModelOutput {
  const { c } = input;
  const ix = indexOf(c);
  const { s } = ix;
  const worst = readinessFrom(ix, ratingValues(input, ix, "worst"));
  const best = input.unansweredCount === 0 ? worst : readinessFrom(ix, ratingValues(input, ix, "best"));
  const facts: Facts = { input, worst, best, ix };

  const rungs = s.rungs.map((r) => ({ level: r.level, judged: r.conditions.map((cond) => judge(cond, facts)) }));
  let value: number | null = null;
  let ceiling: number | null = null;
  let metBelow = true;
  let possibleBelow = true;
  const gates: GateRow[] = rungs.map((r) => {
    const met = metBelow && r.judged.every((j) => j.met);
    const possible = possibleBelow && r.judged.every((j) => j.possible);
    const reasons = r.judged.map((j) => j.reason);
    if (!metBelow) reasons.push(reason("level.gate.lowerUnmet", { level: r.level - 1 }, `前一级（${r.level - 1}）未满足`, `the rung below (${r.level - 1}) is not met`));
    if (met) value = r.level;
    if (possible) ceiling = r.level;
    if (met !== possible)
      reasons.push(reason("level.gate.undetermined", { level: r.level }, "尚有题目未作答，结果可能改变", "unanswered questions could still change this rung"));
    metBelow = met;
    possibleBelow = possible;
    const overall = r.judged.find((j) => j.condition.kind === "readinessAtLeast" && j.condition.trait === undefined);
    return {
      level: r.level,
      name: c.levelName.get(r.level) as Text,
      score: worst.overall,
      threshold: overall ? overall.threshold : null,
      met,
      undetermined: met !== possible,
      reasons,
    };
  });

  const levelReasons: Reason[] = [
    value === null
      ? reason("level.ladder.none", {}, "尚未满足阶梯第一级的条件", "the first rung's conditions are not met yet")
      : reason("level.ladder.reached", { level: value }, `满足“${(c.levelName.get(value) as Text).zh}”的全部条件`, `all conditions of "${(c.levelName.get(value) as Text).en}" are met`),
  ];
  if (ceiling !== value)
    levelReasons.push(partialReason(input.unansweredCount, value, ceiling, (l) => c.levelName.get(l) as Text));

  const target = (value ?? 0) + 1;
  const blocking = target <= rungs.length ? rungs.filter((r) => r.level <= target).flatMap((r) => r.judged.filter((j) => !j.met)) : [];
  const why =
    target > rungs.length
      ? [reason("why.topLevel", { level: rungs.length }, "已满足阶梯最高一级", "the top rung of the ladder is reached")]
      : dedupeReasons(blocking.map((j) => j.reason));
  const roadmap = target <= rungs.length ? roadmapFor(input, ix, worst, blocking, target) : [];

  const tiers = (s.tiers ?? []).map((tier) => {
    const judged = tier.conditions.map((cond) => judge(cond, facts));
    const met = judged.every((j) => j.met);
    const possible = judged.every((j) => j.possible);
    return { id: tier.id, name: tier.name, met, undetermined: met !== possible, possible, reasons: judged.map((j) => j.reason) };
  });
  const tierMet = [...tiers].reverse().find((t) => t.met) ?? null;
  const tierPossible = [...tiers].reverse().find((t) => t.possible) ?? null;
  const linked = input.context.linked?.cmmmLevel;

  return {
    industryType: knownIndustryType(input.context.industryType),
    total: { score: worst.overall ?? 0, max: SCALE },
    level: { value, name: value === null ? null : (c.levelName.get(value) ?? null), ceiling, byGate: value, byBands: value, decidedBy: "rule", reasons: levelReasons },
    nodes: nodeTree(
      input,
      (entry) => {
        const k = ix.traitIndexById.get(entry.node.id);
        return k === undefined ? null : { score: worst.traits[k] ?? 0, max: SCALE };
      },
    ),
    gates,
    why,
    roadmap,
    extras: {
      readiness: {
        overall: worst.overall,
        ceiling: best.overall,
        traits: ix.traits.map((t, k) => ({ id: t.id, name: t.name, score: worst.traits[k], ceiling: best.traits[k] })),
      },
      rungs: gates,
      tier: {
        value: tierMet?.id ?? null,
        name: tierMet?.name ?? null,
        ceiling: tierPossible?.id ?? null,
        cmmmLevelSource: typeof linked === "number" && Number.isFinite(linked) ? "linked" : "answer",
        rows: tiers.map(({ possible: _possible, ...row }) => row),
      },
    },
  };
}

function dedupeReasons(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = r.text.en;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Actions toward the target rung. A requirement gains the share of each blocking readiness gap it
 * closes (Δscore / gap, at most 1 per condition); a fact below its threshold (数字化水平, investment, a
 * choice) is one action closing its condition (gain 1). The minimal set takes, per readiness gap (traits
 * first, then overall), the requirements with the largest effect until the gap closes.
 */
function roadmapFor(input: ModelInput, ix: ReadinessIndex, worst: Readiness, blocking: Judged[], target: number) {
  const { c } = input;
  const { s } = ix;
  const full = s.ratings.full;
  const actions = new Map<number, RankedAction>();
  const add = (i: number, to: AnswerValue, gain: number, unblocks: boolean) => {
    const existing = actions.get(i);
    if (existing) {
      existing.gain = round9(existing.gain + gain);
      existing.unblocks ||= unblocks;
      return;
    }
    const q = c.fw.questions[i];
    actions.set(i, { questionId: q.id, text: q.text, from: input.answers[i] ?? null, to, gain: round9(gain), targetLevel: target, unblocks, order: i });
  };
  // Strictest threshold per fact question and per readiness scope.
  const facts = new Map<string, Judged>();
  const gaps = new Map<number, number>();
  for (const j of blocking) {
    const cond = j.condition;
    if (cond.kind === "readinessAtLeast") {
      const k = cond.trait === undefined ? -1 : (ix.traitIndexById.get(cond.trait) as number);
      gaps.set(k, Math.max(gaps.get(k) ?? 0, cond.min));
    } else if (cond.kind !== "cmmmLevelAtLeast" || !(typeof input.context.linked?.cmmmLevel === "number")) {
      const prev = facts.get(cond.question);
      if (!prev || j.threshold > prev.threshold) facts.set(cond.question, j);
    }
  }
  for (const [questionId, j] of facts) {
    const i = c.questionIndex.get(questionId) as number;
    const q = c.fw.questions[i];
    const cond = j.condition;
    let to: AnswerValue | null = null;
    if (cond.kind === "choiceIn") to = { type: "single", value: cond.options[0] };
    else if (q.type === "numeric" || q.type === "percentage") to = { type: q.type, value: j.threshold };
    else if (q.type === "single") {
      const option = q.options.find((o) => numberOf({ type: "single", value: o.id }) === j.threshold);
      if (option) to = { type: "single", value: option.id };
    }
    if (to) add(i, to, 1, true);
  }
  if (gaps.size === 0) return rankRoadmap([...actions.values()]);
  const values = Float64Array.from(worst.values);
  const scopeScore = (k: number) => {
    const r = readinessFrom(ix, values);
    return k < 0 ? r.overall : r.traits[k];
  };
  // Effect of raising requirement i to full on scope k, in readiness points.
  const effect = (i: number, k: number, r: Readiness) => {
    const t = ix.traitOf[i];
    const n = r.counts[t];
    if (n === 0) return 0;
    const traitDelta = ((full - values[i]) / full) * (SCALE / n);
    if (k >= 0) return k === t ? traitDelta : 0;
    return r.weightSum > 0 ? (traitDelta * ix.traits[t].weight) / r.weightSum : 0;
  };
  const ratingQuestions = ix.traits.flatMap((t) => t.questions).filter((i) => values[i] < full);
  for (const i of ratingQuestions) {
    let gain = 0;
    for (const [k, min] of gaps) {
      const score = k < 0 ? worst.overall : worst.traits[k];
      if (score === null) continue;
      const gap = min - score;
      if (gap > 0) gain += Math.min(effect(i, k, worst), gap) / gap;
    }
    if (gain > 0) add(i, { type: "rating", value: "full" }, gain, false);
  }
  const order = [...gaps.keys()].sort((a, b) => b - a);
  for (const k of order) {
    const min = gaps.get(k) as number;
    for (;;) {
      const score = scopeScore(k);
      if (score === null || atLeast(score, min)) break;
      const r = readinessFrom(ix, values);
      let bestI = -1;
      let bestEffect = 0;
      for (const i of ratingQuestions) {
        if (!(values[i] < full)) continue;
        const e = effect(i, k, r);
        if (e > bestEffect) {
          bestEffect = e;
          bestI = i;
        }
      }
      if (bestI < 0) break;
      values[bestI] = full;
      const action = actions.get(bestI);
      if (action) action.unblocks = true;
    }
  }
  return rankRoadmap([...actions.values()]);
}
