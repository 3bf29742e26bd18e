// What an enterprise registers about its plant, validated: its telemetry id (the `enterprise` tag, Sparkplug
// group and MQTT topic root), lines (name, shift calendar, the ingest sources feeding them), machines (ideal
// cycle time, state mapping, which signal plays which KPI role) and signals (kind, unit, per-source
// addresses). From a registration come the ingest registry (registry-yaml.server.ts) and each line's
// LineKpiConfig (the KPI service's input). Pure; messages are i18n keys with parameters so forms can show
// them in the page's language.
import { z } from "zod";
import { MAX_TAG_VALUE_BYTES, SIGNAL_KINDS } from "../../ingest/core/registry";
import { nameProblem } from "../../ingest/core/names";
import type { SignalKind } from "../../ingest/core/types";
import { calendarSchema, parseLineKpiConfig, type CalendarInput, type LineKpiConfig, type LineKpiConfigInput } from "../../ingest/telemetry";
import type { MessageKey, Params } from "../i18n/i18n";

/** A problem with one field of a form (or one key of an imported file), in words the page can translate. */
export interface FieldProblem {
  field: string;
  key: MessageKey;
  params?: Params;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export { SIGNAL_KINDS };

/**
 * Telemetry ids of an enterprise, line or machine: they become tag values, a Sparkplug group / edge node /
 * device id and MQTT topic levels, so no `/ + #`, no spaces, and a letter or digit first.
 */
export const PLACE_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Signal ids may be Sparkplug metric paths (`Spindle/Speed`): anything a tag value may be, up to 128 bytes. */
const MAX_SIGNAL_KEY_BYTES = 128;
/** A topic root: plain levels, no wildcards, no `$` system topics, not the Sparkplug namespace. */
const TOPIC_ROOT = /^(?!\$)(?!spBv1\.0(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,5}$/;
/** Names of ingest components (sources), as the ingest itself allows them. */
const SOURCE_NAME = /^[\w.-]{1,64}$/;
/** Source types an address may be given for (the ingest's registry accepts any; these are the ones we have). */
export const ADDRESS_SOURCES = ["opcua", "sparkplug", "mqtt"] as const;

export const STATE_MAPPING_PRESETS = ["opc40001", "running-flag"] as const;
export type StateMappingPreset = (typeof STATE_MAPPING_PRESETS)[number];

/** The ISO 22400 class of each state value per preset (for the KPI service's state mapping). */
export const PRESET_MAPPINGS: Record<StateMappingPreset, NonNullable<LineKpiConfigInput["machines"][number]["state"]["mapping"]>> = {
  // OPC 40001-1 MachineryItemState: 0 NotAvailable (planned), 1 OutOfService (failure), 2 NotExecuting, 3 Executing.
  opc40001: { classes: { "0": "planned", "1": "stopped", "2": "stopped", "3": "running" }, otherwise: "stopped", failureStates: [1] },
  // A run flag: 1 (true) running, 0 stopped; no planned time and no failures can be told apart.
  "running-flag": { classes: { "0": "stopped", "1": "running" }, otherwise: "stopped", failureStates: [] },
};

const ROLES = ["state", "good", "total", "bad", "energy", "heartbeat"] as const;
export type SignalRole = (typeof ROLES)[number];
export { ROLES as SIGNAL_ROLES };

/** Which kinds a signal may have to play a role. */
export const ROLE_KINDS: Record<SignalRole, readonly SignalKind[]> = {
  state: ["state", "counter", "gauge", "flag"],
  good: ["counter", "gauge"],
  total: ["counter", "gauge"],
  bad: ["counter", "gauge"],
  energy: ["gauge", "counter"],
  heartbeat: SIGNAL_KINDS,
};

function keyProblem(value: string, what: "enterprise" | "line" | "machine"): FieldProblem | null {
  if (!PLACE_KEY.test(value)) return { field: "key", key: "tm.err.placeKey", params: { what } };
  return null;
}

function signalKeyProblem(value: string): FieldProblem | null {
  const problem = nameProblem(value, MAX_TAG_VALUE_BYTES, "value");
  if (problem || Buffer.byteLength(value, "utf8") > MAX_SIGNAL_KEY_BYTES || value.trim() !== value) {
    return { field: "key", key: "tm.err.signalKey", params: { max: MAX_SIGNAL_KEY_BYTES } };
  }
  return null;
}

// ---------------------------------------------------------------- the enterprise's telemetry id

export interface EnterpriseInput {
  enterpriseKey: string;
  sparkplugGroup: string;
  topicRoot: string;
}

export function checkEnterprise(raw: { enterpriseKey: string; sparkplugGroup?: string; topicRoot?: string }): Checked<EnterpriseInput> {
  const enterpriseKey = raw.enterpriseKey.trim();
  const sparkplugGroup = (raw.sparkplugGroup ?? "").trim() || enterpriseKey;
  const topicRoot = (raw.topicRoot ?? "").trim().replace(/\/+$/, "") || `factory/${enterpriseKey}`;
  const problems: FieldProblem[] = [];
  const key = keyProblem(enterpriseKey, "enterprise");
  if (key) problems.push({ ...key, field: "enterpriseKey" });
  // The group is a Sparkplug topic level: the same rule as a place key.
  if (!PLACE_KEY.test(sparkplugGroup)) problems.push({ field: "sparkplugGroup", key: "tm.err.placeKey", params: { what: "sparkplug" } });
  if (!TOPIC_ROOT.test(topicRoot)) problems.push({ field: "topicRoot", key: "tm.err.topicRoot" });
  return problems.length ? { ok: false, problems } : { ok: true, value: { enterpriseKey, sparkplugGroup, topicRoot } };
}

// ---------------------------------------------------------------- lines

export interface LineInput {
  lineKey: string;
  name: string;
  calendar: CalendarInput;
  realtimeBucketS: number;
  sources: string[];
}

/**
 * Shifts as written in the form: `day 08:00-20:00, night 20:00-08:00` (id, start, end; `,` `;` or new lines
 * between shifts). Empty: no shifts (days only).
 */
export function parseShifts(text: string): { shifts: Array<{ id: string; start: string; end: string }> } | { error: string } {
  const shifts: Array<{ id: string; start: string; end: string }> = [];
  for (const part of text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9][a-z0-9-]{0,31})\s+(\d{1,2}:\d{2})\s*[-–~]\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!m) return { error: part };
    const pad = (t: string) => t.padStart(5, "0");
    shifts.push({ id: m[1], start: pad(m[2]), end: pad(m[3]) });
  }
  return { shifts };
}

export function shiftsText(calendar: CalendarInput): string {
  return (calendar.shifts ?? []).map((s) => `${s.id} ${s.start}-${s.end}`).join(", ");
}

export function checkLine(raw: { lineKey: string; name: string; shifts: string; timeZone: string; dayStart: string; realtimeBucketS: string; sources: string }): Checked<LineInput> {
  const problems: FieldProblem[] = [];
  const lineKey = raw.lineKey.trim();
  const name = raw.name.trim();
  const key = keyProblem(lineKey, "line");
  if (key) problems.push({ ...key, field: "lineKey" });
  if (name.length < 1 || name.length > 100) problems.push({ field: "name", key: "tm.err.name", params: { max: 100 } });
  let calendar: CalendarInput = { timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [] };
  const shifts = parseShifts(raw.shifts);
  if ("error" in shifts) problems.push({ field: "shifts", key: "tm.err.shift", params: { part: shifts.error.slice(0, 40) } });
  else {
    const parsed = calendarSchema.safeParse({ timeZone: raw.timeZone.trim() || "Asia/Shanghai", dayStart: raw.dayStart.trim() || "00:00", shifts: shifts.shifts });
    if (parsed.success) calendar = { timeZone: parsed.data.timeZone, dayStart: parsed.data.dayStart, shifts: parsed.data.shifts };
    else {
      for (const issue of parsed.error.issues) {
        const top = issue.path[0];
        const field = top === "timeZone" ? "timeZone" : top === "dayStart" ? "dayStart" : "shifts";
        problems.push({ field, key: field === "timeZone" ? "tm.err.timeZone" : field === "dayStart" ? "tm.err.clock" : "tm.err.shiftRule", params: { detail: issue.message } });
      }
    }
  }
  const bucket = raw.realtimeBucketS.trim() === "" ? 60 : Number(raw.realtimeBucketS.trim());
  if (!Number.isInteger(bucket) || bucket < 1 || bucket > 3600) problems.push({ field: "realtimeBucketS", key: "tm.err.bucket" });
  const sources = raw.sources.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  const badSource = sources.find((s) => !SOURCE_NAME.test(s));
  if (badSource !== undefined) problems.push({ field: "sources", key: "tm.err.source", params: { name: badSource.slice(0, 40) } });
  if (sources.length > 20) problems.push({ field: "sources", key: "tm.err.tooMany", params: { max: 20 } });
  return problems.length ? { ok: false, problems } : { ok: true, value: { lineKey, name, calendar, realtimeBucketS: bucket, sources: [...new Set(sources)] } };
}

// ---------------------------------------------------------------- signals

export interface SignalInput {
  signalKey: string;
  kind: SignalKind;
  unit: string | null;
  addresses: Record<string, string[]>;
}

/** Addresses as written in the form: one per line, `source: address` (e.g. `opcua: ns=2;s=Line1.M1.State`). */
export function parseAddresses(text: string): { addresses: Record<string, string[]> } | { error: string } {
  const addresses: Record<string, string[]> = {};
  for (const line of text.split("\n").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z][a-z0-9_-]{0,31})\s*:\s*(\S.*)$/.exec(line);
    if (!m || !(ADDRESS_SOURCES as readonly string[]).includes(m[1]) || m[2].length > 512) return { error: line };
    const list = (addresses[m[1]] ??= []);
    if (!list.includes(m[2].trim())) list.push(m[2].trim());
  }
  return { addresses };
}

export function addressesText(addresses: Record<string, string[]>): string {
  return Object.entries(addresses).flatMap(([source, list]) => list.map((a) => `${source}: ${a}`)).join("\n");
}

export function checkSignal(raw: { signalKey: string; kind: string; unit: string; addresses: string }): Checked<SignalInput> {
  const problems: FieldProblem[] = [];
  const signalKey = raw.signalKey.trim();
  const key = signalKeyProblem(signalKey);
  if (key) problems.push({ ...key, field: "signalKey" });
  const kind = raw.kind as SignalKind;
  if (!(SIGNAL_KINDS as readonly string[]).includes(kind)) problems.push({ field: "kind", key: "tm.err.kind" });
  const unit = raw.unit.trim();
  if (unit.length > 32) problems.push({ field: "unit", key: "tm.err.unit", params: { max: 32 } });
  const parsed = parseAddresses(raw.addresses);
  if ("error" in parsed) problems.push({ field: "addresses", key: "tm.err.address", params: { line: parsed.error.slice(0, 60) } });
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { signalKey, kind, unit: unit || null, addresses: (parsed as { addresses: Record<string, string[]> }).addresses } };
}

// ---------------------------------------------------------------- machines

export type StateMapping = { preset: StateMappingPreset } | { custom: NonNullable<LineKpiConfigInput["machines"][number]["state"]["mapping"]> };

export interface MachineInput {
  machineKey: string;
  name: string;
  idealCycleTimeS: number | null;
  stateMapping: StateMapping;
  roles: Record<SignalRole, string | null>;
}

/** The stored form of a state mapping: a preset name, or the custom mapping as JSON. */
export function stateMappingText(m: StateMapping): string {
  return "preset" in m ? m.preset : JSON.stringify(m.custom);
}

export function readStateMapping(stored: string): StateMapping {
  if ((STATE_MAPPING_PRESETS as readonly string[]).includes(stored)) return { preset: stored as StateMappingPreset };
  try {
    return { custom: JSON.parse(stored) };
  } catch {
    return { preset: "opc40001" };
  }
}

export function mappingOf(m: StateMapping) {
  return "preset" in m ? PRESET_MAPPINGS[m.preset] : m.custom;
}

const customMappingSchema = z.strictObject({
  classes: z.record(z.string().regex(/^-?\d+$/), z.enum(["running", "stopped", "planned"])),
  otherwise: z.enum(["running", "stopped", "planned"]).default("stopped"),
  failureStates: z.array(z.int()).default([]),
  unknownCountsAsStopped: z.boolean().default(false),
});

/**
 * A machine's form. `signals` are the machine's registered signals (for the role checks); a role names one of
 * them whose kind fits. An ideal cycle time may be left empty (the machine is then not in the KPIs yet).
 */
export function checkMachine(
  raw: { machineKey: string; name: string; idealCycleTimeS: string; stateMapping: string; customMapping: string; roles: Partial<Record<SignalRole, string>> },
  signals: ReadonlyArray<{ signalKey: string; kind: string }>,
): Checked<MachineInput> {
  const problems: FieldProblem[] = [];
  const machineKey = raw.machineKey.trim();
  const name = raw.name.trim() || machineKey;
  const key = keyProblem(machineKey, "machine");
  if (key) problems.push({ ...key, field: "machineKey" });
  if (name.length > 100) problems.push({ field: "name", key: "tm.err.name", params: { max: 100 } });
  let idealCycleTimeS: number | null = null;
  const ideal = raw.idealCycleTimeS.trim();
  if (ideal !== "") {
    const n = Number(ideal);
    if (!/^\d+(\.\d+)?$/.test(ideal) || !(n > 0) || n > 86_400) problems.push({ field: "idealCycleTimeS", key: "tm.err.cycleTime" });
    else idealCycleTimeS = n;
  }
  let stateMapping: StateMapping = { preset: "opc40001" };
  if (raw.stateMapping === "custom") {
    let json: unknown;
    try {
      json = JSON.parse(raw.customMapping);
    } catch {
      json = undefined;
    }
    const parsed = customMappingSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({ field: "customMapping", key: "tm.err.mapping", params: { where: issue ? issue.path.join(".") || "(top)" : "(top)", detail: issue?.message ?? "not JSON" } });
    } else stateMapping = { custom: parsed.data };
  } else if ((STATE_MAPPING_PRESETS as readonly string[]).includes(raw.stateMapping)) stateMapping = { preset: raw.stateMapping as StateMappingPreset };
  else problems.push({ field: "stateMapping", key: "tm.err.mappingPreset" });

  const roles = {} as Record<SignalRole, string | null>;
  for (const role of ROLES) {
    const chosen = (raw.roles[role] ?? "").trim();
    roles[role] = chosen || null;
    if (!chosen) continue;
    const signal = signals.find((s) => s.signalKey === chosen);
    if (!signal) problems.push({ field: `role.${role}`, key: "tm.err.roleSignal", params: { signal: chosen.slice(0, 60) } });
    else if (!ROLE_KINDS[role].includes(signal.kind as SignalKind)) {
      problems.push({ field: `role.${role}`, key: "tm.err.roleKind", params: { signal: chosen.slice(0, 60), kinds: ROLE_KINDS[role].join(", ") } });
    }
  }
  if (roles.good && roles.total) problems.push({ field: "role.total", key: "tm.err.goodOrTotal" });
  return problems.length ? { ok: false, problems } : { ok: true, value: { machineKey, name, idealCycleTimeS, stateMapping, roles } };
}

// ---------------------------------------------------------------- a whole line → KPI configuration

export interface RegisteredSignal extends SignalInput {}

export interface RegisteredMachine extends MachineInput {
  signals: RegisteredSignal[];
}

export interface RegisteredLine extends LineInput {
  machines: RegisteredMachine[];
}

/** What a machine still lacks to be in the KPIs: an ideal cycle time, a state signal, part counters. */
export function missingForKpis(m: RegisteredMachine): Array<"idealCycleTime" | "state" | "parts" | "bad"> {
  const missing: Array<"idealCycleTime" | "state" | "parts" | "bad"> = [];
  if (m.idealCycleTimeS === null) missing.push("idealCycleTime");
  if (!m.roles.state) missing.push("state");
  if (!m.roles.good && !m.roles.total) missing.push("parts");
  if (!m.roles.bad) missing.push("bad");
  return missing;
}

/**
 * The KPI service's configuration of a registered line: its machines that are set up for KPIs (the others
 * are listed in `left`), every registered signal of a machine expected (数据自动采集覆盖). Null config when
 * no machine is set up yet; `error` when the KPI schema refuses what the registration holds (e.g. energy
 * meters in different units).
 */
export function lineKpiConfigFor(
  enterpriseKey: string,
  line: RegisteredLine,
): { config: LineKpiConfig | null; left: Array<{ machine: string; missing: ReturnType<typeof missingForKpis> }>; error: string | null } {
  const left: Array<{ machine: string; missing: ReturnType<typeof missingForKpis> }> = [];
  const machines: LineKpiConfigInput["machines"] = [];
  for (const m of line.machines) {
    const missing = missingForKpis(m);
    if (missing.length) {
      left.push({ machine: m.machineKey, missing });
      continue;
    }
    const ref = (key: string) => {
      const s = m.signals.find((x) => x.signalKey === key)!;
      return { signal: s.signalKey, kind: s.kind };
    };
    const energy = m.roles.energy ? m.signals.find((x) => x.signalKey === m.roles.energy) : undefined;
    machines.push({
      id: m.machineKey,
      name: m.name,
      idealCycleTimeS: m.idealCycleTimeS!,
      state: { ...(ref(m.roles.state!) as { signal: string; kind: "state" }), mapping: mappingOf(m.stateMapping) },
      parts: m.roles.good
        ? { kind: "goodAndBad", good: ref(m.roles.good) as { signal: string; kind: "counter" }, bad: ref(m.roles.bad!) as { signal: string; kind: "counter" } }
        : { kind: "totalAndBad", total: ref(m.roles.total!) as { signal: string; kind: "counter" }, bad: ref(m.roles.bad!) as { signal: string; kind: "counter" } },
      ...(energy ? { energy: { signal: energy.signalKey, kind: energy.kind as "gauge" | "counter", unit: energy.unit ?? "kWh" } } : {}),
      ...(m.roles.heartbeat ? { heartbeat: ref(m.roles.heartbeat) } : {}),
      expectedSignals: m.signals.map((s) => ({ signal: s.signalKey, kind: s.kind })),
    });
  }
  if (machines.length === 0) return { config: null, left, error: null };
  try {
    const config = parseLineKpiConfig({
      enterprise: enterpriseKey,
      line: line.lineKey,
      name: line.name,
      calendar: line.calendar,
      realtimeBucketS: line.realtimeBucketS,
      machines,
    });
    return { config, left, error: null };
  } catch (err) {
    return { config: null, left, error: (err as Error).message };
  }
}
