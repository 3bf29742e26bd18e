// What the KPI service asks of a telemetry store, with the aggregation pushed down into the store: the
// readers (InfluxQL on InfluxDB, SQL on the embedded SQLite store) are the only code that speaks a query
// language; the KPI engine (assessments/kpi) gets plain series and sums from them.
//
// The data model (ADR 004): measurement = the signal's kind, tags enterprise/line/machine/signal, fields
// value/quality/status. A bad or stale reading carries no `value` field, so "has a value" is "usable" here —
// the same rule as the engine's `usable()`.
import type { CounterReset, Sample, Window } from "../../assessments/kpi";
import type { SignalKind } from "../core/types";
import { bucketStart, type Grid } from "./calendar";

/** The line whose series are read (the `enterprise` and `line` tags). */
export interface LineScope {
  enterprise: string;
  line: string;
}

/** One series: a machine's signal, in the measurement of its kind. */
export interface SignalSelector {
  machine: string;
  signal: string;
  kind: SignalKind;
}

export interface CounterSelector extends SignalSelector {
  /** The counter's modulus when it wraps (e.g. 65536): a drop by more than half of it is a wrap. */
  rolloverAt?: number;
  /**
   * Read the counter as its last usable reading in each bucket of this length (aligned like the grid, and
   * dividing the grid's bucket) instead of reading by reading: for meters sampled at 1 Hz, where what was
   * used in a shift matters and the second within a minute a meter was replaced does not. Resets and wraps
   * are then found, and timed, to the bucket.
   */
  resampleMs?: number;
}

/** States are reported on change: the changes inside the window and the sample in force at its start. */
export interface StateSeries {
  /** The last sample (of any quality) before the window, within the look-back; null when none. */
  before: Sample | null;
  /** Samples in [from, to), in time order; bad and stale ones with a null value. */
  samples: Sample[];
}

export interface CounterWrap {
  time: number;
  from: number;
  to: number;
}

/**
 * How a cumulative counter rose, summed by the store per grid bucket. A rise counts in the bucket of the
 * sample that shows it; a drop is a reset (the new value is all increase) or, with `rolloverAt`, a wrap.
 */
export interface CounterSeries {
  /** The last usable sample before the window, within the look-back; null when none. */
  before: Sample | null;
  /** Time of the first usable sample inside the window, null when none. */
  firstTime: number | null;
  /** Usable samples inside the window (resampled: buckets with a reading). */
  samples: number;
  /** Increase and usable samples per grid bucket (buckets without samples left out), in time order. */
  buckets: Array<{ start: number; increase: number; samples: number }>;
  resets: CounterReset[];
  wraps: CounterWrap[];
}

/** The last usable sample of one series (any kind) of the line. */
export interface SignalSeen extends SignalSelector {
  lastSeen: number;
}

export interface TelemetryReader {
  /** "influx" or "embedded", for reports. */
  readonly store: string;
  /** State samples of each selected series over the window, plus the sample in force at its start. */
  states(scope: LineScope, signals: readonly SignalSelector[], window: Window, lookbackMs: number): Promise<Map<string, StateSeries>>;
  /** Counter increases of each selected series per grid bucket, with resets and wraps, computed in the store. */
  counters(scope: LineScope, signals: readonly CounterSelector[], window: Window, grid: Grid, lookbackMs: number): Promise<Map<string, CounterSeries>>;
  /** Every series of the line with a usable sample in [from − lookback, to), and when it last had one. */
  lastSeen(scope: LineScope, window: Window, lookbackMs: number): Promise<SignalSeen[]>;
  /**
   * For each selected series, how many buckets of the grid (clipped to the window) hold at least one usable
   * sample: the time the signal was live, at that resolution.
   */
  liveBuckets(scope: LineScope, signals: readonly SignalSelector[], window: Window, grid: Grid): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/** The order both readers list `lastSeen` in: by machine, signal, kind. */
export function compareSeen(a: SignalSelector, b: SignalSelector): number {
  return a.machine < b.machine ? -1 : a.machine > b.machine ? 1 : a.signal < b.signal ? -1 : a.signal > b.signal ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/** The key the readers' maps use for a series. */
export function seriesKey(s: SignalSelector): string {
  return `${s.kind}\u0000${s.machine}\u0000${s.signal}`;
}

/** A store answered something the reader cannot use (an error, a shape it does not know). */
export class TelemetryQueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TelemetryQueryError";
  }
}

export const QUALITIES = ["good", "uncertain", "bad", "stale"] as const;

/** A stored quality as the engine's SampleQuality; an unknown word is not trusted. */
export function qualityOf(stored: unknown, hasValue: boolean): Sample["quality"] {
  if (typeof stored === "string" && (QUALITIES as readonly string[]).includes(stored)) return stored as Sample["quality"];
  // A reading without a quality field (a writer outside the ingest service): usable if it has a value.
  return hasValue ? "good" : "bad";
}

/** Checks the arguments every reader method shares, so both stores refuse the same bad input the same way. */
export function checkWindow(window: Window, lookbackMs = 0): void {
  if (!Number.isSafeInteger(window.from) || !Number.isSafeInteger(window.to))
    throw new RangeError(`window bounds must be whole epoch milliseconds, got ${window.from} … ${window.to}`);
  if (window.to <= window.from) throw new RangeError(`window ends at ${window.to}, not after its start ${window.from}`);
  if (!Number.isSafeInteger(lookbackMs) || lookbackMs < 0) throw new RangeError(`look-back must be whole milliseconds ≥ 0, got ${lookbackMs}`);
}

/** Number of grid buckets that overlap the window. */
export function bucketsIn(grid: Grid, window: Window): number {
  return Math.ceil((window.to - bucketStart(grid, window.from)) / grid.everyMs);
}

/** A resampling period must nest in the grid, so each resampled reading falls in one grid bucket. */
export function checkResample(resampleMs: number | undefined, grid: Grid): void {
  if (resampleMs === undefined) return;
  if (!Number.isSafeInteger(resampleMs) || resampleMs <= 0 || grid.everyMs % resampleMs !== 0)
    throw new RangeError(`resampling period ${resampleMs} ms must be whole milliseconds dividing the grid's ${grid.everyMs} ms`);
}

export function checkGrid(grid: Grid): void {
  if (!Number.isSafeInteger(grid.everyMs) || grid.everyMs <= 0) throw new RangeError(`grid bucket must be whole milliseconds > 0, got ${grid.everyMs}`);
  if (!Number.isSafeInteger(grid.offsetMs) || grid.offsetMs < 0 || grid.offsetMs >= grid.everyMs)
    throw new RangeError(`grid offset must be in [0, ${grid.everyMs}), got ${grid.offsetMs}`);
}
