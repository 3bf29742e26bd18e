// The telemetry reader on InfluxDB (v1 /query, InfluxQL). Counter increases are summed in the store:
// `non_negative_difference` in a subquery, `sum` per GROUP BY time bucket outside it; drops come from a
// `difference(...) < 0` subquery and are few, so their values are looked up point by point. States are
// reported on change, so their changes are read as they are, with the last sample before the window.
import type { Sample, Window } from "../../assessments/kpi";
import { SIGNAL_KINDS } from "../core/registry";
import type { SignalKind } from "../core/types";
import type { Grid } from "./calendar";
import { assembleCounter, partsFromReadings, risesFromBucketEnds, type BucketEnds, type CounterParts } from "./counter-series";
import {
  column,
  ident,
  InfluxQueryClient,
  influxReaderConfigSchema,
  instant,
  literal,
  type InfluxReaderConfigInput,
  type InfluxSeries,
} from "./influx-query";
import {
  compareSeen,
  checkGrid,
  checkResample,
  checkWindow,
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
import { parseOrThrow } from "../core/config-errors";

const BY_SERIES = `GROUP BY ${ident("machine")}, ${ident("signal")}`;
const VALUE = ident("value");

function byKind<T extends SignalSelector>(signals: readonly T[]): Map<SignalKind, T[]> {
  const groups = new Map<SignalKind, T[]>();
  for (const s of signals) {
    let g = groups.get(s.kind);
    if (!g) groups.set(s.kind, (g = []));
    if (!g.some((x) => x.machine === s.machine && x.signal === s.signal)) g.push(s);
  }
  return groups;
}

/**
 * Each kind's series in two halves, so the heavy statements come in pairs that run as two requests at once
 * (two cores for influxd) instead of one statement over all series.
 */
function inHalves<T extends SignalSelector>(signals: readonly T[]): Array<[SignalKind, T[]]> {
  return [...byKind(signals)].flatMap(([kind, group]): Array<[SignalKind, T[]]> => {
    if (group.length < 2) return [[kind, group]];
    const mid = Math.ceil(group.length / 2);
    return [[kind, group.slice(0, mid)], [kind, group.slice(mid)]];
  });
}

function toNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

export class InfluxTelemetryReader implements TelemetryReader {
  readonly store = "influx";
  private readonly client: InfluxQueryClient;

  /** `config` as in ingest.yaml's influx sink (url, database, retentionPolicy, credentials, timeout). */
  constructor(config: InfluxReaderConfigInput) {
    this.client = new InfluxQueryClient(parseOrThrow(influxReaderConfigSchema, config, ["telemetry", "influx"]));
  }

  private scopeWhere(scope: LineScope): string {
    return `${ident("enterprise")} = ${literal(scope.enterprise)} AND ${ident("line")} = ${literal(scope.line)}`;
  }

  private seriesWhere(scope: LineScope, group: readonly SignalSelector[]): string {
    const one = (s: SignalSelector) => `(${ident("machine")} = ${literal(s.machine)} AND ${ident("signal")} = ${literal(s.signal)})`;
    return `${this.scopeWhere(scope)} AND (${group.map(one).join(" OR ")})`;
  }

  private static range(from: number, to: number): string {
    return `time >= ${instant(from)} AND time < ${instant(to)}`;
  }

  /** Series of an answer, keyed like the reader's maps (kind from the measurement or the group). */
  private static keyOf(series: InfluxSeries, kind: SignalKind): string {
    const machine = series.tags?.machine;
    const signal = series.tags?.signal;
    if (machine === undefined || signal === undefined) throw new TelemetryQueryError(`InfluxDB series ${series.name} came without machine/signal tags`);
    return seriesKey({ kind, machine, signal });
  }

  async states(scope: LineScope, signals: readonly SignalSelector[], window: Window, lookbackMs: number): Promise<Map<string, StateSeries>> {
    checkWindow(window, lookbackMs);
    const out = new Map<string, StateSeries>(signals.map((s) => [seriesKey(s), { before: null, samples: [] }]));
    const groups = [...byKind(signals)];
    const statements = groups.flatMap(([kind, group]) => {
      const where = this.seriesWhere(scope, group);
      const from = this.client.from(kind);
      return [
        // last(quality) picks the last reading of any quality; `value` comes from the same point (null when bad).
        `SELECT last(${ident("quality")}), ${VALUE} FROM ${from} WHERE ${where} AND ${InfluxTelemetryReader.range(window.from - lookbackMs, window.from)} ${BY_SERIES}`,
        `SELECT ${VALUE}, ${ident("quality")} FROM ${from} WHERE ${where} AND ${InfluxTelemetryReader.range(window.from, window.to)} ${BY_SERIES}`,
      ];
    });
    if (statements.length === 0) return out;
    const answers = await this.client.run(statements, "state samples");
    groups.forEach(([kind], g) => {
      for (const series of answers[2 * g]) {
        const entry = out.get(InfluxTelemetryReader.keyOf(series, kind));
        if (!entry) continue;
        const [row] = series.values;
        const value = toNumber(row[column(series, "value")]);
        entry.before = { time: row[0] as number, value, quality: qualityOf(row[column(series, "last")], value !== null) };
      }
      for (const series of answers[2 * g + 1]) {
        const entry = out.get(InfluxTelemetryReader.keyOf(series, kind));
        if (!entry) continue;
        const vi = column(series, "value");
        const qi = column(series, "quality");
        entry.samples = series.values.map((row): Sample => {
          const value = toNumber(row[vi]);
          return { time: row[0] as number, value, quality: qualityOf(row[qi], value !== null) };
        });
      }
    });
    return out;
  }

  async counters(scope: LineScope, signals: readonly CounterSelector[], window: Window, grid: Grid, lookbackMs: number): Promise<Map<string, CounterSeries>> {
    checkWindow(window, lookbackMs);
    checkGrid(grid);
    for (const s of signals) checkResample(s.resampleMs, grid);
    const [exact, resampled] = await Promise.all([
      this.exactCounters(scope, signals.filter((s) => s.resampleMs === undefined), window, grid, lookbackMs),
      this.resampledCounters(scope, signals.filter((s) => s.resampleMs !== undefined), window, grid, lookbackMs),
    ]);
    return new Map(signals.map((s) => [seriesKey(s), (exact.get(seriesKey(s)) ?? resampled.get(seriesKey(s)))!]));
  }

  /**
   * Reading by reading. One subquery pass finds the drops (`difference(value) < 0`, rare); everything else is
   * plain aggregates per bucket — first, last, count — from which the rises follow exactly: the steps
   * counted in a bucket add up to its last reading minus the one before it, and only the drops are not rises.
   * (A second subquery summing `non_negative_difference` cost as much again: InfluxDB 1.x subqueries are the
   * expensive part, ~2 µs a reading here.)
   */
  private async exactCounters(scope: LineScope, signals: readonly CounterSelector[], window: Window, grid: Grid, lookbackMs: number): Promise<Map<string, CounterSeries>> {
    const parts = new Map<string, CounterParts>(
      signals.map((s) => [seriesKey(s), { before: null, first: null, counts: new Map(), rises: new Map(), drops: [] }]),
    );
    const groups = inHalves(signals);
    const inWindow = InfluxTelemetryReader.range(window.from, window.to);
    const byBucket = `GROUP BY time(${grid.everyMs}ms, ${grid.offsetMs}ms), ${ident("machine")}, ${ident("signal")}`;
    const statements = groups.flatMap(([kind, group]) => {
      const where = this.seriesWhere(scope, group);
      const from = this.client.from(kind);
      const step = (fn: string) => `(SELECT ${fn}(${VALUE}) AS ${ident("d")} FROM ${from} WHERE ${where} AND ${inWindow} ${BY_SERIES})`;
      return [
        `SELECT last(${VALUE}) FROM ${from} WHERE ${where} AND ${InfluxTelemetryReader.range(window.from - lookbackMs, window.from)} ${BY_SERIES}`,
        `SELECT first(${VALUE}) FROM ${from} WHERE ${where} AND ${inWindow} ${BY_SERIES}`,
        `SELECT first(${VALUE}), last(${VALUE}), count(${VALUE}) FROM ${from} WHERE ${where} AND ${inWindow} ${byBucket} fill(none)`,
        `SELECT ${ident("d")} FROM ${step("difference")} WHERE ${ident("d")} < 0 AND ${inWindow} ${BY_SERIES}`,
      ];
    });
    if (statements.length === 0) return new Map();
    const answers = await this.client.run(statements, "counter increases");
    const ends = new Map<string, BucketEnds[]>();
    // Each drop's two readings, looked up exactly: the value after it and the one before it.
    const lookups: Array<{ key: string; time: number; statements: [string, string] }> = [];
    groups.forEach(([kind], g) => {
      const [before, first, buckets, drops] = answers.slice(4 * g, 4 * g + 4);
      for (const series of before) {
        const p = parts.get(InfluxTelemetryReader.keyOf(series, kind));
        const value = toNumber(series.values[0][column(series, "last")]);
        if (p && value !== null) p.before = { time: series.values[0][0] as number, value, quality: "good" };
      }
      for (const series of first) {
        const p = parts.get(InfluxTelemetryReader.keyOf(series, kind));
        const value = toNumber(series.values[0][column(series, "first")]);
        if (p && value !== null) p.first = { time: series.values[0][0] as number, value };
      }
      for (const series of buckets) {
        const key = InfluxTelemetryReader.keyOf(series, kind);
        const p = parts.get(key);
        if (!p) continue;
        const [fi, li, ci] = [column(series, "first"), column(series, "last"), column(series, "count")];
        const list: BucketEnds[] = [];
        for (const row of series.values) {
          const n = toNumber(row[ci]) ?? 0;
          const firstValue = toNumber(row[fi]);
          const lastValue = toNumber(row[li]);
          if (n === 0 || firstValue === null || lastValue === null) continue;
          p.counts.set(row[0] as number, n);
          list.push({ start: row[0] as number, first: firstValue, last: lastValue });
        }
        ends.set(key, list);
      }
      for (const series of drops) {
        const key = InfluxTelemetryReader.keyOf(series, kind);
        if (!parts.has(key)) continue;
        const one = `${this.scopeWhere(scope)} AND ${ident("machine")} = ${literal(series.tags!.machine)} AND ${ident("signal")} = ${literal(series.tags!.signal)}`;
        const from = this.client.from(kind);
        for (const row of series.values) {
          const time = row[0] as number;
          lookups.push({
            key,
            time,
            statements: [
              `SELECT ${VALUE} FROM ${from} WHERE ${one} AND time = ${instant(time)}`,
              `SELECT last(${VALUE}) FROM ${from} WHERE ${one} AND ${InfluxTelemetryReader.range(window.from, time)}`,
            ],
          });
        }
      }
    });
    if (lookups.length > 0) {
      const values = await this.client.run(lookups.flatMap((l) => l.statements), "counter drops");
      lookups.forEach((l, i) => {
        const to = values[2 * i][0]?.values[0]?.[1];
        const previous = values[2 * i + 1][0]?.values[0]?.[1];
        const toValue = toNumber(to);
        const fromValue = toNumber(previous);
        if (toValue === null || fromValue === null) throw new TelemetryQueryError(`counter drop at ${l.time}: its readings vanished while reading`);
        parts.get(l.key)!.drops.push({ time: l.time, from: fromValue, to: toValue });
      });
    }
    const out = new Map<string, CounterSeries>();
    for (const s of signals) {
      const p = parts.get(seriesKey(s))!;
      p.rises = risesFromBucketEnds(ends.get(seriesKey(s)) ?? [], p.drops, grid);
      out.set(seriesKey(s), assembleCounter(p, grid, s.rolloverAt));
    }
    return out;
  }

  /** The last reading per resampling bucket, from the store; the steps between them summed here. */
  private async resampledCounters(scope: LineScope, signals: readonly CounterSelector[], window: Window, grid: Grid, lookbackMs: number): Promise<Map<string, CounterSeries>> {
    const byPeriod = new Map<number, CounterSelector[]>();
    for (const s of signals) byPeriod.set(s.resampleMs!, [...(byPeriod.get(s.resampleMs!) ?? []), s]);
    const list = [...byPeriod.values()].flatMap((group) => inHalves(group).map(([, half]) => half));
    const statements = list.flatMap((group) => {
      const { kind, resampleMs } = group[0];
      const where = this.seriesWhere(scope, group);
      const from = this.client.from(kind);
      const offset = grid.offsetMs % resampleMs!;
      return [
        `SELECT last(${VALUE}) FROM ${from} WHERE ${where} AND ${InfluxTelemetryReader.range(window.from - lookbackMs, window.from)} ${BY_SERIES}`,
        `SELECT last(${VALUE}) FROM ${from} WHERE ${where} AND ${InfluxTelemetryReader.range(window.from, window.to)} ` +
          `GROUP BY time(${resampleMs}ms, ${offset}ms), ${ident("machine")}, ${ident("signal")} fill(none)`,
      ];
    });
    const out = new Map<string, CounterSeries>();
    if (statements.length === 0) return out;
    const answers = await this.client.run(statements, "resampled counters");
    list.forEach((group, g) => {
      const kind = group[0].kind;
      const before = new Map<string, Sample>();
      for (const series of answers[2 * g]) {
        const value = toNumber(series.values[0][column(series, "last")]);
        if (value !== null) before.set(InfluxTelemetryReader.keyOf(series, kind), { time: series.values[0][0] as number, value, quality: "good" });
      }
      const readings = new Map<string, Array<{ time: number; value: number }>>();
      for (const series of answers[2 * g + 1]) {
        const li = column(series, "last");
        const list: Array<{ time: number; value: number }> = [];
        for (const row of series.values) {
          const value = toNumber(row[li]);
          // A bucket is timed at its start; the first may begin before the window.
          if (value !== null) list.push({ time: Math.max(row[0] as number, window.from), value });
        }
        readings.set(InfluxTelemetryReader.keyOf(series, kind), list);
      }
      for (const s of group) {
        const key = seriesKey(s);
        out.set(key, assembleCounter(partsFromReadings(before.get(key) ?? null, readings.get(key) ?? [], grid), grid, s.rolloverAt));
      }
    });
    return out;
  }

  async lastSeen(scope: LineScope, window: Window, lookbackMs: number): Promise<SignalSeen[]> {
    checkWindow(window, lookbackMs);
    const from = SIGNAL_KINDS.map((k) => this.client.from(k)).join(", ");
    const [series] = await this.client.run(
      [`SELECT last(${VALUE}) FROM ${from} WHERE ${this.scopeWhere(scope)} AND ${InfluxTelemetryReader.range(window.from - lookbackMs, window.to)} ${BY_SERIES}`],
      "last seen",
    );
    const out: SignalSeen[] = [];
    for (const s of series) {
      const kind = s.name as SignalKind;
      if (!(SIGNAL_KINDS as readonly string[]).includes(kind) || !s.tags) continue;
      out.push({ kind, machine: s.tags.machine, signal: s.tags.signal, lastSeen: s.values[0][0] as number });
    }
    return out.sort(compareSeen);
  }

  async liveBuckets(scope: LineScope, signals: readonly SignalSelector[], window: Window, grid: Grid): Promise<Map<string, number>> {
    checkWindow(window);
    checkGrid(grid);
    const out = new Map<string, number>(signals.map((s) => [seriesKey(s), 0]));
    const groups = inHalves(signals);
    const inWindow = InfluxTelemetryReader.range(window.from, window.to);
    const statements = groups.map(([kind, group]) => {
      const inner =
        `SELECT count(${VALUE}) AS ${ident("c")} FROM ${this.client.from(kind)} WHERE ${this.seriesWhere(scope, group)} AND ${inWindow} ` +
        `GROUP BY time(${grid.everyMs}ms, ${grid.offsetMs}ms), ${ident("machine")}, ${ident("signal")} fill(none)`;
      // A bucket holding only bad readings counts 0 values: not live.
      return `SELECT count(${ident("c")}) FROM (${inner}) WHERE ${ident("c")} > 0 AND ${inWindow} ${BY_SERIES}`;
    });
    if (statements.length === 0) return out;
    const answers = await this.client.run(statements, "live buckets");
    groups.forEach(([kind], g) => {
      for (const series of answers[g]) {
        const key = InfluxTelemetryReader.keyOf(series, kind);
        if (out.has(key)) out.set(key, toNumber(series.values[0][column(series, "count")]) ?? 0);
      }
    });
    return out;
  }

  async close(): Promise<void> {}
}
