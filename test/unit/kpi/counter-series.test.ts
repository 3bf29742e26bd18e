// The step both readers share after their store summed a counter's rises per bucket (or handed back
// resampled readings): classifying drops as resets or wraps and adding the step into the window must give
// what the engine's counterIncrease gives on the same readings, bucket by bucket.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { counterIncrease, usable, type Sample } from "../../../assessments/kpi";
import { bucketStart, type Grid } from "../../../ingest/telemetry/calendar";
import { assembleCounter, partsFromReadings, risesFromBucketEnds, type BucketEnds, type CounterParts } from "../../../ingest/telemetry/counter-series";

/** What a store hands back for a window: the readings around and inside it, summed per bucket. */
function asAStoreWould(samples: Sample[], window: { from: number; to: number }, grid: Grid): CounterParts {
  const good = samples.filter(usable);
  const before = good.filter((s) => s.time < window.from).at(-1) ?? null;
  const inside = good.filter((s) => s.time >= window.from && s.time < window.to);
  return partsFromReadings(before, inside, grid);
}

const reading = fc.record({
  time: fc.integer({ min: 0, max: 999 }),
  value: fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constant(null)),
  quality: fc.constantFrom<Sample["quality"]>("good", "good", "good", "uncertain", "bad", "stale"),
});

describe("assembleCounter", () => {
  it("adds up, per bucket and in total, to the engine's counterIncrease on the raw readings", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(reading, { selector: (r) => r.time, maxLength: 60 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (raw, from, length, every, wraps) => {
          const samples = raw
            .map((r): Sample => ({ ...r, value: r.quality === "bad" || r.quality === "stale" ? null : r.value }))
            .sort((a, b) => a.time - b.time);
          const window = { from, to: from + length };
          const grid = { everyMs: every, offsetMs: from % every };
          const rolloverAt = wraps ? 65_536 : undefined;
          const got = assembleCounter(asAStoreWould(samples, window, grid), grid, rolloverAt);
          const before = samples.filter((s) => s.time < window.from && usable(s)).at(-1) ?? null;
          const inside = samples.filter((s) => s.time >= window.from && s.time < window.to);
          const engine = counterIncrease(inside, window, before, { rolloverAt });
          expect(got.buckets.reduce((n, b) => n + b.increase, 0)).toBe(engine.increase);
          expect(got.resets).toEqual(engine.resets);
          expect(got.wraps.length).toBe(engine.rollovers);
          expect(got.samples).toBe(engine.samples);
          // Each bucket alone: the engine over the bucket's span (clipped to the window) agrees too.
          for (const b of got.buckets) {
            const span = { from: Math.max(b.start, window.from), to: Math.min(b.start + every, window.to) };
            const lead = samples.filter((s) => s.time < span.from && usable(s)).at(-1) ?? null;
            const part = counterIncrease(samples.filter((s) => s.time >= span.from && s.time < span.to), span, lead, { rolloverAt });
            expect(b.increase).toBe(part.increase);
            expect(b.samples).toBe(part.samples);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("finds the same rises from each bucket's first and last readings and the drops (InfluxDB's way) as step by step", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ time: fc.integer({ min: 0, max: 999 }), value: fc.integer({ min: 0, max: 70_000 }) }), { selector: (r) => r.time, maxLength: 60 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 299 }),
        (raw, every, offset) => {
          const readings = [...raw].sort((a, b) => a.time - b.time);
          const grid = { everyMs: every, offsetMs: offset % every };
          const stepwise = partsFromReadings(null, readings, grid);
          const ends: BucketEnds[] = [];
          for (const r of readings) {
            const start = bucketStart(grid, r.time);
            const last = ends.at(-1);
            if (last && last.start === start) last.last = r.value;
            else ends.push({ start, first: r.value, last: r.value });
          }
          const rises = risesFromBucketEnds(ends, stepwise.drops, grid);
          for (const [start, rise] of stepwise.rises) expect(rises.get(start)).toBe(rise);
          for (const [start, rise] of rises) expect(rise).toBe(stepwise.rises.get(start) ?? 0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("reads a drop by more than half the modulus as a wrap, a smaller one as a reset", () => {
    const grid = { everyMs: 100, offsetMs: 0 };
    const parts: CounterParts = {
      before: { time: -1, value: 65_000, quality: "good" },
      first: { time: 10, value: 100 },
      counts: new Map([[0, 3]]),
      rises: new Map([[0, 0]]),
      drops: [{ time: 50, from: 20_000, to: 7 }],
    };
    // 65000 → 100 on a 65536 counter: 536 + 100 = 636 (a wrap); 20000 → 7 (less than half the modulus): a reset, 7 counted.
    expect(assembleCounter(parts, grid, 65_536)).toMatchObject({
      buckets: [{ start: 0, increase: 643, samples: 3 }],
      wraps: [{ time: 10, from: 65_000, to: 100 }],
      resets: [{ time: 50, from: 20_000, to: 7 }],
    });
    // Without a modulus both drops are resets: 100 + 7.
    expect(assembleCounter(parts, grid, undefined).buckets).toEqual([{ start: 0, increase: 107, samples: 3 }]);
  });
});
