// The maturity model (CMMM, GB/T 39116/39117): requirements rated on a four-step scale; a unit's score at
// a level is the mean of its ratings there; a level's score is the weighted sum over the units that have
// requirements at that level (weights renormalised over them); a level is met when its score reaches the
// gate and every lower level is met; S adds the level scores up to and including the first unmet level
// and maps onto published bands. Which of gate and bands reports the level is the framework's choice.
import type { CompiledFramework } from "../compile";
import { atLeast, round9 } from "../decimal";
import type { MaturityScoring } from "../schema";
import { num, reason } from "../text";
import type { GateRow, IndustryType, Reason, Text } from "../types";
import { levelByBands, nodeTree, rankRoadmap, type Bound, partialReason, type ModelInput, type ModelOutput, type RankedAction, indexPerFramework } from "./common";

interface MaturityIndex {
  s: MaturityScoring;
  levelCount: number;
  unitCount: number;
  /** Unit index of each question. */
  unitOf: Int32Array;
  levelOf: Int32Array;
  /** cells[level][unit] → question indices (level 1-based; empty where the unit has no requirement). */
  cells: number[][][];
  /** Units with requirements at each level. */
  unitsAt: number[][];
  unitIndexById: Map<string, number>;
  weights: Record<IndustryType, Float64Array>;
}

const indexOf = indexPerFramework((c: CompiledFramework): MaturityIndex => {
  const s = c.fw.scoring as MaturityScoring;
  const units = c.structure.ordered.filter((e) => e.node.kind === s.unitKind);
  const unitIndexById = new Map(units.map((u, i) => [u.node.id, i]));
  const levelCount = c.fw.levels.length;
  const cells: number[][][] = Array.from({ length: levelCount + 1 }, () => units.map(() => [] as number[]));
  const unitOf = new Int32Array(c.fw.questions.length);
  const levelOf = new Int32Array(c.fw.questions.length);
  c.fw.questions.forEach((q, i) => {
    const u = unitIndexById.get(q.node) as number;
    const level = q.type === "rating" ? (q.level as number) : 0;
    unitOf[i] = u;
    levelOf[i] = level;
    cells[level][u].push(i);
  });
  const unitsAt = cells.map((row) => row.flatMap((qs, u) => (qs.length > 0 ? [u] : [])));
  const weights = {
    discrete: Float64Array.from(units, (u) => s.weights.discrete[u.node.id]),
    process: Float64Array.from(units, (u) => s.weights.process[u.node.id]),
  };
  return { s, levelCount, unitCount: units.length, unitOf, levelOf, cells, unitsAt, unitIndexById, weights };
});

/** Level scores and verdict for one bound. */
interface Evaluation {
  /** Rating value per question; NaN for a tailored-out ("na") requirement. */
  values: Float64Array;
  /** Mean per cell (level * unitCount + unit); NaN where the cell has no applicable requirement. */
  means: Float64Array;
  /** Applicable requirements per cell. */
  counts: Int32Array;
  /** Sum of the weights of the units counted at each level. */
  weightSums: Float64Array;
  /** Level score per level (index = level); null when nothing applies at that level. */
  scores: Array<number | null>;
  met: boolean[];
  byGate: number | null;
  total: number;
  byBands: number | null;
}

function evaluate(input: ModelInput, ix: MaturityIndex, w: Float64Array, bound: Bound): Evaluation {
  const { s, levelCount, unitCount } = ix;
  const n = input.answers.length;
  const values = new Float64Array(n);
  const unanswered = bound === "worst" ? s.ratings.none : s.ratings.full;
  for (let i = 0; i < n; i++) {
    const a = input.answers[i];
    if (a === undefined || a.type !== "rating") values[i] = unanswered;
    else values[i] = a.value === "na" ? NaN : s.ratings[a.value];
  }
  const cellCount = (levelCount + 1) * unitCount;
  const means = new Float64Array(cellCount).fill(NaN);
  const counts = new Int32Array(cellCount);
  const weightSums = new Float64Array(levelCount + 1);
  const scores: Array<number | null> = [null];
  const met: boolean[] = [true];
  let byGate: number | null = null;
  let total = 0;
  let counting = true;
  for (let level = 1; level <= levelCount; level++) {
    let weighted = 0;
    let weightSum = 0;
    for (const u of ix.unitsAt[level]) {
      let sum = 0;
      let k = 0;
      for (const i of ix.cells[level][u]) {
        const v = values[i];
        if (v === v) {
          sum += v;
          k++;
        }
      }
      if (k === 0) continue;
      const cell = level * unitCount + u;
      means[cell] = sum / k;
      counts[cell] = k;
      weighted += w[u] * (sum / k);
      weightSum += w[u];
    }
    weightSums[level] = weightSum;
    const score = weightSum > 0 ? round9(weighted / weightSum) : null;
    scores.push(score);
    const levelMet = met[level - 1] && score !== null && atLeast(score, s.gateThreshold);
    met.push(levelMet);
    if (levelMet) byGate = level;
    if (counting) total += score ?? 0;
    if (!levelMet) counting = false;
  }
  total = round9(total);
  return { values, means, counts, weightSums, scores, met, byGate, total, byBands: levelByBands(s.levelBands, total, atLeast) };
}

function levelReported(e: Evaluation, s: MaturityScoring): number | null {
  return s.decidedBy === "gate" ? e.byGate : e.byBands;
}

export function scoreMaturity(input: ModelInput): ModelOutput {
  const { c, context } = input;
  const ix = indexOf(c);
  const { s } = ix;
  const levelReasons: Reason[] = [];
  let industryType: IndustryType = s.defaultIndustryType;
  if (context.industryType === "discrete" || context.industryType === "process") industryType = context.industryType;
  else if (context.industryType !== undefined)
    levelReasons.push(
      reason(
        "industryType.unknown",
        { given: String(context.industryType), used: industryType },
        `未知的行业类型“${String(context.industryType)}”，按 ${industryType} 计算`,
        `unknown industry type "${String(context.industryType)}"; scored as ${industryType}`,
      ),
    );
  const w = ix.weights[industryType];
  const worst = evaluate(input, ix, w, "worst");
  const best = input.unansweredCount === 0 ? worst : evaluate(input, ix, w, "best");
  const value = levelReported(worst, s);
  const ceiling = levelReported(best, s);
  const levelName = (l: number | null) => (l === null ? null : (c.levelName.get(l) ?? null));

  levelReasons.push(decisionReason(worst, s));
  if (ceiling !== value)
    levelReasons.push(partialReason(input.unansweredCount, value, ceiling, (l) => c.levelName.get(l) as Text));

  const gates = gateRows(input, ix, worst, best);
  const target = (value ?? 0) + 1;
  const { roadmap, picked } = target <= ix.levelCount ? roadmapFor(input, ix, w, worst, target) : { roadmap: [], picked: [] };
  const why = whyNotNext(input, ix, worst, target, picked);

  return {
    industryType,
    total: { score: worst.total, max: round9(ix.levelCount * s.ratings.full) },
    level: {
      value,
      name: levelName(value),
      ceiling,
      byGate: worst.byGate,
      byBands: worst.byBands,
      decidedBy: s.decidedBy,
      reasons: levelReasons,
    },
    nodes: nodeTree(input, (entry) => {
      const u = ix.unitIndexById.get(entry.node.id);
      if (u === undefined) return null;
      let score = 0;
      let max = 0;
      for (let level = 1; level <= ix.levelCount; level++) {
        const m = worst.means[level * ix.unitCount + u];
        if (m === m) {
          score += m;
          max += s.ratings.full;
        }
      }
      return { score, max };
    }),
    gates,
    why,
    roadmap,
    extras: {
      levelScores: worst.scores.slice(1),
      ceilingLevelScores: best.scores.slice(1),
      ceilingTotal: best.total,
    },
  };
}

function decisionReason(e: Evaluation, s: MaturityScoring): Reason {
  const g = e.byGate ?? 0;
  const b = e.byBands ?? 0;
  const rule = s.decidedBy === "gate" ? { zh: "门槛规则", en: "the gate rule" } : { zh: "分数段", en: "the score bands" };
  if (e.byGate === e.byBands)
    return reason(
      "level.rulesAgree",
      { byGate: g, byBands: b, total: e.total },
      g === 0
        ? `门槛规则与分数段一致：尚未达到 1 级（总分 S = ${num(e.total)}）`
        : `门槛规则与分数段一致：${g} 级（总分 S = ${num(e.total)}）`,
      g === 0
        ? `the gate rule and the score bands agree: level 1 is not reached (total S = ${num(e.total)})`
        : `the gate rule and the score bands agree: level ${g} (total S = ${num(e.total)})`,
    );
  return reason(
    "level.rulesDisagree",
    { byGate: g, byBands: b, total: e.total, decidedBy: s.decidedBy },
    `门槛规则判定 ${g} 级（各级得分达到 ${num(s.gateThreshold)} 的最高连续等级），分数段判定 ${b} 级（总分 S = ${num(e.total)}）；本框架以${rule.zh}为准`,
    `the gate rule gives level ${g} (highest consecutive level scoring at least ${num(s.gateThreshold)}), the score bands give level ${b} (total S = ${num(e.total)}); this framework reports ${rule.en}`,
  );
}

function gateRows(input: ModelInput, ix: MaturityIndex, worst: Evaluation, best: Evaluation): GateRow[] {
  const { s } = ix;
  const rows: GateRow[] = [];
  const unansweredAt = new Int32Array(ix.levelCount + 1);
  input.answers.forEach((a, i) => {
    if (a === undefined) unansweredAt[ix.levelOf[i]]++;
  });
  for (let level = 1; level <= ix.levelCount; level++) {
    const score = worst.scores[level];
    const reasons: Reason[] = [];
    if (score === null)
      reasons.push(
        reason("level.gate.noApplicableRequirements", { level }, `第 ${level} 级没有适用的要求（全部裁剪）`, `level ${level} has no applicable requirements (all tailored out)`),
      );
    else if (atLeast(score, s.gateThreshold))
      reasons.push(
        reason(
          "level.gate.reached",
          { level, score, threshold: s.gateThreshold },
          `第 ${level} 级得分 ${num(score)} ≥ 门槛 ${num(s.gateThreshold)}`,
          `level ${level} scores ${num(score)} ≥ gate ${num(s.gateThreshold)}`,
        ),
      );
    else
      reasons.push(
        reason(
          "level.gate.belowThreshold",
          { level, score, threshold: s.gateThreshold, gap: round9(s.gateThreshold - score) },
          `第 ${level} 级得分 ${num(score)} 低于门槛 ${num(s.gateThreshold)}（差 ${num(s.gateThreshold - score)}）`,
          `level ${level} scores ${num(score)}, below the gate ${num(s.gateThreshold)} (short by ${num(s.gateThreshold - score)})`,
        ),
      );
    if (!worst.met[level - 1])
      reasons.push(reason("level.gate.lowerUnmet", { level: level - 1 }, `第 ${level - 1} 级未满足`, `level ${level - 1} is not met`));
    const undetermined = worst.met[level] !== best.met[level];
    if (undetermined)
      reasons.push(
        reason(
          "level.gate.undetermined",
          { level, unanswered: unansweredAt[level] },
          `本级尚有 ${unansweredAt[level]} 项要求未评价，结果可能改变`,
          `${unansweredAt[level]} requirements at this level are not rated yet; the outcome may change`,
        ),
      );
    rows.push({
      level,
      name: input.c.levelName.get(level) as Text,
      score,
      threshold: s.gateThreshold,
      met: worst.met[level],
      undetermined,
      reasons,
    });
  }
  return rows;
}

/**
 * Actions toward `target`: every requirement below full at the levels that decide it, gaining
 * (full − rating) × weight / (weights at the level) / (requirements in the cell) of level score. The
 * minimal set that clears the target is picked greedily, largest gain first, per blocking level — with
 * additive gains and one threshold per level, largest-first takes the fewest actions.
 */
function roadmapFor(input: ModelInput, ix: MaturityIndex, w: Float64Array, e: Evaluation, target: number) {
  const { s, unitCount } = ix;
  const byBands = s.decidedBy === "bands";
  const lastLevel = byBands ? Math.min(target + 1, ix.levelCount) : target;
  const actions: RankedAction[] = [];
  const candidatesAt: RankedAction[][] = Array.from({ length: ix.levelCount + 1 }, () => []);
  for (let level = 1; level <= lastLevel; level++) {
    if (!byBands && e.met[level]) continue;
    for (const u of ix.unitsAt[level]) {
      const cell = level * unitCount + u;
      const k = e.counts[cell];
      if (k === 0) continue;
      const factor = w[u] / e.weightSums[level] / k;
      for (const i of ix.cells[level][u]) {
        const v = e.values[i];
        if (!(v < s.ratings.full)) continue;
        const q = input.c.fw.questions[i];
        const action: RankedAction = {
          questionId: q.id,
          text: q.text,
          from: input.answers[i] ?? null,
          to: { type: "rating", value: "full" },
          gain: round9((s.ratings.full - v) * factor),
          targetLevel: target,
          unblocks: false,
          order: i,
        };
        if (action.gain <= 0) continue;
        actions.push(action);
        candidatesAt[level].push(action);
      }
    }
  }
  for (const list of candidatesAt) list.sort((a, b) => b.gain - a.gain || a.order - b.order);
  const scores = e.scores.map((x) => x ?? 0);
  const picked: RankedAction[] = [];
  const pick = (a: RankedAction, level: number) => {
    a.unblocks = true;
    picked.push(a);
    scores[level] = round9(scores[level] + a.gain);
  };
  const gateLevels = byBands ? target - 1 : target;
  for (let level = 1; level <= gateLevels; level++) {
    for (const a of candidatesAt[level]) {
      if (atLeast(scores[level], s.gateThreshold)) break;
      pick(a, level);
    }
  }
  if (byBands) {
    const band = s.levelBands.find((b) => b.level === target);
    const pool = actions.filter((a) => !a.unblocks).sort((a, b) => b.gain - a.gain || a.order - b.order);
    const levelOfAction = (a: RankedAction) => ix.levelOf[a.order];
    while (band) {
      let firstUnmet = ix.levelCount;
      let total = 0;
      for (let level = 1; level <= ix.levelCount; level++) {
        total += scores[level];
        if (!atLeast(scores[level], s.gateThreshold)) {
          firstUnmet = level;
          break;
        }
      }
      if (atLeast(total, band.from)) break;
      const next = pool.find((a) => !a.unblocks && levelOfAction(a) <= firstUnmet);
      if (!next) break;
      pick(next, levelOfAction(next));
    }
  }
  return { roadmap: rankRoadmap(actions), picked };
}

/** Requirements named in `why`; more are summed up in one reason. */
const WHY_REQUIREMENTS = 10;

function whyNotNext(input: ModelInput, ix: MaturityIndex, e: Evaluation, target: number, picked: RankedAction[]): Reason[] {
  const { s } = ix;
  if (target > ix.levelCount)
    return [reason("why.topLevel", { level: ix.levelCount }, `已达到最高等级（${ix.levelCount} 级）`, `the top level (${ix.levelCount}) is reached`)];
  const why: Reason[] = [];
  const lastGate = s.decidedBy === "bands" ? target - 1 : target;
  for (let level = 1; level <= lastGate; level++) {
    const score = e.scores[level];
    if (e.met[level] || score === null) continue;
    if (atLeast(score, s.gateThreshold)) continue;
    why.push(
      reason(
        "why.levelBelowGate",
        { level, score, threshold: s.gateThreshold, target },
        `第 ${level} 级得分 ${num(score)} 未达到门槛 ${num(s.gateThreshold)}，因此达不到 ${target} 级`,
        `level ${level} scores ${num(score)}, below the gate ${num(s.gateThreshold)}, so level ${target} is not reached`,
      ),
    );
  }
  if (s.decidedBy === "bands") {
    const band = s.levelBands.find((b) => b.level === target);
    if (band && !atLeast(e.total, band.from))
      why.push(
        reason(
          "why.totalBelowBand",
          { total: e.total, from: band.from, target },
          `总分 S = ${num(e.total)} 低于 ${target} 级分数段下限 ${num(band.from)}`,
          `total S = ${num(e.total)} is below level ${target}'s band (from ${num(band.from)})`,
        ),
      );
  }
  const ratingName = { full: "全部满足", most: "大部分满足", partial: "部分满足", none: "不满足", na: "不适用" } as const;
  // the requirements that clear the next level, largest gain first; the full list is the roadmap's ★ actions
  for (const a of [...picked].sort((x, y) => y.gain - x.gain || x.order - y.order).slice(0, WHY_REQUIREMENTS)) {
    const i = input.c.questionIndex.get(a.questionId) as number;
    const level = ix.levelOf[i];
    const unit = input.c.questionNode[i].node.name;
    const from = a.from?.type === "rating" ? a.from.value : null;
    why.push(
      reason(
        "why.requirement",
        { questionId: a.questionId, level, rating: from ?? "unanswered" },
        `${unit.zh}（${level} 级）要求${from ? `评价为“${ratingName[from]}”` : "未评价"}：${a.text.zh}`,
        `${unit.en} (level ${level}) requirement ${from ? `rated "${from}"` : "not rated"}: ${a.text.en}`,
      ),
    );
  }
  if (picked.length > WHY_REQUIREMENTS) {
    const more = picked.length - WHY_REQUIREMENTS;
    why.push(reason("why.moreRequirements", { more }, `另有 ${more} 项要求需要提升，见提升路线`, `${more} more requirements need raising; see the roadmap`));
  }
  return why;
}
