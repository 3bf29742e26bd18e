import { type Sample, type Window, usable } from "./series";

export interface CounterReset {
  time: number;
  from: number;
  to: number;
}

export interface CounterIncrease {
  /** Units counted inside the window. */
  increase: number;
  resets: CounterReset[];
  rollovers: number;
  /** True when no sample before the window was known: units counted before the first sample are missing. */
  unknownStart: boolean;
  /** Usable samples that contributed. */
  samples: number;
}

export interface CounterOptions {
  /**
   * The counter's modulus when it wraps (e.g. 65536 for a UInt16). A drop by more than half the modulus is
   * read as a wrap; any other drop is a reset to zero.
   */
  rolloverAt?: number;
}

/**
 * What a drop from `from` to `to` between two readings means: a wrap when it is by more than half of
 * `rolloverAt` (the increase is the way round), else a reset to zero (the new value is all increase).
 */
export function counterDrop(from: number, to: number, rolloverAt: number | undefined): { wrapped: boolean; increase: number } {
  if (rolloverAt !== undefined && from - to > rolloverAt / 2) return { wrapped: true, increase: rolloverAt - from + to };
  return { wrapped: false, increase: to };
}

/**
 * How much a cumulative counter rose inside a window. A drop is a reset (the counter restarted from zero, so
 * the new value is all increase) or, with `rolloverAt`, a wrap. Bad or stale samples are skipped, never read
 * as zero. `before` is the last sample before the window.
 */
export function counterIncrease(
  samples: readonly Sample[],
  window: Window,
  before: Sample | null = null,
  options: CounterOptions = {},
): CounterIncrease {
  let previous: number | null = before && usable(before) ? before.value : null;
  let unknownStart = false;
  let increase = 0;
  let rollovers = 0;
  let count = 0;
  const resets: CounterReset[] = [];
  for (const s of samples) {
    if (s.time >= window.to) break;
    if (!usable(s)) continue;
    if (s.time < window.from) {
      previous = s.value;
      continue;
    }
    count++;
    if (previous === null) unknownStart = true;
    else if (s.value >= previous) increase += s.value - previous;
    else {
      const drop = counterDrop(previous, s.value, options.rolloverAt);
      increase += drop.increase;
      if (drop.wrapped) rollovers++;
      else resets.push({ time: s.time, from: previous, to: s.value });
    }
    previous = s.value;
  }
  return { increase, resets, rollovers, unknownStart, samples: count };
}
