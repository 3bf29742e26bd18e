// What an answer is worth under a question's own rules: points of an option set, the band a measured
// value falls in, the best answer a question allows. Shared by the three scoring models and the roadmap.
import { atMost, round9 } from "./decimal";
import type { Band, Question, RatingScale } from "./schema";
import type { AnswerValue, RatingValue } from "./types";

type Of<T extends Question["type"]> = Extract<Question, { type: T }>;

/** Index of the band `value` falls in (lower-exclusive, upper-inclusive), or -1 above the last band. */
export function bandIndex(bands: readonly Band[], value: number): number {
  for (let i = 0; i < bands.length; i++) {
    const upTo = bands[i].upTo;
    if (upTo === null || atMost(value, upTo)) return i;
  }
  return -1;
}

export function bandPoints(bands: readonly Band[], value: number): number {
  const i = bandIndex(bands, value);
  return i < 0 ? 0 : bands[i].points;
}

/** The smallest whole value inside band `i` (the band's upper bound when it is closer): a target a plan can name. */
export function bandTarget(bands: readonly Band[], i: number): number {
  const upTo = bands[i].upTo;
  if (i === 0) return upTo ?? 0;
  const above = bands[i - 1].upTo as number;
  const whole = Math.floor(above) + 1;
  return upTo === null ? whole : Math.min(upTo, whole);
}

/** Index of the band with the most points (the lowest such band, the cheapest to reach). */
export function bestBandIndex(bands: readonly Band[]): number {
  let best = 0;
  for (let i = 1; i < bands.length; i++) if (bands[i].points > bands[best].points) best = i;
  return best;
}

const optionPoints = new WeakMap<Question, Map<string, number>>();

/** Points of each option of a choice question, looked up once per question. */
function pointsByOption(q: Of<"multi"> | Of<"single">): Map<string, number> {
  let m = optionPoints.get(q);
  if (!m) {
    m = new Map(q.options.map((o) => [o.id, o.points ?? 0]));
    optionPoints.set(q, m);
  }
  return m;
}

export function multiPoints(q: Of<"multi">, selected: readonly string[]): number {
  const points = pointsByOption(q);
  let sum = 0;
  for (const id of selected) sum += points.get(id) ?? 0;
  return q.cap === undefined ? round9(sum) : Math.min(q.cap, round9(sum));
}

/** The most points a question can give (0 for questions that carry none: ratings, scene levels, facts). */
export function maxPoints(q: Question): number {
  switch (q.type) {
    case "single":
      return Math.max(...q.options.map((o) => o.points ?? 0));
    case "multi":
      return multiPoints(
        q,
        q.options.map((o) => o.id),
      );
    case "percentage":
    case "numeric":
      return q.bands ? Math.max(...q.bands.map((b) => b.points)) : 0;
    default:
      return 0;
  }
}

/** Points an answer earns (0 for a mismatched or point-less answer). */
export function answerPoints(q: Question, answer: AnswerValue): number {
  switch (q.type) {
    case "single":
      return answer.type === "single" ? (pointsByOption(q).get(answer.value) ?? 0) : 0;
    case "multi":
      return answer.type === "multi" ? multiPoints(q, answer.value) : 0;
    case "percentage":
    case "numeric":
      return q.bands && (answer.type === "percentage" || answer.type === "numeric") ? bandPoints(q.bands, answer.value) : 0;
    default:
      return 0;
  }
}

export function ratingValue(scale: RatingScale, value: Exclude<RatingValue, "na">): number {
  return scale[value];
}

/** Whether two answers to the same question score differently (used to flag evidence mismatches). */
export function scoresDiffer(q: Question, a: AnswerValue, b: AnswerValue): boolean {
  if (a.type !== b.type) return true;
  switch (a.type) {
    case "rating":
    case "single":
    case "sceneLevel":
      return a.value !== (b as typeof a).value;
    case "multi": {
      const other = new Set((b as typeof a).value);
      return a.value.length !== other.size || a.value.some((id) => !other.has(id));
    }
    case "percentage":
    case "numeric": {
      const bands = q.type === "percentage" || q.type === "numeric" ? q.bands : undefined;
      const bv = (b as typeof a).value;
      return bands ? bandIndex(bands, a.value) !== bandIndex(bands, bv) : round9(a.value) !== round9(bv);
    }
  }
}
