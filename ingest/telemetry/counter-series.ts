// The part of a counter's increase both readers finish the same way after their store summed the rises:
// drops (rare) are classified as resets or wraps by the engine's own rule (`counterDrop`), and the step
// from the last sample before the window to the first one inside it is added. Keeping this in one place is
// what makes both stores give the same numbers.
import { counterDrop, type CounterReset, type Sample } from "../../assessments/kpi";
import { bucketStart, type Grid } from "./calendar";
import type { CounterSeries, CounterWrap } from "./reader";

export interface CounterParts {
  before: Sample | null;
  first: { time: number; value: number } | null;
  /** Usable samples inside the window per bucket start (buckets without samples left out). */
  counts: Map<number, number>;
  /** Σ of non-negative steps between consecutive usable samples inside the window, per bucket start. */
  rises: Map<number, number>;
  /** Consecutive usable samples inside the window where the value went down. */
  drops: Array<{ time: number; from: number; to: number }>;
}

/**
 * A counter's parts from readings in time order — resampled readings a store handed back (one per bucket,
 * timed at the bucket's start, the first one no earlier than the window) — summed here as a store would.
 */
export function partsFromReadings(before: Sample | null, readings: ReadonlyArray<{ time: number; value: number }>, grid: Grid): CounterParts {
  const counts = new Map<number, number>();
  const rises = new Map<number, number>();
  const drops: CounterParts["drops"] = [];
  readings.forEach((r, i) => {
    const b = bucketStart(grid, r.time);
    counts.set(b, (counts.get(b) ?? 0) + 1);
    if (i === 0) return;
    const previous = readings[i - 1].value;
    if (r.value >= previous) rises.set(b, (rises.get(b) ?? 0) + (r.value - previous));
    else drops.push({ time: r.time, from: previous, to: r.value });
  });
  return { before, first: readings[0] ? { time: readings[0].time, value: readings[0].value } : null, counts, rises, drops };
}

/** The first and last usable reading of a counter in one grid bucket (buckets in time order). */
export interface BucketEnds {
  start: number;
  first: number;
  last: number;
}

/**
 * Rises per bucket from its first and last readings and the drops: the steps counted in a bucket (from the
 * previous bucket's last reading, or its own first for the first bucket, to its last) add up to the
 * difference of those readings; the rises are that sum minus the drops (each `to − from`, negative).
 */
export function risesFromBucketEnds(ends: readonly BucketEnds[], drops: CounterParts["drops"], grid: Grid): Map<number, number> {
  const dropped = new Map<number, number>();
  for (const d of drops) {
    const b = bucketStart(grid, d.time);
    dropped.set(b, (dropped.get(b) ?? 0) + (d.to - d.from));
  }
  const rises = new Map<number, number>();
  ends.forEach((e, i) => {
    const from = i === 0 ? e.first : ends[i - 1].last;
    rises.set(e.start, e.last - from - (dropped.get(e.start) ?? 0));
  });
  return rises;
}

export function assembleCounter(parts: CounterParts, grid: Grid, rolloverAt: number | undefined): CounterSeries {
  const buckets = new Map<number, { increase: number; samples: number }>();
  for (const [start, samples] of parts.counts) buckets.set(start, { increase: parts.rises.get(start) ?? 0, samples });
  for (const [start, increase] of parts.rises) if (!buckets.has(start)) buckets.set(start, { increase, samples: 0 });
  const add = (time: number, amount: number) => {
    const b = bucketStart(grid, time);
    const bucket = buckets.get(b);
    if (bucket) bucket.increase += amount;
    else buckets.set(b, { increase: amount, samples: 0 });
  };
  const resets: CounterReset[] = [];
  const wraps: CounterWrap[] = [];
  const step = (time: number, from: number, to: number) => {
    if (to >= from) return add(time, to - from);
    const drop = counterDrop(from, to, rolloverAt);
    add(time, drop.increase);
    (drop.wrapped ? wraps : resets).push({ time, from, to });
  };
  const before = parts.before && parts.before.value !== null ? parts.before.value : null;
  if (before !== null && parts.first) step(parts.first.time, before, parts.first.value);
  for (const d of parts.drops) step(d.time, d.from, d.to);
  resets.sort((a, b) => a.time - b.time);
  wraps.sort((a, b) => a.time - b.time);
  return {
    before: parts.before,
    firstTime: parts.first?.time ?? null,
    samples: [...parts.counts.values()].reduce((a, b) => a + b, 0),
    buckets: [...buckets].sort((a, b) => a[0] - b[0]).map(([start, b]) => ({ start, increase: b.increase, samples: b.samples })),
    resets,
    wraps,
  };
}
