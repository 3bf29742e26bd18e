// The telemetry reader on the embedded SQLite store (ingest/sinks/embedded/store.ts). Every query is a range
// of the `sample` primary key (series, time): counter steps come from a LAG window over that range and are
// summed per grid bucket by integer arithmetic on `time`; the last reading before a window is a backward
// index seek; live buckets are counted by hopping from bucket to bucket (one seek per live bucket).
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import type { Sample, Window } from "../../assessments/kpi";
import type { TelemetryStore } from "../sinks/embedded/store";
import type { SignalKind } from "../core/types";
import type { Grid } from "./calendar";
import { bucketStart } from "./calendar";
import { assembleCounter, partsFromReadings } from "./counter-series";
import {
  compareSeen,
  checkGrid,
  checkResample,
  checkWindow,
  QUALITIES,
  qualityOf,
  seriesKey,
  TelemetryQueryError,
  type CounterSelector,
  type CounterSeries,
  type LineScope,
  type SignalSeen,
  type SignalSelector,
  type StateSeries,
  type TelemetryReader,
} from "./reader";

type Row = { time: number; value: number | null; quality: number | null };

const SQL = {
  // The series the ingest service writes for a signal: exactly the four place tags (ADR 004).
  series: "SELECT id FROM series WHERE measurement = ? AND tags = ?",
  lineSeries: "SELECT id, measurement, machine, signal FROM series WHERE enterprise = ? AND line = ?",
  stateBefore:
    "SELECT time, value, quality FROM sample WHERE series = ? AND time >= ? AND time < ? AND quality IS NOT NULL ORDER BY time DESC LIMIT 1",
  stateSamples:
    "SELECT time, value, quality FROM sample WHERE series = ? AND time >= ? AND time < ? AND (vtype IS NOT NULL OR quality IS NOT NULL) ORDER BY time",
  lastValueBefore:
    "SELECT time, value FROM sample WHERE series = ? AND time >= ? AND time < ? AND vtype IS NOT NULL ORDER BY time DESC LIMIT 1",
  firstValue: "SELECT time, value FROM sample WHERE series = ? AND time >= ? AND time < ? AND vtype IS NOT NULL ORDER BY time LIMIT 1",
  // A step counts in the bucket of the reading that shows it; only rises are summed here (drops below).
  buckets: `
    SELECT bucket, count(*) AS samples, sum(CASE WHEN step >= 0 THEN step END) AS rise FROM (
      SELECT time - (((time - :offset) % :every) + :every) % :every AS bucket,
             value - lag(value) OVER (ORDER BY time) AS step
      FROM sample WHERE series = :series AND time >= :from AND time < :to AND vtype IS NOT NULL
    ) GROUP BY bucket ORDER BY bucket`,
  drops: `
    SELECT time, previous AS "from", value AS "to" FROM (
      SELECT time, value, lag(value) OVER (ORDER BY time) AS previous
      FROM sample WHERE series = :series AND time >= :from AND time < :to AND vtype IS NOT NULL
    ) WHERE value < previous ORDER BY time`,
  // Hop from one live bucket to the first reading at or after the next bucket's start. (Numbers are bound as
  // REAL: the bucket index is truncated explicitly.)
  liveBuckets: `
    WITH RECURSIVE hop(t) AS (
      SELECT (SELECT time FROM sample WHERE series = :series AND time >= :from AND time < :to AND vtype IS NOT NULL ORDER BY time LIMIT 1)
      UNION ALL
      SELECT (SELECT time FROM sample WHERE series = :series AND time >= :offset + (CAST((hop.t - :offset) / :every AS INTEGER) + 1) * :every
                AND time < :to AND vtype IS NOT NULL ORDER BY time LIMIT 1)
      FROM hop WHERE hop.t IS NOT NULL
    ) SELECT count(t) FROM hop`,
  lastInBucket: "SELECT value FROM sample WHERE series = ? AND time >= ? AND time < ? AND vtype IS NOT NULL ORDER BY time DESC LIMIT 1",
  anyFrom: "SELECT time FROM sample WHERE series = ? AND time >= ? AND time < ? AND vtype IS NOT NULL ORDER BY time LIMIT 1",
  lastSeen: "SELECT time FROM sample WHERE series = ? AND time >= ? AND time < ? AND vtype IS NOT NULL ORDER BY time DESC LIMIT 1",
};

/** The stored value as a number (booleans are stored 0/1); strings are not readings a KPI can use. */
function numeric(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : typeof v === "bigint" ? Number(v) : null;
}

function sample(r: Row): Sample {
  const value = numeric(r.value);
  return { time: r.time, value, quality: qualityOf(r.quality === null ? null : QUALITIES[r.quality], value !== null) };
}

export class EmbeddedTelemetryReader implements TelemetryReader {
  readonly store = "embedded";
  private readonly db: Database.Database;
  private readonly st: { [K in keyof typeof SQL]: Database.Statement };
  private readonly owned: Database.Database | null;

  /** Reads an open store (the one a sink writes) or opens the file at `path` read-only. */
  constructor(source: TelemetryStore | string) {
    if (typeof source === "string") {
      if (!existsSync(source)) throw new TelemetryQueryError(`telemetry store ${source} does not exist`);
      try {
        this.owned = new Database(source, { readonly: true, fileMustExist: true });
        this.owned.pragma("busy_timeout = 10000");
      } catch (err) {
        throw new TelemetryQueryError(`cannot open the telemetry store ${source}: ${(err as Error).message}`, { cause: err });
      }
    } else this.owned = null;
    this.db = this.owned ?? (source as TelemetryStore).db;
    let tables: unknown[];
    try {
      tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('series', 'sample')").pluck().all();
    } catch (err) {
      this.owned?.close();
      throw new TelemetryQueryError(`cannot read the telemetry store ${this.db.name}: ${(err as Error).message}`, { cause: err });
    }
    if (tables.length !== 2) {
      this.owned?.close();
      throw new TelemetryQueryError(`${this.db.name} is not a telemetry store (no series/sample tables)`);
    }
    this.st = Object.fromEntries(Object.entries(SQL).map(([k, q]) => [k, this.db.prepare(q)])) as EmbeddedTelemetryReader["st"];
  }

  private seriesId(scope: LineScope, s: SignalSelector): number | undefined {
    // The same canonical tag JSON the store writes (keys sorted: enterprise, line, machine, signal).
    const tags = JSON.stringify({ enterprise: scope.enterprise, line: scope.line, machine: s.machine, signal: s.signal });
    return this.st.series.pluck().get(s.kind, tags) as number | undefined;
  }

  async states(scope: LineScope, signals: readonly SignalSelector[], window: Window, lookbackMs: number): Promise<Map<string, StateSeries>> {
    checkWindow(window, lookbackMs);
    const out = new Map<string, StateSeries>();
    for (const s of signals) {
      const id = this.seriesId(scope, s);
      if (id === undefined) {
        out.set(seriesKey(s), { before: null, samples: [] });
        continue;
      }
      const before = this.st.stateBefore.get(id, window.from - lookbackMs, window.from) as Row | undefined;
      const rows = this.st.stateSamples.all(id, window.from, window.to) as Row[];
      out.set(seriesKey(s), { before: before ? sample(before) : null, samples: rows.map(sample) });
    }
    return out;
  }

  async counters(scope: LineScope, signals: readonly CounterSelector[], window: Window, grid: Grid, lookbackMs: number): Promise<Map<string, CounterSeries>> {
    checkWindow(window, lookbackMs);
    checkGrid(grid);
    for (const s of signals) checkResample(s.resampleMs, grid);
    const out = new Map<string, CounterSeries>();
    for (const s of signals) {
      const id = this.seriesId(scope, s);
      if (s.resampleMs !== undefined) {
        out.set(seriesKey(s), this.resampled(id, s, window, grid, lookbackMs));
        continue;
      }
      const range = { series: id ?? -1, from: window.from, to: window.to };
      const before = id === undefined ? undefined : (this.st.lastValueBefore.get(id, window.from - lookbackMs, window.from) as Row | undefined);
      const first = id === undefined ? undefined : (this.st.firstValue.get(id, window.from, window.to) as Row | undefined);
      const rises = new Map<number, number>();
      const counts = new Map<number, number>();
      const drops: Array<{ time: number; from: number; to: number }> = [];
      if (id !== undefined) {
        const rows = this.st.buckets.all({ ...range, offset: grid.offsetMs, every: grid.everyMs }) as Array<{ bucket: number; samples: number; rise: number | null }>;
        for (const r of rows) {
          counts.set(r.bucket, r.samples);
          if (r.rise !== null) rises.set(r.bucket, r.rise);
        }
        for (const d of this.st.drops.all(range) as Array<{ time: number; from: number; to: number }>) drops.push(d);
      }
      const beforeValue = before ? numeric(before.value) : null;
      const firstValue = first ? numeric(first.value) : null;
      out.set(
        seriesKey(s),
        assembleCounter(
          {
            before: before && beforeValue !== null ? { time: before.time, value: beforeValue, quality: "good" } : null,
            first: first && firstValue !== null ? { time: first.time, value: firstValue } : null,
            counts,
            rises,
            drops,
          },
          grid,
          s.rolloverAt,
        ),
      );
    }
    return out;
  }

  /** The last reading of each resampling bucket, one index seek per bucket; the steps summed in JS. */
  private resampled(id: number | undefined, s: CounterSelector, window: Window, grid: Grid, lookbackMs: number): CounterSeries {
    const every = s.resampleMs!;
    const readings: Array<{ time: number; value: number }> = [];
    let before: Sample | null = null;
    if (id !== undefined) {
      const b = this.st.lastValueBefore.get(id, window.from - lookbackMs, window.from) as Row | undefined;
      const value = b ? numeric(b.value) : null;
      if (b && value !== null) before = { time: b.time, value, quality: "good" };
      const resample = { everyMs: every, offsetMs: grid.offsetMs % every };
      for (let start = bucketStart(resample, window.from); start < window.to; start += every) {
        const from = Math.max(start, window.from);
        const end = Math.min(start + every, window.to);
        const value = numeric(this.st.lastInBucket.pluck().get(id, from, end));
        if (value !== null) {
          readings.push({ time: from, value });
          continue;
        }
        // A silent bucket: jump to the next reading in one seek rather than trying every bucket on the way.
        const next = this.st.anyFrom.pluck().get(id, end, window.to) as number | undefined;
        if (next === undefined) break;
        start = bucketStart(resample, next) - every;
      }
    }
    return assembleCounter(partsFromReadings(before, readings, grid), grid, s.rolloverAt);
  }

  async lastSeen(scope: LineScope, window: Window, lookbackMs: number): Promise<SignalSeen[]> {
    checkWindow(window, lookbackMs);
    const latest = new Map<string, SignalSeen>();
    const series = this.st.lineSeries.all(scope.enterprise, scope.line) as Array<{ id: number; measurement: string; machine: string | null; signal: string | null }>;
    for (const s of series) {
      if (s.machine === null || s.signal === null) continue;
      const time = this.st.lastSeen.pluck().get(s.id, window.from - lookbackMs, window.to) as number | undefined;
      if (time === undefined) continue;
      const seen: SignalSeen = { kind: s.measurement as SignalKind, machine: s.machine, signal: s.signal, lastSeen: time };
      const key = seriesKey(seen);
      const known = latest.get(key);
      if (!known || known.lastSeen < time) latest.set(key, seen);
    }
    return [...latest.values()].sort(compareSeen);
  }

  async liveBuckets(scope: LineScope, signals: readonly SignalSelector[], window: Window, grid: Grid): Promise<Map<string, number>> {
    checkWindow(window);
    checkGrid(grid);
    const out = new Map<string, number>();
    for (const s of signals) {
      const id = this.seriesId(scope, s);
      const n =
        id === undefined
          ? 0
          : (this.st.liveBuckets.pluck().get({ series: id, from: window.from, to: window.to, offset: grid.offsetMs, every: grid.everyMs }) as number);
      out.set(seriesKey(s), n);
    }
    return out;
  }

  async close(): Promise<void> {
    this.owned?.close();
  }
}
