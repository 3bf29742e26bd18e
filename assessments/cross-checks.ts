// Checks that need the whole framework document: references between parts (question → node, weight →
// sub-domain, condition → question/option), uniqueness, orderings and sums. Each issue names the path of
// the fault in the document, so a data author can go straight to it.
import { sameDecimal } from "./decimal";
import { pathExists } from "./paths";
import { maxPoints } from "./question-values";
import type { Band, Condition, Framework, MaturityScoring, PointsScoring, Question, ReadinessScoring } from "./schema";
import { ancestorOfKind, indexStructure, isWithin, type StructureIndex } from "./structure";

export interface FrameworkIssue {
  path: string;
  message: string;
}

const WEIGHT_TOLERANCE = 1e-9;

export function crossCheck(fw: Framework, raw: unknown): FrameworkIssue[] {
  const issues: FrameworkIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const structure = indexStructure(fw.structure);

  checkConsecutive(
    fw.levels.map((l) => l.level),
    "levels",
    "level",
    add,
  );
  for (const d of structure.duplicates) add(d.docPath, `duplicate node id "${d.id}" (first at ${d.firstAt})`);

  const questionIds = new Map<string, number>();
  fw.questions.forEach((q, i) => {
    const at = `questions[${i}]`;
    const first = questionIds.get(q.id);
    if (first !== undefined) add(`${at}.id`, `duplicate question id "${q.id}" (first at questions[${first}])`);
    else questionIds.set(q.id, i);
    const entry = structure.byId.get(q.node);
    if (!entry) add(`${at}.node`, `unknown structure node "${q.node}"`);
    else if (!entry.isLeaf) add(`${at}.node`, `"${q.node}" has children; questions belong to leaf nodes`);
    checkQuestion(q, at, add);
  });

  fw.unverified?.forEach((u, i) => {
    if (!pathExists(raw, u.path)) add(`unverified[${i}].path`, `"${u.path}" does not name anything in this framework`);
  });

  const s = fw.scoring;
  if (s.model === "maturity") checkMaturity(fw, s, structure, add);
  else if (s.model === "points") checkPoints(fw, s, structure, add);
  else checkReadiness(fw, s, structure, add);
  return issues;
}

type Add = (path: string, message: string) => void;

function checkConsecutive(levels: number[], at: string, field: string, add: Add, expected?: number) {
  levels.forEach((level, i) => {
    if (level !== i + 1) add(`${at}[${i}].${field}`, `must be ${i + 1} (levels run 1, 2, 3… in order)`);
  });
  if (expected !== undefined && levels.length !== expected)
    add(at, `must have one entry per framework level (${expected}), found ${levels.length}`);
}

function checkQuestion(q: Question, at: string, add: Add) {
  if (q.type === "single" || q.type === "multi") {
    const seen = new Set<string>();
    q.options.forEach((o, j) => {
      if (seen.has(o.id)) add(`${at}.options[${j}].id`, `duplicate option id "${o.id}"`);
      seen.add(o.id);
    });
  }
  if (q.type === "numeric" && q.min !== undefined && q.max !== undefined && !(q.min < q.max))
    add(`${at}.max`, `must be greater than min (${q.min})`);
  if ((q.type === "percentage" || q.type === "numeric") && q.bands) {
    checkBands(q.bands, `${at}.bands`, add);
    const last = q.bands[q.bands.length - 1].upTo;
    if (q.type === "percentage") {
      q.bands.forEach((b, j) => {
        if (b.upTo !== null && (b.upTo < 0 || b.upTo > 100)) add(`${at}.bands[${j}].upTo`, "must lie between 0 and 100 (percent)");
      });
      if (last !== null && last !== 100) add(`${at}.bands[${q.bands.length - 1}].upTo`, "the last band must reach 100 (or be null)");
    } else if (last !== null && (q.max === undefined || q.max > last)) {
      add(
        `${at}.bands[${q.bands.length - 1}].upTo`,
        q.max === undefined
          ? "the last band must be open (null) or the question needs a max within it"
          : `the last band must reach the question's max (${q.max}) or be null`,
      );
    }
  }
  if (q.type === "sceneLevel") {
    q.levels.forEach((l, j) => {
      if (l.level !== j + 1) add(`${at}.levels[${j}].level`, `must be ${j + 1} (scene levels run 1, 2, 3, 4 in order)`);
    });
  }
}

function checkBands(bands: readonly Band[], at: string, add: Add) {
  bands.forEach((b, j) => {
    if (b.upTo === null && j !== bands.length - 1) add(`${at}[${j}].upTo`, "only the last band may be open (null)");
    const prev = j > 0 ? bands[j - 1].upTo : null;
    if (j > 0 && prev !== null && b.upTo !== null && !(b.upTo > prev))
      add(`${at}[${j}].upTo`, `must be greater than the previous band (${prev})`);
  });
}

function checkRatingScale(s: { ratings: { full: number; most: number; partial: number; none: number } }, add: Add) {
  const steps = ["full", "most", "partial", "none"] as const;
  for (let i = 1; i < steps.length; i++) {
    if (!(s.ratings[steps[i]] < s.ratings[steps[i - 1]]))
      add(`scoring.ratings.${steps[i]}`, `must be below ${steps[i - 1]} (${s.ratings[steps[i - 1]]})`);
  }
}

function checkLevelBands(bands: MaturityScoring["levelBands"], at: string, levelCount: number, add: Add) {
  checkConsecutive(
    bands.map((b) => b.level),
    at,
    "level",
    add,
    levelCount,
  );
  bands.forEach((b, i) => {
    if (i > 0 && !(b.from > bands[i - 1].from)) add(`${at}[${i}].from`, `must be greater than the previous band (${bands[i - 1].from})`);
  });
}

function checkWeights(
  weights: Record<string, number>,
  at: string,
  unitIds: string[],
  what: string,
  add: Add,
) {
  const known = new Set(unitIds);
  for (const id of Object.keys(weights)) if (!known.has(id)) add(`${at}.${id}`, `no ${what} with this id`);
  const missing = unitIds.filter((id) => !(id in weights));
  if (missing.length > 0) add(at, `missing weight for ${missing.map((m) => `"${m}"`).join(", ")}`);
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) add(at, `weights must sum to 1 (within 1e-9), got ${sum}`);
}

function checkMaturity(fw: Framework, s: MaturityScoring, structure: StructureIndex, add: Add) {
  checkRatingScale(s, add);
  checkLevelBands(s.levelBands, "scoring.levelBands", fw.levels.length, add);
  const units = structure.ordered.filter((e) => e.node.kind === s.unitKind);
  if (units.length === 0) add("scoring.unitKind", `no structure node has kind "${s.unitKind}"`);
  const unitIds = units.map((u) => u.node.id);
  for (const industry of ["discrete", "process"] as const)
    checkWeights(s.weights[industry], `scoring.weights.${industry}`, unitIds, `${s.unitKind} node`, add);
  const perLevel = new Array(fw.levels.length + 1).fill(0);
  fw.questions.forEach((q, i) => {
    const at = `questions[${i}]`;
    if (q.type !== "rating") return add(`${at}.type`, `the maturity model takes rating questions only, not "${q.type}"`);
    if (q.level === undefined) return add(`${at}.level`, "a maturity requirement needs the level it belongs to");
    if (q.level > fw.levels.length) add(`${at}.level`, `must be a framework level (1–${fw.levels.length})`);
    else perLevel[q.level]++;
    const entry = structure.byId.get(q.node);
    if (entry && entry.node.kind !== s.unitKind) add(`${at}.node`, `"${q.node}" is a ${entry.node.kind}; requirements belong to ${s.unitKind} nodes`);
  });
  fw.levels.forEach((l, i) => {
    if (perLevel[l.level] === 0) add(`levels[${i}]`, `level ${l.level} has no requirements`);
  });
}

function checkPoints(fw: Framework, s: PointsScoring, structure: StructureIndex, add: Add) {
  s.baseNodes.forEach((id, i) => {
    if (!structure.byId.has(id)) add(`scoring.baseNodes[${i}]`, `unknown structure node "${id}"`);
  });
  const sceneNodes = new Map<string, number>();
  let baseMax = 0;
  fw.questions.forEach((q, i) => {
    const at = `questions[${i}]`;
    const entry = structure.byId.get(q.node);
    if (q.type === "rating") return add(`${at}.type`, "the points model takes no rating questions");
    if (q.type === "sceneLevel") {
      if (entry && entry.node.kind !== s.sceneKind)
        add(`${at}.node`, `"${q.node}" is a ${entry.node.kind}; scene levels belong to ${s.sceneKind} nodes`);
      if (sceneNodes.has(q.node)) add(`${at}.node`, `scene "${q.node}" already has a level question (questions[${sceneNodes.get(q.node)}])`);
      else sceneNodes.set(q.node, i);
      return;
    }
    if (entry && s.baseNodes.some((id) => isWithin(entry, id))) {
      if ((q.type === "percentage" || q.type === "numeric") && !q.bands && !q.tags?.includes("info"))
        add(`${at}.bands`, "a scored item needs bands (or the tag \"info\" for a question that carries no points)");
      baseMax += maxPoints(q);
    }
  });
  for (const e of structure.ordered)
    if (e.node.kind === s.sceneKind && !sceneNodes.has(e.node.id)) add(`${e.docPath}`, `scene "${e.node.id}" has no sceneLevel question`);
  const seen = new Set<string>();
  s.constrainedScenes.forEach((id, i) => {
    if (seen.has(id)) add(`scoring.constrainedScenes[${i}]`, `"${id}" is listed twice`);
    seen.add(id);
    if (!sceneNodes.has(id)) add(`scoring.constrainedScenes[${i}]`, `"${id}" is not a scene`);
  });
  checkConsecutive(
    s.levelRules.map((r) => r.level),
    "scoring.levelRules",
    "level",
    add,
    fw.levels.length,
  );
  s.levelRules.forEach((r, i) => {
    const at = `scoring.levelRules[${i}]`;
    if (r.minScenes > sceneNodes.size) add(`${at}.minScenes`, `there are only ${sceneNodes.size} scenes`);
    if (r.minConstrained > r.minScenes) add(`${at}.minConstrained`, `cannot exceed minScenes (${r.minScenes})`);
    if (r.minConstrained > s.constrainedScenes.length)
      add(`${at}.minConstrained`, `there are only ${s.constrainedScenes.length} constrained scenes`);
  });
  checkLevelBands(s.baseBands, "scoring.baseBands", fw.levels.length, add);
  if (s.baseMax !== undefined && !sameDecimal(baseMax, s.baseMax))
    add("scoring.baseMax", `the scored questions under the base nodes add up to ${Number(baseMax.toFixed(9))}, not ${s.baseMax}`);
}

function checkReadiness(fw: Framework, s: ReadinessScoring, structure: StructureIndex, add: Add) {
  checkRatingScale(s, add);
  const traits = structure.ordered.filter((e) => e.node.kind === s.traitKind);
  if (traits.length === 0) add("scoring.traitKind", `no structure node has kind "${s.traitKind}"`);
  checkWeights(
    s.traitWeights,
    "scoring.traitWeights",
    traits.map((t) => t.node.id),
    `${s.traitKind} node`,
    add,
  );
  fw.questions.forEach((q, i) => {
    const entry = structure.byId.get(q.node);
    if (q.type === "rating" && entry && !ancestorOfKind(entry, s.traitKind))
      add(`questions[${i}].node`, `a requirement must sit in a ${s.traitKind} node; "${q.node}" does not`);
    if (q.type === "sceneLevel") add(`questions[${i}].type`, "the readiness model takes no scene levels");
  });
  checkConsecutive(
    s.rungs.map((r) => r.level),
    "scoring.rungs",
    "level",
    add,
    fw.levels.length,
  );
  const byId = new Map(fw.questions.map((q) => [q.id, q]));
  const traitIds = new Set(traits.map((t) => t.node.id));
  const checkCondition = (c: Condition, at: string) => {
    if (c.kind === "readinessAtLeast") {
      if (c.trait !== undefined && !traitIds.has(c.trait)) add(`${at}.trait`, `"${c.trait}" is not a ${s.traitKind} node`);
      return;
    }
    const q = byId.get(c.question);
    if (!q) return add(`${at}.question`, `unknown question "${c.question}"`);
    if (c.kind === "numberAtLeast") {
      if (q.type !== "numeric" && q.type !== "percentage") add(`${at}.question`, `"${c.question}" is a ${q.type} question, not a number`);
      c.overrides?.forEach((o, j) => checkOptionRef(byId, o.when.question, o.when.equals, `${at}.overrides[${j}].when`, add));
    } else if (c.kind === "choiceIn") {
      if (q.type !== "single") return add(`${at}.question`, `"${c.question}" must be a single-choice question`);
      c.options.forEach((opt, j) => {
        if (!q.options.some((o) => o.id === opt)) add(`${at}.options[${j}]`, `"${c.question}" has no option "${opt}"`);
      });
    } else if (q.type !== "numeric" && q.type !== "single") {
      add(`${at}.question`, `"${c.question}" must be a numeric or single-choice question giving the CMMM level`);
    }
  };
  s.rungs.forEach((r, i) => r.conditions.forEach((c, j) => checkCondition(c, `scoring.rungs[${i}].conditions[${j}]`)));
  const tierIds = new Set<string>();
  s.tiers?.forEach((t, i) => {
    if (tierIds.has(t.id)) add(`scoring.tiers[${i}].id`, `duplicate tier id "${t.id}"`);
    tierIds.add(t.id);
    t.conditions.forEach((c, j) => checkCondition(c, `scoring.tiers[${i}].conditions[${j}]`));
  });
}

function checkOptionRef(byId: Map<string, Question>, questionId: string, optionId: string, at: string, add: Add) {
  const q = byId.get(questionId);
  if (!q) return add(`${at}.question`, `unknown question "${questionId}"`);
  if (q.type !== "single") return add(`${at}.question`, `"${questionId}" must be a single-choice question`);
  if (!q.options.some((o) => o.id === optionId)) add(`${at}.equals`, `"${questionId}" has no option "${optionId}"`);
}
