// The points model (MIIT 中小企业数字化水平评测 2024): scored items add up to a base (基础 + 管理 + 成效);
// graded scenes (level 0–4, some constrained) sit beside it without points. A level needs its rule row —
// base at least X, at least N scenes at level ≥ L, at least M of them constrained — and every lower level.
// The published base bands alone give a second opinion; the framework says which reports the level.
import type { CompiledFramework } from "../compile";
import { atLeast, round9 } from "../decimal";
import { answerPoints, bandTarget, bestBandIndex } from "../question-values";
import type { LevelRule, PointsScoring, Question } from "../schema";
import { isWithin } from "../structure";
import { num, reason } from "../text";
import type { AnswerValue, GateRow, Reason, Text } from "../types";
import { knownIndustryType, levelByBands, nodeTree, rankRoadmap, type Bound, partialReason, type ModelInput, type ModelOutput, type RankedAction, indexPerFramework } from "./common";

interface Scene {
  question: number;
  nodeId: string;
  name: Text;
  constrained: boolean;
  top: number;
}

interface PointsIndex {
  s: PointsScoring;
  /** Questions whose points add up to the base. */
  baseQuestions: number[];
  baseMax: number;
  scenes: Scene[];
  rules: LevelRule[];
  levelCount: number;
}

const indexOf = indexPerFramework((c: CompiledFramework): PointsIndex => {
  const s = c.fw.scoring as PointsScoring;
  const constrained = new Set(s.constrainedScenes);
  const baseQuestions: number[] = [];
  const scenes: Scene[] = [];
  c.fw.questions.forEach((q, i) => {
    const entry = c.questionNode[i];
    if (q.type === "sceneLevel")
      scenes.push({ question: i, nodeId: entry.node.id, name: entry.node.name, constrained: constrained.has(entry.node.id), top: q.levels.length });
    else if (s.baseNodes.some((id) => isWithin(entry, id)) && c.maxPoints[i] > 0) baseQuestions.push(i);
  });
  const baseMax = round9(baseQuestions.reduce((sum, i) => sum + c.maxPoints[i], 0));
  return { s, baseQuestions, baseMax, scenes, rules: s.levelRules, levelCount: c.fw.levels.length };
});

interface RuleCheck {
  baseOk: boolean;
  scenes: number;
  constrained: number;
  scenesOk: boolean;
  constrainedOk: boolean;
  met: boolean;
}

interface Evaluation {
  points: Float64Array;
  base: number;
  sceneLevels: Int32Array;
  counts: ReturnType<typeof sceneCounts>;
  rules: RuleCheck[];
  /** met[level], met[0] = true. */
  met: boolean[];
  byGate: number | null;
  byBands: number | null;
}

/** Scenes (and constrained scenes) at each level or above: index L → count at ≥ L, L = 0…4. */
function sceneCounts(ix: PointsIndex, sceneLevels: Int32Array): { atLeast: Int32Array; constrainedAtLeast: Int32Array } {
  const atLeastL = new Int32Array(6);
  const constrainedAtLeast = new Int32Array(6);
  for (let j = 0; j < ix.scenes.length; j++) {
    atLeastL[sceneLevels[j]]++;
    if (ix.scenes[j].constrained) constrainedAtLeast[sceneLevels[j]]++;
  }
  for (let L = 3; L >= 0; L--) {
    atLeastL[L] += atLeastL[L + 1];
    constrainedAtLeast[L] += constrainedAtLeast[L + 1];
  }
  return { atLeast: atLeastL, constrainedAtLeast };
}

function checkRule(ix: PointsIndex, rule: LevelRule, base: number, sceneLevels: Int32Array): Omit<RuleCheck, "met"> {
  const counts = sceneCounts(ix, sceneLevels);
  return ruleAgainst(rule, base, counts);
}

function ruleAgainst(rule: LevelRule, base: number, counts: ReturnType<typeof sceneCounts>): Omit<RuleCheck, "met"> {
  const scenes = counts.atLeast[rule.sceneLevelAtLeast];
  const constrained = counts.constrainedAtLeast[rule.sceneLevelAtLeast];
  return {
    baseOk: atLeast(base, rule.minBase),
    scenes,
    constrained,
    scenesOk: scenes >= rule.minScenes,
    constrainedOk: constrained >= rule.minConstrained,
  };
}

function evaluate(input: ModelInput, ix: PointsIndex, bound: Bound): Evaluation {
  const { c } = input;
  const points = new Float64Array(c.fw.questions.length);
  let base = 0;
  for (const i of ix.baseQuestions) {
    const a = input.answers[i];
    points[i] = a === undefined ? (bound === "worst" ? 0 : c.maxPoints[i]) : answerPoints(c.fw.questions[i], a);
    base += points[i];
  }
  base = round9(base);
  const sceneLevels = new Int32Array(ix.scenes.length);
  ix.scenes.forEach((sc, j) => {
    const a = input.answers[sc.question];
    sceneLevels[j] = a?.type === "sceneLevel" ? a.value : bound === "worst" ? 0 : sc.top;
  });
  const rules: RuleCheck[] = [];
  const met = [true];
  let byGate: number | null = null;
  const counts = sceneCounts(ix, sceneLevels);
  for (const rule of ix.rules) {
    const r = ruleAgainst(rule, base, counts) as RuleCheck;
    const ok = r.baseOk && r.scenesOk && r.constrainedOk;
    r.met = ok;
    rules.push(r);
    const levelMet = ok && met[rule.level - 1];
    met.push(levelMet);
    if (levelMet) byGate = rule.level;
  }
  return { points, base, sceneLevels, counts, rules, met, byGate, byBands: levelByBands(ix.s.baseBands, base, atLeast) };
}

export function scorePoints(input: ModelInput): ModelOutput {
  const { c } = input;
  const ix = indexOf(c);
  const { s } = ix;
  const worst = evaluate(input, ix, "worst");
  const best = input.unansweredCount === 0 ? worst : evaluate(input, ix, "best");
  const pick = (e: Evaluation) => (s.decidedBy === "gate" ? e.byGate : e.byBands);
  const value = pick(worst);
  const ceiling = pick(best);
  const levelReasons: Reason[] = [decisionReason(worst, s)];
  if (ceiling !== value)
    levelReasons.push(partialReason(input.unansweredCount, value, ceiling, (l) => c.levelName.get(l) as Text));
  const target = (value ?? 0) + 1;
  const plan = target <= ix.levelCount ? roadmapFor(input, ix, worst, target) : { roadmap: [], why: [] as Reason[] };
  const why =
    target > ix.levelCount
      ? [reason("why.topLevel", { level: ix.levelCount }, `已达到最高等级（${ix.levelCount} 级）`, `the top level (${ix.levelCount}) is reached`)]
      : plan.why;
  const sceneIndex = new Map(ix.scenes.map((sc, j) => [sc.nodeId, j]));

  return {
    industryType: knownIndustryType(input.context.industryType),
    total: { score: worst.base, max: ix.baseMax },
    level: { value, name: value === null ? null : (c.levelName.get(value) ?? null), ceiling, byGate: worst.byGate, byBands: worst.byBands, decidedBy: s.decidedBy, reasons: levelReasons },
    nodes: nodeTree(input, (entry) => {
      const j = sceneIndex.get(entry.node.id);
      if (j !== undefined) return { score: worst.sceneLevels[j], max: ix.scenes[j].top };
      let score = 0;
      let max = 0;
      for (const i of ix.baseQuestions)
        if (c.questionNode[i] === entry) {
          score += worst.points[i];
          max += c.maxPoints[i];
        }
      return max > 0 ? { score, max } : null;
    }),
    gates: gateRows(input, ix, worst, best),
    why,
    roadmap: plan.roadmap,
    extras: {
      base: { score: worst.base, max: ix.baseMax, ceiling: best.base },
      sceneCounts: [1, 2, 3, 4].map((level) => ({ level, scenes: worst.counts.atLeast[level], constrained: worst.counts.constrainedAtLeast[level] })),
    },
  };
}

function decisionReason(e: Evaluation, s: PointsScoring): Reason {
  const g = e.byGate ?? 0;
  const b = e.byBands ?? 0;
  if (e.byGate === e.byBands)
    return reason(
      "level.rulesAgree",
      { byGate: g, byBands: b, base: e.base },
      g === 0 ? `等级规则与基础分数段一致：尚未达到 1 级（基础分 ${num(e.base)}）` : `等级规则与基础分数段一致：${g} 级（基础分 ${num(e.base)}）`,
      g === 0 ? `the level rule and the base-score bands agree: level 1 is not reached (base ${num(e.base)})` : `the level rule and the base-score bands agree: level ${g} (base ${num(e.base)})`,
    );
  const rule = s.decidedBy === "gate" ? { zh: "等级规则（基础分 + 场景）", en: "the level rule (base and scenes)" } : { zh: "基础分数段", en: "the base-score bands" };
  return reason(
    "level.rulesDisagree",
    { byGate: g, byBands: b, base: e.base, decidedBy: s.decidedBy },
    `等级规则判定 ${g} 级，基础分数段判定 ${b} 级（基础分 ${num(e.base)}）；本框架以${rule.zh}为准`,
    `the level rule gives level ${g}, the base-score bands give level ${b} (base ${num(e.base)}); this framework reports ${rule.en}`,
  );
}

function ruleReasons(ix: PointsIndex, rule: LevelRule, r: Omit<RuleCheck, "met">, base: number): Reason[] {
  const out: Reason[] = [];
  const L = rule.sceneLevelAtLeast;
  out.push(
    r.baseOk
      ? reason("rule.base.reached", { base, minBase: rule.minBase }, `基础分 ${num(base)} ≥ ${num(rule.minBase)}`, `base ${num(base)} ≥ ${num(rule.minBase)}`)
      : reason(
          "rule.base.below",
          { base, minBase: rule.minBase, gap: round9(rule.minBase - base) },
          `基础分 ${num(base)} 低于 ${num(rule.minBase)}（差 ${num(rule.minBase - base)}）`,
          `base ${num(base)} is below ${num(rule.minBase)} (short by ${num(rule.minBase - base)})`,
        ),
  );
  out.push(
    reason(
      r.scenesOk ? "rule.scenes.reached" : "rule.scenes.below",
      { scenes: r.scenes, minScenes: rule.minScenes, sceneLevel: L },
      `达到 ${L} 级及以上的场景 ${r.scenes} 个，要求至少 ${rule.minScenes} 个`,
      `${r.scenes} scenes at level ${L} or above; at least ${rule.minScenes} required`,
    ),
  );
  out.push(
    reason(
      r.constrainedOk ? "rule.constrained.reached" : "rule.constrained.below",
      { constrained: r.constrained, minConstrained: rule.minConstrained, sceneLevel: L },
      `其中约束性场景 ${r.constrained} 个，要求至少 ${rule.minConstrained} 个`,
      `of them ${r.constrained} constrained scenes; at least ${rule.minConstrained} required`,
    ),
  );
  return out;
}

function gateRows(input: ModelInput, ix: PointsIndex, worst: Evaluation, best: Evaluation): GateRow[] {
  return ix.rules.map((rule, k) => {
    const r = worst.rules[k];
    const reasons = ruleReasons(ix, rule, r, worst.base);
    if (!worst.met[rule.level - 1])
      reasons.push(reason("level.gate.lowerUnmet", { level: rule.level - 1 }, `第 ${rule.level - 1} 级未满足`, `level ${rule.level - 1} is not met`));
    const undetermined = worst.met[rule.level] !== best.met[rule.level];
    if (undetermined)
      reasons.push(
        reason(
          "level.gate.undetermined",
          { level: rule.level, unanswered: input.unansweredCount },
          "尚有题目未作答，结果可能改变",
          "unanswered questions could still change this row",
        ),
      );
    return {
      level: rule.level,
      name: input.c.levelName.get(rule.level) as Text,
      score: worst.base,
      threshold: rule.minBase,
      met: worst.met[rule.level],
      undetermined,
      reasons,
    };
  });
}

/**
 * The smallest change to a scored question that gains at least `gap` points — the cheapest option or band
 * that does, or the fewest options added — and otherwise the change that gains the most.
 */
function targetAnswer(q: Question, from: AnswerValue | undefined, now: number, gap: number): AnswerValue | null {
  switch (q.type) {
    case "single": {
      const better = q.options.filter((o) => (o.points ?? 0) > now).sort((a, b) => (a.points ?? 0) - (b.points ?? 0));
      if (better.length === 0) return null;
      const enough = better.find((o) => atLeast((o.points ?? 0) - now, gap)) ?? better[better.length - 1];
      return { type: "single", value: enough.id };
    }
    case "multi": {
      // add the options worth most first, until the gap closes or the cap is reached
      const chosen = new Set(from?.type === "multi" ? from.value : []);
      const rest = q.options.filter((o) => !chosen.has(o.id) && (o.points ?? 0) > 0).sort((a, b) => (b.points ?? 0) - (a.points ?? 0));
      if (rest.length === 0) return null;
      let raw = 0;
      for (const o of q.options) if (chosen.has(o.id)) raw += o.points ?? 0;
      const capped = (x: number) => (q.cap === undefined ? x : Math.min(q.cap, x));
      for (const o of rest) {
        if (atLeast(capped(raw) - now, gap) || (q.cap !== undefined && atLeast(raw, q.cap))) break;
        chosen.add(o.id);
        raw += o.points ?? 0;
      }
      return { type: "multi", value: q.options.filter((o) => chosen.has(o.id)).map((o) => o.id) };
    }
    case "percentage":
    case "numeric": {
      if (!q.bands) return null;
      const bands = q.bands;
      const order = bands.map((b, i) => i).filter((i) => bands[i].points > now);
      if (order.length === 0) return null;
      const enough = order.find((i) => atLeast(bands[i].points - now, gap)) ?? bestBandIndex(bands);
      return { type: q.type, value: bandTarget(bands, enough) };
    }
    default:
      return null;
  }
}

/**
 * Actions toward `target`, ranked by the share of the target's unmet conditions they close (a point item
 * closes gain/shortfall of the base gap; raising a scene closes 1/shortfall of each scene count it adds
 * to; each condition counts at most 1). The minimal set: the largest point gains until the base gap
 * closes, and for each scene count the scenes closest to the required level (constrained ones first
 * where the constrained count is short).
 */
function roadmapFor(input: ModelInput, ix: PointsIndex, e: Evaluation, target: number) {
  const { c } = input;
  const { s } = ix;
  const why: Reason[] = [];
  const rules = s.decidedBy === "gate" ? ix.rules.filter((r) => r.level <= target) : [];
  const band = s.baseBands.find((b) => b.level === target);
  const minBase = s.decidedBy === "gate" ? Math.max(...rules.map((r) => r.minBase)) : (band?.from ?? 0);
  const baseGap = atLeast(e.base, minBase) ? 0 : round9(minBase - e.base);
  const actions: RankedAction[] = [];

  if (baseGap > 0) {
    why.push(
      reason(
        "why.baseBelow",
        { base: e.base, minBase, gap: baseGap, target },
        `基础分 ${num(e.base)} 未达到 ${target} 级要求的 ${num(minBase)}（差 ${num(baseGap)}）`,
        `base ${num(e.base)} is below the ${num(minBase)} level ${target} needs (short by ${num(baseGap)})`,
      ),
    );
    const items: RankedAction[] = [];
    for (const i of ix.baseQuestions) {
      const q = c.fw.questions[i];
      const from = input.answers[i];
      const to = targetAnswer(q, from, e.points[i], baseGap);
      const points = to ? round9(answerPoints(q, to) - e.points[i]) : 0;
      if (!to || points <= 0) continue;
      items.push({
        questionId: q.id,
        text: q.text,
        from: from ?? null,
        to,
        gain: round9(Math.min(points, baseGap) / baseGap),
        targetLevel: target,
        unblocks: false,
        order: i,
      });
    }
    items.sort((a, b) => b.gain - a.gain || a.order - b.order);
    let closed = 0;
    for (const a of items) {
      if (atLeast(closed, baseGap)) break;
      a.unblocks = true;
      closed += round9(answerPoints(c.fw.questions[a.order], a.to) - e.points[a.order]);
    }
    actions.push(...items);
  }

  // Scene counts short at each rule up to the target, strictest (highest) rule first.
  const levels = Int32Array.from(e.sceneLevels);
  const sceneGain = new Float64Array(ix.scenes.length);
  const sceneTo = new Int32Array(ix.scenes.length);
  const chosen = new Set<number>();
  for (const rule of [...rules].reverse()) {
    const L = rule.sceneLevelAtLeast;
    const r = checkRule(ix, rule, e.base, e.sceneLevels);
    const countShort = Math.max(0, rule.minScenes - r.scenes);
    const constrainedShort = Math.max(0, rule.minConstrained - r.constrained);
    if (countShort === 0 && constrainedShort === 0) continue;
    if (countShort > 0)
      why.push(
        reason(
          "why.scenesBelow",
          { scenes: r.scenes, minScenes: rule.minScenes, sceneLevel: L, target: rule.level },
          `达到 ${L} 级及以上的场景只有 ${r.scenes} 个，${rule.level} 级要求至少 ${rule.minScenes} 个`,
          `only ${r.scenes} scenes are at level ${L} or above; level ${rule.level} needs at least ${rule.minScenes}`,
        ),
      );
    if (constrainedShort > 0)
      why.push(
        reason(
          "why.constrainedBelow",
          { constrained: r.constrained, minConstrained: rule.minConstrained, sceneLevel: L, target: rule.level },
          `达到 ${L} 级及以上的约束性场景只有 ${r.constrained} 个，${rule.level} 级要求至少 ${rule.minConstrained} 个`,
          `only ${r.constrained} constrained scenes are at level ${L} or above; level ${rule.level} needs at least ${rule.minConstrained}`,
        ),
      );
    ix.scenes.forEach((sc, j) => {
      if (e.sceneLevels[j] >= L) return;
      sceneTo[j] = Math.max(sceneTo[j], L);
      if (countShort > 0) sceneGain[j] += 1 / countShort;
      if (sc.constrained && constrainedShort > 0) sceneGain[j] += 1 / constrainedShort;
    });
    // Minimal set: constrained scenes closest to L first while that count is short, then any closest.
    const below = ix.scenes.map((_, j) => j).filter((j) => levels[j] < L);
    const closest = (a: number, b: number) => levels[b] - levels[a] || a - b;
    let constrainedNow = r.constrained;
    let scenesNow = r.scenes;
    for (const j of below.filter((j) => ix.scenes[j].constrained).sort(closest)) {
      if (constrainedNow >= rule.minConstrained) break;
      levels[j] = L;
      chosen.add(j);
      constrainedNow++;
      scenesNow++;
    }
    for (const j of below.filter((j) => levels[j] < L).sort((a, b) => Number(ix.scenes[b].constrained) - Number(ix.scenes[a].constrained) || closest(a, b))) {
      if (scenesNow >= rule.minScenes) break;
      levels[j] = L;
      chosen.add(j);
      scenesNow++;
    }
  }
  ix.scenes.forEach((sc, j) => {
    if (sceneGain[j] <= 0) return;
    const q = c.fw.questions[sc.question];
    actions.push({
      questionId: q.id,
      text: q.text,
      from: input.answers[sc.question] ?? null,
      to: { type: "sceneLevel", value: sceneTo[j] as 1 | 2 | 3 | 4 },
      gain: round9(sceneGain[j]),
      targetLevel: target,
      unblocks: chosen.has(j),
      order: sc.question,
    });
    if (chosen.has(j))
      why.push(
        reason(
          "why.scene",
          { questionId: q.id, level: e.sceneLevels[j], required: sceneTo[j], constrained: sc.constrained ? 1 : 0 },
          `${sc.constrained ? "约束性" : ""}场景“${sc.name.zh}”当前 ${e.sceneLevels[j]} 级，需达到 ${sceneTo[j]} 级`,
          `${sc.constrained ? "constrained " : ""}scene "${sc.name.en}" is at level ${e.sceneLevels[j]}, needs ${sceneTo[j]}`,
        ),
      );
  });
  return { roadmap: rankRoadmap(actions), why };
}
