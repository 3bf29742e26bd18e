// Generated answers for demo and benchmark data. Levels are never written directly: answers are generated
// (deterministically from a seed) and scored by the engine; a target level is reached by trying answer
// sets until the engine agrees. Rating requirements at or below the target level are answered well and
// those above it poorly; other question types follow one "strength" between 0 and 1.
import { score, type Framework, type Question } from "../../assessments";
import { mulberry32 } from "../../ingest/sources/simulator/prng";
import type { AnswerValue, Answers, AssessmentResult, IndustryType, RatingValue } from "../../assessments/types";

/** The simulator's seeded generator: the same seed always gives the same demo. */
export const prng = mulberry32;

function pickWeighted<T>(rng: () => number, choices: Array<[T, number]>): T {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [v, w] of choices) {
    r -= w;
    if (r < 0) return v;
  }
  return choices[choices.length - 1][0];
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

function ratingFor(rng: () => number, q: Extract<Question, { type: "rating" }>, target: number | null, strength: number): RatingValue {
  if (q.level !== undefined && target !== null) {
    if (q.level <= target) return pickWeighted(rng, [["full", 70], ["most", 25], ["partial", 5]]);
    if (q.level === target + 1) return pickWeighted(rng, [["most", 20], ["partial", 50], ["none", 30]]);
    return pickWeighted(rng, [["most", 5], ["partial", 35], ["none", 60]]);
  }
  const s = clamp01(strength + (rng() - 0.5) * 0.3);
  return s > 0.8 ? "full" : s > 0.6 ? "most" : s > 0.3 ? "partial" : "none";
}

export function answerFor(rng: () => number, q: Question, target: number | null, strength: number): AnswerValue {
  const s = clamp01(strength + (rng() - 0.5) * 0.35);
  switch (q.type) {
    case "rating":
      return { type: "rating", value: ratingFor(rng, q, target, strength) };
    case "single": {
      const ranked = [...q.options].sort((a, b) => (a.points ?? 0) - (b.points ?? 0));
      return { type: "single", value: ranked[Math.round(s * (ranked.length - 1))].id };
    }
    case "multi":
      return { type: "multi", value: q.options.filter(() => rng() < s).map((o) => o.id) };
    case "percentage":
      return { type: "percentage", value: Math.round(s * 1000) / 10 };
    case "numeric": {
      const min = q.min ?? 0;
      const max = q.max ?? min + 100;
      const v = min + s * (max - min);
      return { type: "numeric", value: q.integer ? Math.round(v) : Math.round(v * 10) / 10 };
    }
    case "sceneLevel":
      return { type: "sceneLevel", value: Math.round(s * q.levels.length) as 0 | 1 | 2 | 3 | 4 };
  }
}

export function generateAnswers(fw: Framework, rng: () => number, target: number | null, strength: number, answeredShare = 1): Answers {
  const answers: Answers = {};
  for (const q of fw.questions) {
    if (answeredShare < 1 && rng() > answeredShare) continue;
    answers[q.id] = answerFor(rng, q, target, strength);
  }
  return answers;
}

/**
 * Answers the engine scores at exactly `level` (null = no level), searched over strengths and seeds.
 * Throws when none is found, so demo data never silently misses its distribution.
 */
export function answersAtLevel(fw: Framework, level: number | null, seed: number, industryType: IndustryType = "discrete"): { answers: Answers; result: AssessmentResult } {
  const top = fw.levels.length;
  // Start near the strength that usually gives the level, then widen.
  const centre = level === null ? 0.1 : (level - 0.5) / top;
  const strengths: number[] = [];
  for (let d = 0; d <= 1; d += 0.04) strengths.push(clamp01(centre + d), clamp01(centre - d));
  for (let attempt = 0; attempt < 12; attempt++) {
    for (const strength of strengths) {
      const rng = prng(seed * 7919 + attempt * 104729 + Math.round(strength * 1000));
      const answers = generateAnswers(fw, rng, level === null ? 0 : level, strength);
      const result = score(fw, answers, { industryType });
      if (result.level.value === level) return { answers, result };
    }
  }
  throw new Error(`no generated answers reach level ${level} of ${fw.id}`);
}
