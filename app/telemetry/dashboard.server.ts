// The live line view's figures, from the KPI service over the telemetry reader: OEE with A × P × Q for the
// current shift and today (one KPI computation over the window that holds both), the machines' state
// timeline over that window, OEE per shift over the last 7 days (computed less often: it barely moves),
// the last value of every registered signal, and the ingest's source states. Results are shared between
// viewers of a line for a few seconds, so ten open dashboards cost one computation.
import type { Kysely } from "kysely";
import { stateTimeline, type Window } from "../../assessments/kpi";
import { lineKpis, periodsIn, type LineKpiConfig, type LineKpis, type TelemetryReader } from "../../ingest/telemetry";
import type { LinePeriodKpis, MachinePeriodKpis } from "../../ingest/telemetry/kpi-service";
import { stateMappingOf } from "../../ingest/telemetry/config";
import { seriesKey } from "../../ingest/telemetry/reader";
import type { DB } from "../db/schema";
import type { DashboardSnapshot, LastValue, MachineRow, OeeFigures, PeriodFigures, TimelineRow } from "./dashboard-types";
import { ingestStatus, statesOf } from "./ingest-status.server";
import { getEnterprise, getLine, type StoredLine } from "./lines.server";
import { telemetryReader } from "./reader.server";
import { lineKpiConfigFor } from "./registration.server";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Seconds between live updates of an open dashboard. */
export const REFRESH_S = 10;
const LIVE_CACHE_MS = 5_000;
const TREND_CACHE_MS = 5 * 60_000;
const TREND_DAYS = 7;

function oeeOf(p: { oee: number | null; availability: number | null; performance: number | null; quality: number | null; pbt: number; apt: number; pq: number; gq: number }): OeeFigures {
  return { oee: p.oee, availability: p.availability, performance: p.performance, quality: p.quality, pbt: p.pbt, apt: p.apt, pq: p.pq, gq: p.gq };
}

export function periodFigures(p: LinePeriodKpis): PeriodFigures {
  return {
    ...oeeOf(p.oee),
    id: p.period.id,
    kind: p.period.kind,
    shift: p.period.shift ?? null,
    date: p.period.date ?? null,
    from: p.period.from,
    to: p.period.to,
    partial: p.period.partial,
    provenance: {
      unknownTime: p.provenance.unknownTime,
      machinesWithGaps: p.provenance.machinesWithGaps,
      resets: p.provenance.resets.length,
      wraps: p.provenance.wraps,
      countsIncomplete: p.provenance.countsIncomplete,
      notes: p.oee.notes,
    },
  };
}

/**
 * The live window: from the start of the current shift or of today, whichever is earlier, to now. One KPI
 * computation over it yields both (the service cuts it into the calendar's days and shifts).
 */
export function liveWindow(config: LineKpiConfig, now: number): Window {
  const around = periodsIn(config.calendar, { from: now - 2 * DAY, to: now });
  const holding = (list: Array<{ from: number; to: number }>) => list.find((p) => p.from <= now - 1 && now - 1 < p.to);
  const day = holding(around.days);
  const shift = holding(around.shifts);
  // Unclipped starts: the periods were cut at now − 2 days only, and no day or shift is that long.
  const from = Math.min(day?.from ?? now - DAY, shift?.from ?? Infinity);
  return { from, to: now };
}

function lastOf<T extends { period: { from: number; to: number } }>(list: readonly T[], now: number): T | null {
  for (let i = list.length - 1; i >= 0; i--) if (list[i].period.from <= now - 1 && now - 1 < list[i].period.to + 1) return list[i];
  return null;
}

async function timelineOf(reader: TelemetryReader, config: LineKpiConfig, window: Window): Promise<TimelineRow[]> {
  const signals = config.machines.map((m) => ({ machine: m.id, signal: m.state.signal, kind: m.state.kind }));
  const series = await reader.states({ enterprise: config.enterprise, line: config.line }, signals, window, config.lookbackS * 1000);
  return config.machines.map((m, i) => {
    const s = series.get(seriesKey(signals[i])) ?? { before: null, samples: [] };
    const timeline = stateTimeline(s.samples, window, stateMappingOf(m), s.before, m.state.maxSilenceS !== undefined ? { maxSilenceMs: m.state.maxSilenceS * 1000 } : {});
    return { machine: m.id, intervals: timeline.intervals.map((x) => ({ from: x.from, to: x.to, cls: x.class, state: x.state })) };
  });
}

/** The last reading of every registered signal (within the KPI look-back), through the reader's state query. */
async function lastValuesOf(reader: TelemetryReader, enterpriseKey: string, line: StoredLine, now: number, lookbackMs: number): Promise<LastValue[]> {
  const selectors = line.machines.flatMap((m) => m.signals.filter((s) => s.kind !== "text").map((s) => ({ machine: m.machineKey, signal: s.signalKey, kind: s.kind, unit: s.unit })));
  if (selectors.length === 0) return [];
  // A short window ending now, and the look-back for the reading in force at its start: the latest of either.
  const recent = 10 * 60_000;
  const series = await reader.states({ enterprise: enterpriseKey, line: line.lineKey }, selectors, { from: now - recent, to: now }, lookbackMs);
  return selectors.map((s) => {
    const found = series.get(seriesKey(s));
    const last = found?.samples.length ? found.samples[found.samples.length - 1] : (found?.before ?? null);
    return { machine: s.machine, signal: s.signal, kind: s.kind, unit: s.unit, value: last?.value ?? null, quality: last?.quality ?? null, time: last?.time ?? null };
  });
}

function machineRows(line: StoredLine, kpis: LineKpis | null, left: Array<{ machine: string; missing: string[] }>, shiftId: string | null): MachineRow[] {
  return line.machines.map((m) => {
    const k = kpis?.machines.find((x) => x.machine === m.machineKey);
    const notIn = left.find((x) => x.machine === m.machineKey);
    let current: MachinePeriodKpis | null = null;
    if (k) current = (shiftId ? k.shifts.find((s) => s.period.id === shiftId) : k.days[k.days.length - 1]) ?? k.window;
    return {
      key: m.machineKey,
      name: m.name,
      current: current ? oeeOf(current.oee) : null,
      lastSeen: k?.lastSeen ?? null,
      live: k ? k.live.ratio : null,
      missingSignals: k?.signals.missing ?? [],
      notInKpis: notIn ? notIn.missing : null,
    };
  });
}

const liveCache = new Map<string, { at: number; key: string; value: Promise<DashboardSnapshot> }>();
const trendCache = new Map<string, { at: number; key: string; value: Promise<PeriodFigures[]> }>();

function cached<T>(cache: Map<string, { at: number; key: string; value: Promise<T> }>, id: string, key: string, maxAgeMs: number, now: number, compute: () => Promise<T>): Promise<T> {
  const hit = cache.get(id);
  if (hit && hit.key === key && now - hit.at < maxAgeMs) return hit.value;
  const value = compute();
  cache.set(id, { at: now, key, value });
  // A failed computation is not kept: the next tick tries again.
  value.catch(() => cache.get(id)?.value === value && cache.delete(id));
  return value;
}

async function trendOf(reader: TelemetryReader, config: LineKpiConfig, now: number): Promise<PeriodFigures[]> {
  const from = now - TREND_DAYS * DAY;
  const kpis = await lineKpis(reader, config, { from, to: now });
  const list = config.calendar.shifts.length ? kpis.lineTotals.shifts : kpis.lineTotals.days;
  return list.map(periodFigures);
}

function emptySnapshot(line: StoredLine, now: number, problem: DashboardSnapshot["problem"], sources: DashboardSnapshot["sources"], timeZone: string): DashboardSnapshot {
  return {
    line: { id: line.id, key: line.lineKey, name: line.name, timeZone },
    at: now,
    store: null,
    problem,
    shift: null,
    today: null,
    machines: machineRows(line, null, [], null),
    timeline: { from: now - DAY, to: now, rows: [] },
    trend: [],
    lastValues: [],
    sources,
    refreshS: REFRESH_S,
  };
}

/**
 * The dashboard of one line of the organisation, or null when the organisation has no such line. Problems
 * (no store configured, store unreadable, nothing set up for KPIs) come back inside the snapshot, with the
 * registration and source states still shown.
 */
export async function dashboardSnapshot(db: Kysely<DB>, organizationId: string, lineId: string, now = Date.now()): Promise<DashboardSnapshot | null> {
  const line = await getLine(db, organizationId, lineId);
  if (!line) return null;
  const enterprise = await getEnterprise(db, organizationId);
  const statusPromise = ingestStatus();
  const sources = statesOf(line.sources, statusPromise ? await statusPromise : null);
  const timeZone = (line.calendar.timeZone as string | undefined) ?? "Asia/Shanghai";
  if (!enterprise) return emptySnapshot(line, now, { key: "noEnterprise", detail: "" }, sources, timeZone);
  const { config, left, error } = lineKpiConfigFor(enterprise.enterpriseKey, line);
  if (error) return emptySnapshot(line, now, { key: "kpiConfig", detail: error }, sources, timeZone);
  if (!config) return emptySnapshot(line, now, { key: "noMachines", detail: "" }, sources, timeZone);
  const state = telemetryReader();
  if (!state.reader) return emptySnapshot(line, now, { key: state.problem, detail: state.detail }, sources, timeZone);
  const reader = state.reader;
  // Keyed by the registration's last change: an edited line is recomputed at once.
  const key = `${enterprise.enterpriseKey}|${line.updatedAt}`;
  const tick = Math.floor(now / 1000) * 1000;
  try {
    const snapshot = await cached(liveCache, line.id, key, LIVE_CACHE_MS, now, async () => {
      const window = liveWindow(config, tick);
      const [kpis, timeline, lastValues, trend] = await Promise.all([
        lineKpis(reader, config, window),
        timelineOf(reader, config, window),
        lastValuesOf(reader, enterprise.enterpriseKey, line, tick, config.lookbackS * 1000),
        cached(trendCache, line.id, key, TREND_CACHE_MS, now, () => trendOf(reader, config, tick)),
      ]);
      const shift = lastOf(kpis.lineTotals.shifts, tick);
      const today = lastOf(kpis.lineTotals.days, tick);
      return {
        line: { id: line.id, key: line.lineKey, name: line.name, timeZone: config.calendar.timeZone },
        at: tick,
        store: reader.store,
        problem: null,
        shift: shift ? periodFigures(shift) : null,
        today: today ? periodFigures(today) : null,
        machines: machineRows(line, kpis, left, shift?.period.id ?? null),
        timeline: { from: window.from, to: window.to, rows: timeline },
        trend,
        lastValues,
        sources,
        refreshS: REFRESH_S,
      } satisfies DashboardSnapshot;
    });
    // Source states change faster than the figures: always the latest.
    return { ...snapshot, sources };
  } catch (err) {
    return emptySnapshot(line, now, { key: "readFailed", detail: (err as Error).message }, sources, timeZone);
  }
}
