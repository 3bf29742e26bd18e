// Properties every framework must have, checked on random answers: answering better never lowers a
// score or a level; a partial result never claims more than any completion of it; all best → top level,
// all worst → no level; scoring is deterministic and survives garbage.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { score, validateAnswers, type AnswerValue, type Answers, type Framework, type Question } from "../../../assessments";
import { loadReal } from "./fixtures";

const frameworks = (["cmmm", "sme-digital-2024", "future-factory"] as const).map((id) => loadReal(id));
const STEPS = ["none", "partial", "most", "full"] as const;

/** A random answer within what the question allows. */
function answerArb(q: Question): fc.Arbitrary<AnswerValue> {
  switch (q.type) {
    case "rating":
      return fc.constantFrom(...(q.allowNa ? [...STEPS, "na" as const] : STEPS)).map((value) => ({ type: "rating", value }));
    case "single":
      return fc.constantFrom(...q.options.map((o) => o.id)).map((value) => ({ type: "single", value }));
    case "multi":
      return fc.subarray(q.options.map((o) => o.id)).map((value) => ({ type: "multi", value }));
    case "percentage":
      return fc.oneof(fc.constantFrom(0, 10, 20, 40, 60, 100), fc.double({ min: 0, max: 100, noNaN: true })).map((value) => ({ type: "percentage", value }));
    case "numeric": {
      const min = q.min ?? 0;
      const max = q.max ?? 10_000;
      const values = q.integer ? fc.integer({ min, max }) : fc.oneof(fc.constantFrom(min, max), fc.double({ min, max, noNaN: true }));
      return values.map((value) => ({ type: "numeric", value }));
    }
    case "sceneLevel":
      return fc.integer({ min: 0, max: q.levels.length }).map((value) => ({ type: "sceneLevel", value: value as 0 | 1 | 2 | 3 | 4 }));
  }
}

/** Answers with some questions left unanswered (about `answeredShare` of them answered). */
function answersArb(fw: Framework, answeredShare = 0.8): fc.Arbitrary<Answers> {
  return fc
    .tuple(...fw.questions.map((q) => fc.option(answerArb(q), { freq: Math.max(1, Math.round(answeredShare / (1 - answeredShare))) })))
    .map((list) => {
      const out: Answers = {};
      list.forEach((a, i) => {
        if (a !== null) out[fw.questions[i].id] = a;
      });
      return out;
    });
}

/**
 * An answer at least as good, under the question's own order: a higher rating step, an option worth more,
 * one more option ticked, a larger number, a higher scene level. Answers without an order (a tailored
 * requirement, a choice without points) stay as they are.
 */
function better(q: Question, a: AnswerValue, step: number): AnswerValue {
  switch (a.type) {
    case "rating": {
      const i = STEPS.indexOf(a.value as (typeof STEPS)[number]);
      return i < 0 ? a : { type: "rating", value: STEPS[Math.min(3, i + 1 + (step % 3))] };
    }
    case "single": {
      if (q.type !== "single" || q.options.every((o) => o.points === undefined)) return a;
      const now = q.options.find((o) => o.id === a.value)?.points ?? 0;
      const up = q.options.filter((o) => (o.points ?? 0) >= now).sort((x, y) => (x.points ?? 0) - (y.points ?? 0));
      return { type: "single", value: up[Math.min(up.length - 1, step % up.length)].id };
    }
    case "multi": {
      if (q.type !== "multi") return a;
      const missing = q.options.map((o) => o.id).filter((id) => !a.value.includes(id));
      if (missing.length === 0) return a;
      const add = missing[step % missing.length];
      return { type: "multi", value: q.options.map((o) => o.id).filter((id) => id === add || a.value.includes(id)) };
    }
    case "percentage":
      return { type: "percentage", value: Math.min(100, a.value + (step % 37)) };
    case "numeric": {
      const max = q.type === "numeric" && q.max !== undefined ? q.max : a.value + 5000;
      return { type: "numeric", value: Math.min(max, a.value + (step % 7) * (q.type === "numeric" && q.integer ? 1 : 0.37)) };
    }
    case "sceneLevel":
      return { type: "sceneLevel", value: Math.min(q.type === "sceneLevel" ? q.levels.length : 4, a.value + 1) as 0 | 1 | 2 | 3 | 4 };
  }
}

const levelOf = (l: number | null) => l ?? 0;

describe.each(frameworks.map((fw) => [fw.id, fw] as const))("%s", (_id, fw) => {
  it("answering one question better never lowers the score or the confirmed level", () => {
    fc.assert(
      fc.property(answersArb(fw, 0.9), fc.nat(fw.questions.length - 1), fc.nat(1000), (answers, qi, step) => {
        const q = fw.questions[qi];
        const a = answers[q.id];
        if (!a) return;
        const improved = { ...answers, [q.id]: better(q, a, step) };
        const before = score(fw, answers);
        const after = score(fw, improved);
        expect(after.total.score).toBeGreaterThanOrEqual(before.total.score);
        expect(levelOf(after.level.value)).toBeGreaterThanOrEqual(levelOf(before.level.value));
        expect(levelOf(after.level.ceiling)).toBeGreaterThanOrEqual(levelOf(before.level.ceiling));
      }),
      { numRuns: 150 },
    );
  });

  it("a partial result never claims more than a completion of it reaches, nor less than its ceiling allows", () => {
    fc.assert(
      fc.property(answersArb(fw, 0.5), answersArb(fw, 0.9999), (partial, filler) => {
        const completed = { ...filler, ...partial };
        const p = score(fw, partial);
        const c = score(fw, completed);
        expect(levelOf(p.level.value)).toBeLessThanOrEqual(levelOf(c.level.value));
        expect(levelOf(c.level.value)).toBeLessThanOrEqual(levelOf(p.level.ceiling));
        for (const g of p.gates) if (!g.undetermined) expect(c.gates.find((x) => x.level === g.level)?.met).toBe(g.met);
      }),
      { numRuns: 100 },
    );
  });

  it("all best → the top level; all worst → no level", () => {
    const best: Answers = {};
    const worst: Answers = {};
    for (const q of fw.questions) {
      let low = fc.sample(answerArb(q), 1)[0];
      let high = low;
      switch (q.type) {
        case "rating":
          low = { type: "rating", value: "none" };
          high = { type: "rating", value: "full" };
          break;
        case "single": {
          const sorted = [...q.options].sort((x, y) => (x.points ?? 0) - (y.points ?? 0));
          // facts without points: the option that qualifies (third-party assessment) or the stricter one
          low = { type: "single", value: q.id === "mountain-island-county" ? "no" : q.id === "cmmm-assessed-by" ? "self" : sorted[0].id };
          high = { type: "single", value: q.id === "mountain-island-county" ? "no" : q.id === "cmmm-assessed-by" ? "third-party" : sorted[sorted.length - 1].id };
          break;
        }
        case "multi":
          low = { type: "multi", value: [] };
          high = { type: "multi", value: q.options.map((o) => o.id) };
          break;
        case "percentage":
          low = { type: "percentage", value: 0 };
          high = { type: "percentage", value: 100 };
          break;
        case "numeric":
          low = { type: "numeric", value: q.min ?? 0 };
          high = { type: "numeric", value: q.max ?? 1e6 };
          break;
        case "sceneLevel":
          low = { type: "sceneLevel", value: 0 };
          high = { type: "sceneLevel", value: q.levels.length as 1 | 2 | 3 | 4 };
          break;
      }
      best[q.id] = high;
      worst[q.id] = low;
    }
    const top = fw.levels.length;
    const b = score(fw, best);
    expect(b.level).toMatchObject({ value: top, ceiling: top });
    expect(b.roadmap).toEqual([]);
    expect(b.completeness.ratio).toBe(1);
    const w = score(fw, worst);
    expect(w.level).toMatchObject({ value: null, ceiling: null });
    expect(w.gates.every((g) => !g.met && !g.undetermined)).toBe(true);
    expect(score(fw, {}).level).toMatchObject({ value: null, ceiling: top });
  });

  it("is deterministic, leaves its inputs alone and ranks the roadmap", () => {
    fc.assert(
      fc.property(answersArb(fw, 0.7), (answers) => {
        const copy = structuredClone(answers);
        const first = score(fw, answers);
        expect(score(fw, answers)).toEqual(first);
        expect(answers).toEqual(copy);
        const r = first.roadmap;
        for (let i = 1; i < r.length; i++) {
          const [a, b] = [r[i - 1], r[i]];
          expect(Number(a.unblocks) > Number(b.unblocks) || (a.unblocks === b.unblocks && a.gain >= b.gain)).toBe(true);
        }
        expect(r.every((a) => a.gain > 0 && a.targetLevel === levelOf(first.level.value) + 1)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("survives garbage: never throws, ignores answers of the wrong shape", () => {
    const ids = fw.questions.map((q) => q.id);
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...ids), fc.string()), fc.anything()), (raw) => {
        const { answers, errors } = validateAnswers(fw, raw);
        for (const e of errors) expect(e.message.zh.length).toBeGreaterThan(0);
        score(fw, answers);
        score(fw, raw as Answers);
      }),
      { numRuns: 100 },
    );
    for (const junk of [null, undefined, 42, "answers", []]) expect(score(fw, junk as unknown as Answers).completeness.answered).toBe(0);
  });
});
