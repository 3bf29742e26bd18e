// KPIs of a line per machine and for the line, over a window and per shift and day of its calendar:
// OEE with A × E × QR (ISO 22400-2), MTBF/MTTR, energy per good unit, 设备联网率, 数据自动采集覆盖 and live
// (real-time) collection — each with its provenance: gaps and time without a known state, counter resets
// and wraps, counts that may be short. The store does the heavy summing (see reader.ts); this module only
// cuts the results into periods and hands them to the pure KPI engine.
import {
  combineOee,
  combineReliability,
  dataCoverage,
  energyPerGoodUnit,
  machineOeeFromCounts,
  networkedRatio,
  partCounts,
  reliability,
  stateTimeline,
  type CounterIncrease,
  type CounterReset,
  type DataCoverage,
  type Gap,
  type MachineOee,
  type NetworkedRatio,
  type OeeFigures,
  type Reliability,
  type Sample,
  type Window,
} from "../../assessments/kpi";
import { gridFor, periodsIn, type Grid, type Period } from "./calendar";
import { expectedSignals, heartbeatOf, stateMappingOf, type LineKpiConfig, type MachineKpiConfig, type SignalRole } from "./config";
import { bucketsIn, checkWindow, seriesKey, type CounterSelector, type CounterSeries, type SignalSelector, type StateSeries, type TelemetryReader } from "./reader";

/** The ISO 22400 ratios of a period with what they come from: planned busy and actual production time (ms), produced and good quantity. */
export type OeeOfPeriod = OeeFigures & Pick<MachineOee, "pbt" | "apt" | "pq" | "gq">;

export interface EnergyOfPeriod {
  /** Meter increase inside the period, in `unit`. */
  consumed: number;
  unit: string;
  /** consumed / good units; null when nothing good was made. */
  perGoodUnit: number | null;
  /** Meter resets (and wraps) inside the period; a resampled meter's are timed to its resampling period. */
  resets: CounterReset[];
  wraps: number;
}

export interface MachinePeriodKpis {
  period: Period;
  oee: OeeOfPeriod;
  /** MTBF = APT / failures begun in the period, MTTR = time in failure states / failures (ms). */
  reliability: Reliability & { failureTime: number };
  energy: EnergyOfPeriod | null;
  provenance: {
    /** Time without a known state (left out of PBT unless the mapping counts it as stopped), ms. */
    unknownTime: number;
    gaps: Gap[];
    resets: Array<CounterReset & { signal: string }>;
    wraps: number;
    /** A part counter had no reading before the window: units made before its first reading are missing. */
    countsIncomplete: boolean;
    /** Usable readings of the part counters inside the period. */
    counterReadings: number;
  };
}

export interface LinePeriodKpis {
  period: Period;
  oee: OeeOfPeriod;
  reliability: Reliability;
  /** Over the machines with an energy meter. */
  energy: { consumed: number; unit: string; perGoodUnit: number | null; machines: number } | null;
  provenance: {
    unknownTime: number;
    machinesWithGaps: string[];
    resets: Array<CounterReset & { signal: string; machine: string }>;
    wraps: number;
    countsIncomplete: string[];
  };
}

export interface MachineKpis {
  machine: string;
  name?: string;
  idealCycleTimeS: number;
  window: MachinePeriodKpis;
  shifts: MachinePeriodKpis[];
  days: MachinePeriodKpis[];
  /** Last usable reading of any of its signals (within the look-back before the window), or null. */
  lastSeen: number | null;
  /** Live collection: buckets of `realtime.bucketMs` with a heartbeat reading, of all buckets in the window. */
  live: { buckets: number; of: number; ratio: number };
  signals: { expected: number; present: number; missing: string[] };
}

export type CoverageRole = Exclude<SignalRole, "other">;

export interface LineKpis {
  enterprise: string;
  line: string;
  /** Which store answered ("influx" or "embedded"). */
  store: string;
  window: Window;
  timeZone: string;
  /** The store buckets per-shift and per-day figures are summed from. */
  grid: Grid;
  machines: MachineKpis[];
  /** The line as a whole: machines' times and quantities summed, then the ratios. */
  lineTotals: { window: LinePeriodKpis; shifts: LinePeriodKpis[]; days: LinePeriodKpis[] };
  /** 设备联网率: registered machines with a usable reading inside the window. */
  networked: NetworkedRatio & { lastSeen: Record<string, number | null> };
  /** 数据自动采集覆盖: expected signals with a usable reading inside the window; byRole: share of machines. */
  coverage: DataCoverage & { byRole: Record<CoverageRole, number | null> };
  /** 实时采集: mean live share of the registered machines. */
  realtime: { ratio: number | null; bucketMs: number };
}

const MS = 1000;

/** Index of the first sample at or after t (samples sorted by time). */
function firstAtOrAfter(samples: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The state series seen from one period: its samples and the sample in force at its start. */
function stateSlice(series: StateSeries, p: Period): { before: Sample | null; samples: Sample[] } {
  const i = firstAtOrAfter(series.samples, p.from);
  const j = firstAtOrAfter(series.samples, p.to);
  return { before: i > 0 ? series.samples[i - 1] : series.before, samples: series.samples.slice(i, j) };
}

/** A counter's increase inside one period, from the store's buckets (each lies inside one period). */
function counterSlice(series: CounterSeries, p: Period, window: Window): CounterIncrease & { wraps: number } {
  let increase = 0;
  let samples = 0;
  for (const b of series.buckets) {
    const effective = Math.max(b.start, window.from);
    if (effective >= p.from && effective < p.to) {
      increase += b.increase;
      samples += b.samples;
    }
  }
  const inside = (t: number) => t >= p.from && t < p.to;
  const wraps = series.wraps.filter((w) => inside(w.time)).length;
  return {
    increase,
    resets: series.resets.filter((r) => inside(r.time)),
    rollovers: wraps,
    wraps,
    unknownStart: series.before === null && series.firstTime !== null && inside(series.firstTime),
    samples,
  };
}

/** The meter's resampling period, when it nests in the grid (else every reading is read). */
function energyResampleMs(m: MachineKpiConfig, grid: Grid): number | undefined {
  const ms = (m.energy?.resolutionS ?? 0) * MS;
  return ms > 0 && grid.everyMs % ms === 0 ? ms : undefined;
}

function counterSelectors(m: MachineKpiConfig, grid: Grid): CounterSelector[] {
  const one = (ref: { signal: string; kind: CounterSelector["kind"]; rolloverAt?: number }, resampleMs?: number): CounterSelector => ({
    machine: m.id,
    signal: ref.signal,
    kind: ref.kind,
    ...(ref.rolloverAt !== undefined ? { rolloverAt: ref.rolloverAt } : {}),
    ...(resampleMs !== undefined ? { resampleMs } : {}),
  });
  const list = m.parts.kind === "goodAndBad" ? [one(m.parts.good), one(m.parts.bad)] : [one(m.parts.total), one(m.parts.bad)];
  if (m.energy) list.push(one(m.energy, energyResampleMs(m, grid)));
  return list;
}

const EMPTY_COUNTER: CounterSeries = { before: null, firstTime: null, samples: 0, buckets: [], resets: [], wraps: [] };

function machinePeriod(
  m: MachineKpiConfig,
  p: Period,
  window: Window,
  states: StateSeries,
  counters: Map<string, CounterSeries>,
): MachinePeriodKpis {
  const mapping = stateMappingOf(m);
  const slice = stateSlice(states, p);
  const timeline = stateTimeline(slice.samples, p, mapping, slice.before, {
    ...(m.state.maxSilenceS !== undefined ? { maxSilenceMs: m.state.maxSilenceS * MS } : {}),
  });
  const counterOf = (ref: { signal: string; kind: CounterSelector["kind"] }) => {
    const series = counters.get(seriesKey({ machine: m.id, signal: ref.signal, kind: ref.kind })) ?? EMPTY_COUNTER;
    return counterSlice(series, p, window);
  };
  const bad = counterOf(m.parts.bad);
  const main = m.parts.kind === "goodAndBad" ? counterOf(m.parts.good) : counterOf(m.parts.total);
  const counts = partCounts(m.parts.kind === "goodAndBad" ? { kind: "goodAndBad", good: main, bad } : { kind: "totalAndBad", total: main, bad });
  const figures = machineOeeFromCounts({
    window: p,
    timeline,
    counts,
    idealCycleMs: m.idealCycleTimeS * MS,
    unknownCountsAsStopped: mapping.unknownCountsAsStopped,
  });
  const signalOf: Record<string, string> =
    m.parts.kind === "goodAndBad" ? { good: m.parts.good.signal, bad: m.parts.bad.signal } : { total: m.parts.total.signal, bad: m.parts.bad.signal };
  let energy: EnergyOfPeriod | null = null;
  if (m.energy) {
    const meter = counterOf(m.energy);
    energy = { consumed: meter.increase, unit: m.energy.unit, perGoodUnit: energyPerGoodUnit(meter.increase, counts.gq), resets: meter.resets, wraps: meter.wraps };
  }
  return {
    period: p,
    oee: {
      availability: figures.availability,
      performance: figures.performance,
      quality: figures.quality,
      oee: figures.oee,
      pbt: figures.pbt,
      apt: figures.apt,
      pq: figures.pq,
      gq: figures.gq,
      notes: figures.notes,
    },
    reliability: { ...reliability(timeline), failureTime: timeline.failureTime },
    energy,
    provenance: {
      unknownTime: figures.unknownTime,
      gaps: figures.gaps,
      resets: figures.resets.map(({ counter, ...r }) => ({ ...r, signal: signalOf[counter] })),
      wraps: figures.rollovers,
      countsIncomplete: figures.countsIncomplete,
      counterReadings: main.samples + bad.samples,
    },
  };
}

/** Line figures of one period from its machines' figures (sums of times and quantities, then the ratios). */
function linePeriod(p: Period, machines: ReadonlyArray<{ config: MachineKpiConfig; kpis: MachinePeriodKpis }>): LinePeriodKpis {
  const combined = combineOee(machines.map((x) => ({ ...x.kpis.oee, idealCycleMs: x.config.idealCycleTimeS * MS })));
  const metered = machines.filter((x) => x.kpis.energy !== null);
  let energy: LinePeriodKpis["energy"] = null;
  if (metered.length > 0) {
    const consumed = metered.reduce((n, x) => n + x.kpis.energy!.consumed, 0);
    const gq = metered.reduce((n, x) => n + x.kpis.oee.gq, 0);
    energy = { consumed, unit: metered[0].kpis.energy!.unit, perGoodUnit: energyPerGoodUnit(consumed, gq), machines: metered.length };
  }
  return {
    period: p,
    oee: { ...combined },
    reliability: combineReliability(
      machines.map((x) => ({ running: x.kpis.oee.apt, failures: x.kpis.reliability.failures, failureTime: x.kpis.reliability.failureTime })),
    ),
    energy,
    provenance: {
      unknownTime: machines.reduce((n, x) => n + x.kpis.provenance.unknownTime, 0),
      machinesWithGaps: machines.filter((x) => x.kpis.provenance.gaps.length > 0).map((x) => x.config.id),
      resets: machines.flatMap((x) => x.kpis.provenance.resets.map((r) => ({ ...r, machine: x.config.id }))),
      wraps: machines.reduce((n, x) => n + x.kpis.provenance.wraps, 0),
      countsIncomplete: machines.filter((x) => x.kpis.provenance.countsIncomplete).map((x) => x.config.id),
    },
  };
}

export interface LineKpiOptions {
  /** Per-shift and per-day figures beside the window's (default true). */
  periods?: boolean;
}

/**
 * The KPIs of one line over [from, to). `config` is a parsed LineKpiConfig (parseLineKpiConfig); the reader
 * is either store's. Every query is pushed down; nothing here reads raw 1 Hz data.
 */
export async function lineKpis(reader: TelemetryReader, config: LineKpiConfig, window: Window, options: LineKpiOptions = {}): Promise<LineKpis> {
  checkWindow(window);
  const scope = { enterprise: config.enterprise, line: config.line };
  const windowPeriod: Period = { kind: "window", id: "window", from: window.from, to: window.to, partial: false };
  const { days, shifts } = options.periods === false ? { days: [], shifts: [] } : periodsIn(config.calendar, window);
  const grid = gridFor([...days, ...shifts], window);
  const lookbackMs = config.lookbackS * MS;
  const bucketMs = config.realtimeBucketS * MS;
  // Live buckets line up with the KPI grid when they nest in it (so a resampled meter's buckets are the same).
  const liveGrid: Grid = { everyMs: bucketMs, offsetMs: grid.everyMs % bucketMs === 0 ? grid.offsetMs % bucketMs : window.from % bucketMs };
  const stateSignals: SignalSelector[] = config.machines.map((m) => ({ machine: m.id, signal: m.state.signal, kind: m.state.kind }));
  const heartbeats = config.machines.map(heartbeatOf);
  // A heartbeat that is the energy meter resampled at the live resolution needs no query of its own: the
  // meter's buckets with a reading are its live buckets.
  const fromMeter = config.machines.map(
    (m, i) => m.energy !== undefined && m.energy.signal === heartbeats[i].signal && m.energy.kind === heartbeats[i].kind && energyResampleMs(m, grid) === bucketMs,
  );
  // Independent queries: on InfluxDB they run as concurrent requests (influxd uses both cores).
  const [states, counters, seen, liveQueried] = await Promise.all([
    reader.states(scope, stateSignals, window, lookbackMs),
    reader.counters(scope, config.machines.flatMap((m) => counterSelectors(m, grid)), window, grid, lookbackMs),
    reader.lastSeen(scope, window, lookbackMs),
    reader.liveBuckets(scope, heartbeats.filter((_, i) => !fromMeter[i]), window, liveGrid),
  ]);
  const live = new Map(liveQueried);
  heartbeats.forEach((h, i) => {
    if (fromMeter[i]) live.set(seriesKey(h), counters.get(seriesKey(h))?.samples ?? 0);
  });

  const bucketsInWindow = bucketsIn(liveGrid, window);
  const present = seen.filter((s) => s.lastSeen >= window.from);
  const presentKeys = new Set(present.map(seriesKey));
  const lastSeenOf = new Map<string, number>();
  for (const s of seen) lastSeenOf.set(s.machine, Math.max(lastSeenOf.get(s.machine) ?? -Infinity, s.lastSeen));

  const perMachine = config.machines.map((m, i) => {
    const series = states.get(seriesKey(stateSignals[i])) ?? { before: null, samples: [] };
    const compute = (p: Period) => machinePeriod(m, p, window, series, counters);
    const expected = expectedSignals(m);
    const missing = expected.filter((s) => !presentKeys.has(seriesKey(s))).map((s) => s.signal);
    const liveBuckets = live.get(seriesKey(heartbeats[i])) ?? 0;
    const kpis: MachineKpis = {
      machine: m.id,
      ...(m.name ? { name: m.name } : {}),
      idealCycleTimeS: m.idealCycleTimeS,
      window: compute(windowPeriod),
      shifts: shifts.map(compute),
      days: days.map(compute),
      lastSeen: lastSeenOf.get(m.id) ?? null,
      live: { buckets: liveBuckets, of: bucketsInWindow, ratio: liveBuckets / bucketsInWindow },
      signals: { expected: expected.length, present: expected.length - missing.length, missing },
    };
    return kpis;
  });

  const lineOf = (pick: (k: MachineKpis) => MachinePeriodKpis, p: Period) =>
    linePeriod(
      p,
      config.machines.map((m, i) => ({ config: m, kpis: pick(perMachine[i]) })),
    );

  const registered = config.machines.map((m) => m.id);
  const networked = networkedRatio(
    registered,
    registered.map((machine) => ({ machine, lastSeen: lastSeenOf.get(machine) ?? null })),
    window,
  );
  const expectedAll = config.machines.flatMap(expectedSignals);
  const coverage = dataCoverage(
    expectedAll.map((s) => ({ machine: s.machine, signal: s.signal })),
    expectedAll.filter((s) => presentKeys.has(seriesKey(s))).map((s) => ({ machine: s.machine, signal: s.signal })),
  );
  const byRole = {} as Record<CoverageRole, number | null>;
  for (const role of ["state", "parts", "bad", "energy"] as const) {
    const machinesWithRole = new Set(expectedAll.filter((s) => s.role === role && presentKeys.has(seriesKey(s))).map((s) => s.machine));
    byRole[role] = registered.length ? machinesWithRole.size / registered.length : null;
  }
  const liveTotal = perMachine.reduce((n, k) => n + k.live.buckets, 0);

  return {
    enterprise: config.enterprise,
    line: config.line,
    store: reader.store,
    window: { from: window.from, to: window.to },
    timeZone: config.calendar.timeZone,
    grid,
    machines: perMachine,
    lineTotals: {
      window: lineOf((k) => k.window, windowPeriod),
      shifts: shifts.map((p, j) => lineOf((k) => k.shifts[j], p)),
      days: days.map((p, j) => lineOf((k) => k.days[j], p)),
    },
    networked: { ...networked, lastSeen: Object.fromEntries(registered.map((m) => [m, lastSeenOf.get(m) ?? null])) },
    coverage: { ...coverage, byRole },
    realtime: { ratio: registered.length ? liveTotal / (registered.length * bucketsInWindow) : null, bucketMs },
  };
}
