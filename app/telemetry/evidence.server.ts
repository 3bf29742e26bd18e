// Measured evidence for an organisation's assessments: the KPIs of every registered line over a stated window
// (default the last 7 days), as the measures the framework's evidence rules read (设备联网率, 数据自动采集
// 覆盖, live collection, OEE, energy per good unit, MTBF), turned into `ScoreContext.measured`. Computed when
// a page shows or a result is scored, and stored with the scored result (result_measurement) so the result
// stays explainable after the machines have moved on.
import type { Kysely } from "kysely";
import { measuredEvidenceFor, type Framework, type KpiMeasures } from "../../assessments";
import { combineOee } from "../../assessments/kpi";
import type { Answers, MeasuredEvidence } from "../../assessments/types";
import { kpiMeasures, lineKpis, type LineKpis, type TelemetryReader } from "../../ingest/telemetry";
import { nowIso } from "../db/ids.server";
import type { DB } from "../db/schema";
import { getEnterprise, listLines, type StoredLine } from "./lines.server";
import { telemetryReader } from "./reader.server";
import { lineKpiConfigFor } from "./registration.server";
import { withTelemetry } from "./schema";

const DEFAULT_WINDOW_MS = 7 * 24 * 3_600_000;
const CACHE_MS = 60_000;

export interface MeasurementSnapshot {
  window: { from: string; to: string };
  computedAt: string;
  store: string;
  lines: Array<{ key: string; name: string; machines: number; inKpis: number }>;
  /** Registered machines not set up for KPIs (no ideal cycle time, state or part counters): counted as not measured. */
  notInKpis: string[];
  measures: KpiMeasures;
  /** The enterprise's OEE over the window with its split (all measured machines together). */
  oee: { oee: number | null; availability: number | null; performance: number | null; quality: number | null } | null;
}

export type MeasuredState =
  | { status: "none" }
  | { status: "unavailable"; problem: string }
  | { status: "measured"; measured: Record<string, MeasuredEvidence>; snapshot: MeasurementSnapshot };

interface Unset {
  line: string;
  machine: string;
  signals: string[];
}

/**
 * Adds registered machines the KPI service could not take (their setup is incomplete) to the measures:
 * they count as registered everywhere, as networked and delivering data when the store has readings of
 * them, and as not measured for the KPIs that need the setup (OEE, energy, MTBF, live collection).
 */
export function includeUnsetMachines(measures: KpiMeasures, kpis: readonly LineKpis[], unset: readonly Unset[], seen: ReadonlySet<string>): KpiMeasures {
  if (unset.length === 0) return measures;
  const inKpis = kpis.reduce((n, l) => n + l.networked.registered, 0);
  const all = inKpis + unset.length;
  const scale = inKpis / all;
  const seenSignals = unset.map((u) => u.signals.filter((s) => seen.has(`${u.line}\u0000${u.machine}\u0000${s}`)).length);
  const reporting = kpis.reduce((n, l) => n + l.networked.reporting, 0) + seenSignals.filter((n) => n > 0).length;
  const expected = kpis.reduce((n, l) => n + l.coverage.expected, 0) + unset.reduce((n, u) => n + u.signals.length, 0);
  const present = kpis.reduce((n, l) => n + l.coverage.present, 0) + seenSignals.reduce((n, k) => n + k, 0);
  const scaled = (m: KpiMeasures[keyof KpiMeasures], valueToo = false) =>
    m && {
      ...m,
      ...(valueToo && m.value !== null ? { value: m.value * scale } : {}),
      coverage: m.coverage === null || m.coverage === undefined ? m.coverage : m.coverage * scale,
      detail: `${m.detail ?? ""}; not set up for KPIs: ${unset.map((u) => u.machine).join(", ")}`,
    };
  const out: KpiMeasures = { ...measures };
  out.networkedRatio = {
    value: reporting / all,
    coverage: reporting / all,
    detail: `${reporting} of ${all} registered machines reported`,
  };
  if (measures.dataCoverage) {
    const parts = Object.fromEntries(Object.entries(measures.dataCoverage.parts ?? {}).map(([k, v]) => [k, v === null ? null : v * scale]));
    out.dataCoverage = { ...scaled(measures.dataCoverage)!, value: expected ? present / expected : null, parts };
  }
  if (measures.realtimeCollection) out.realtimeCollection = scaled(measures.realtimeCollection, true);
  for (const k of ["oee", "energyPerUnit", "mtbf"] as const) if (measures[k]) out[k] = scaled(measures[k]);
  return out;
}

async function measure(reader: TelemetryReader, enterpriseKey: string, lines: readonly StoredLine[], window: { from: number; to: number }): Promise<MeasurementSnapshot> {
  const kpis: LineKpis[] = [];
  const unset: Unset[] = [];
  const seen = new Set<string>();
  const summary: MeasurementSnapshot["lines"] = [];
  const problems: string[] = [];
  for (const line of lines) {
    const { config, left, error } = lineKpiConfigFor(enterpriseKey, line);
    if (error) problems.push(`${line.lineKey}: ${error}`);
    if (config) kpis.push(await lineKpis(reader, config, window, { periods: false }));
    const lineUnset = (error ? line.machines : line.machines.filter((m) => left.some((x) => x.machine === m.machineKey))).map((m) => ({
      line: line.lineKey,
      machine: m.machineKey,
      signals: m.signals.map((s) => s.signalKey),
    }));
    if (lineUnset.length) {
      for (const s of await reader.lastSeen({ enterprise: enterpriseKey, line: line.lineKey }, window, 0)) {
        if (s.lastSeen >= window.from) seen.add(`${line.lineKey}\u0000${s.machine}\u0000${s.signal}`);
      }
      unset.push(...lineUnset);
    }
    summary.push({ key: line.lineKey, name: line.name, machines: line.machines.length, inKpis: config ? config.machines.length : 0 });
  }
  // Nothing set up for KPIs at all: only what registration alone can say (the networked ratio).
  const measures = includeUnsetMachines(kpis.length ? kpiMeasures(kpis) : {}, kpis, unset, seen);
  // The enterprise's OEE with its A × P × Q: the same combination of machines as the OEE measure.
  const machines = kpis.flatMap((l) => l.machines);
  const combined = machines.length ? combineOee(machines.map((m) => ({ ...m.window.oee, idealCycleMs: m.idealCycleTimeS * 1000 }))) : null;
  const oee: MeasurementSnapshot["oee"] = combined
    ? { oee: combined.oee, availability: combined.availability, performance: combined.performance, quality: combined.quality }
    : null;
  return {
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
    computedAt: nowIso(),
    store: reader.store,
    lines: summary,
    notInKpis: [...unset.map((u) => `${u.line}/${u.machine}`), ...problems],
    measures,
    oee,
  };
}

const cache = new Map<string, { at: number; key: string; value: Promise<MeasurementSnapshot> }>();

/**
 * Measured evidence for `framework` from the organisation's lines over the `windowMs` before `now` (the end
 * rounded down to the minute, so pages shown within a minute agree). `none` when it has no registered line;
 * `unavailable` (with the reason) when the telemetry cannot be read — then nothing is claimed as measured.
 */
export async function measuredEvidence(
  db: Kysely<DB>,
  organizationId: string,
  framework: Framework,
  claimed: Answers,
  options: { now?: number; windowMs?: number } = {},
): Promise<MeasuredState> {
  const lines = await listLines(db, organizationId);
  if (lines.length === 0) return { status: "none" };
  const enterprise = await getEnterprise(db, organizationId);
  if (!enterprise) return { status: "unavailable", problem: "the organisation has no telemetry id" };
  const state = telemetryReader();
  if (!state.reader) return { status: "unavailable", problem: state.detail };
  const reader = state.reader;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const to = Math.floor((options.now ?? Date.now()) / 60_000) * 60_000;
  const window = { from: to - windowMs, to };
  const key = `${enterprise.enterpriseKey}|${window.from}|${window.to}|${lines.map((l) => `${l.id}@${l.updatedAt}`).join(",")}`;
  let hit = cache.get(organizationId);
  if (!hit || hit.key !== key || Date.now() - hit.at > CACHE_MS) {
    hit = { at: Date.now(), key, value: measure(reader, enterprise.enterpriseKey, lines, window) };
    cache.set(organizationId, hit);
  }
  let snapshot: MeasurementSnapshot;
  try {
    snapshot = await hit.value;
  } catch (err) {
    if (cache.get(organizationId) === hit) cache.delete(organizationId);
    return { status: "unavailable", problem: (err as Error).message };
  }
  return { status: "measured", measured: measuredEvidenceFor(framework, snapshot.measures, window, claimed), snapshot };
}

/** Stores what was measured beside a scored result (same transaction as the result). */
export async function saveMeasurement(db: Kysely<DB>, resultId: string, organizationId: string, snapshot: MeasurementSnapshot): Promise<void> {
  await withTelemetry(db)
    .insertInto("resultMeasurement")
    .values({ resultId, organizationId, windowFrom: snapshot.window.from, windowTo: snapshot.window.to, computedAt: snapshot.computedAt, snapshotJson: JSON.stringify(snapshot) })
    .execute();
}

/** What was measured for a stored result, or null (scored without telemetry). */
export async function getMeasurement(db: Kysely<DB>, resultId: string): Promise<MeasurementSnapshot | null> {
  const row = await withTelemetry(db).selectFrom("resultMeasurement").select("snapshotJson").where("resultId", "=", resultId).executeTakeFirst();
  return row ? (JSON.parse(row.snapshotJson) as MeasurementSnapshot) : null;
}
