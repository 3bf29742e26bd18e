// score(framework, answers, context) → AssessmentResult: pure and deterministic. Answers are expected
// from validateAnswers; an answer whose shape does not fit its question is treated as unanswered rather
// than trusted, so a stale stored answer can never inflate a level.
import { compile } from "./compile";
import { applyEvidence } from "./evidence";
import type { ModelInput, ModelOutput } from "./models/common";
import { scoreMaturity } from "./models/maturity";
import { scorePoints } from "./models/points";
import { scoreReadiness } from "./models/readiness";
import type { Framework, Question } from "./schema";
import type { AnswerValue, Answers, AssessmentResult, ScoreContext } from "./types";

const RATINGS = new Set(["full", "most", "partial", "none", "na"]);

function fits(q: Question, a: unknown): a is AnswerValue {
  if (a === null || typeof a !== "object" || (a as AnswerValue).type !== q.type) return false;
  const v = (a as { value: unknown }).value;
  switch (q.type) {
    case "rating":
      return typeof v === "string" && RATINGS.has(v) && (v !== "na" || q.allowNa === true);
    case "single":
      return typeof v === "string";
    case "multi":
      return Array.isArray(v);
    case "percentage":
      return typeof v === "number" && v >= 0 && v <= 100;
    case "numeric":
      return typeof v === "number" && Number.isFinite(v);
    case "sceneLevel":
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= q.levels.length;
  }
}

export function score(fw: Framework, answers: Answers, context: ScoreContext = {}): AssessmentResult {
  const c = compile(fw);
  const given: Answers = answers !== null && typeof answers === "object" ? answers : {};
  const claimed = fw.questions.map((q) => {
    const a = Object.prototype.hasOwnProperty.call(given, q.id) ? given[q.id] : undefined;
    return fits(q, a) ? a : undefined;
  });
  const { effective, evidence } = applyEvidence(c, claimed, context.measured);
  let unansweredCount = 0;
  for (const a of effective) if (a === undefined) unansweredCount++;
  const input: ModelInput = { c, answers: effective, unansweredCount, context };
  let out: ModelOutput;
  switch (fw.scoring.model) {
    case "maturity":
      out = scoreMaturity(input);
      break;
    case "points":
      out = scorePoints(input);
      break;
    case "readiness":
      out = scoreReadiness(input);
      break;
  }
  const total = fw.questions.length;
  return {
    frameworkId: fw.id,
    frameworkVersion: fw.version,
    model: fw.scoring.model,
    industryType: out.industryType,
    completeness: { answered: total - unansweredCount, total, ratio: (total - unansweredCount) / total },
    total: out.total,
    level: out.level,
    nodes: out.nodes,
    gates: out.gates,
    why: out.why,
    roadmap: out.roadmap,
    evidence,
    extras: out.extras,
  };
}
