// What the KPI service needs to know about a line, as one plain, zod-validated object the web app can store
// (its registration of lines and machines) or the ingest registry can produce: each machine's ideal cycle
// time, which signal carries its state and how states count (ISO 22400), which counters count parts, its
// energy meter, the signals expected from it; and the line's shift calendar.
import { z } from "zod";
import { machineryItemStateMapping, type StateMapping } from "../../assessments/kpi";
import { ConfigError, parseOrThrow, type ConfigIssue, type KeyPath } from "../core/config-errors";
import { MAX_TAG_VALUE_BYTES, SIGNAL_KINDS, type RegistryConfig } from "../core/registry";
import { nameProblem } from "../core/names";
import type { SignalKind } from "../core/types";
import { calendarSchema, type CalendarInput } from "./calendar";
import type { SignalSelector } from "./reader";

const tagValue = z.string().superRefine((s, ctx) => {
  const problem = nameProblem(s, MAX_TAG_VALUE_BYTES, "value");
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A signal of the machine by its registered id; the kind picks the measurement it is stored in. */
const signalRef = (defaultKind: SignalKind, kinds: readonly SignalKind[] = SIGNAL_KINDS) =>
  z.strictObject({
    signal: tagValue,
    kind: z.enum(kinds as [SignalKind, ...SignalKind[]]).default(defaultKind),
  });

const NUMERIC_KINDS = ["state", "counter", "gauge", "flag"] as const satisfies readonly SignalKind[];

const stateClass = z.enum(["running", "stopped", "planned"]);

const stateMappingSchema = z.strictObject({
  /** State value → ISO 22400 class: running (APT), stopped (in PBT, not APT), planned (outside PBT). */
  classes: z.record(z.string().regex(/^-?\d+$/, { error: "state values are integers" }), stateClass),
  otherwise: stateClass.default("stopped"),
  /** States whose beginning is a failure (MTBF/MTTR). */
  failureStates: z.array(z.int()).default([]),
  /** Count time without a known state as unplanned downtime instead of leaving it out of PBT. */
  unknownCountsAsStopped: z.boolean().default(false),
});

const defaultMapping = {
  classes: Object.fromEntries(Object.entries(machineryItemStateMapping.classes).map(([k, v]) => [k, v])),
  otherwise: machineryItemStateMapping.otherwise,
  failureStates: [...machineryItemStateMapping.failureStates],
  unknownCountsAsStopped: false,
};

const counterRef = signalRef("counter", ["counter", "gauge"]).extend({
  /** Modulus of a counter that wraps (e.g. 65536 for a UInt16); without it every drop is a reset. */
  rolloverAt: z.number().positive().optional(),
});

const machineSchema = z.strictObject({
  id: tagValue,
  name: z.string().min(1).optional(),
  /** ISO 22400 PRI: planned run time per unit, seconds. */
  idealCycleTimeS: z.number().positive(),
  state: signalRef("state", NUMERIC_KINDS).extend({
    /** Default: OPC 40001-1 MachineryItemState (0 NotAvailable planned, 1 OutOfService failure, 2 NotExecuting, 3 Executing). */
    mapping: stateMappingSchema.default(defaultMapping),
    /** For a state published periodically: older than this, it is no longer trusted (a gap). */
    maxSilenceS: z.number().positive().optional(),
  }),
  parts: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("goodAndBad"), good: counterRef, bad: counterRef }),
    z.strictObject({ kind: z.literal("totalAndBad"), total: counterRef, bad: counterRef }),
  ]),
  /** A cumulative energy meter (kWh unless `unit` says otherwise). */
  energy: counterRef
    .extend({
      kind: z.enum(["gauge", "counter"]).default("gauge"),
      unit: z.string().min(1).default("kWh"),
      /**
       * Read the meter as its last reading per this many seconds (0: every reading). A 1 Hz meter is 600,000
       * readings a machine-week; per minute it is 10,080, and what a shift used is the same.
       */
      resolutionS: z.int().min(0).max(3600).default(60),
    })
    .optional(),
  /**
   * The signal whose arrivals show the machine is connected live (a 1 Hz gauge, a heartbeat). Default: the
   * state signal — which understates live time when states are reported only on change.
   */
  heartbeat: signalRef("gauge").optional(),
  /** Further signals the machine is expected to deliver (数据自动采集覆盖), beside the ones named above. */
  expectedSignals: z.array(signalRef("gauge")).default([]),
});

export const lineKpiConfigSchema = z
  .strictObject({
    enterprise: tagValue,
    line: tagValue,
    name: z.string().min(1).optional(),
    calendar: calendarSchema.default({ timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [] }),
    /** Resolution of live-time measurement (实时采集): a bucket with a reading counts as live. */
    realtimeBucketS: z.int().min(1).max(86_400).default(60),
    /** How far before a window to look for the state in force and the counters' last value at its start. */
    lookbackS: z.int().min(0).max(366 * 86_400).default(7 * 86_400),
    machines: z.array(machineSchema).min(1, { error: "a line needs at least one machine" }),
  })
  .superRefine((c, ctx) => {
    // Line energy per unit adds the meters up: they must count in one unit.
    const units = new Set(c.machines.flatMap((m) => (m.energy ? [m.energy.unit] : [])));
    if (units.size > 1) ctx.addIssue({ code: "custom", path: ["machines"], message: `energy meters use different units (${[...units].join(", ")}); use one per line` });
    const ids = new Map<string, number>();
    c.machines.forEach((m, i) => {
      if (ids.has(m.id)) ctx.addIssue({ code: "custom", path: ["machines", i, "id"], message: `machine "${m.id}" is listed twice (also machines[${ids.get(m.id)}])` });
      else ids.set(m.id, i);
    });
  });

export type LineKpiConfigInput = z.input<typeof lineKpiConfigSchema>;
export type LineKpiConfig = z.output<typeof lineKpiConfigSchema>;
export type MachineKpiConfig = LineKpiConfig["machines"][number];

/** Parses a line's KPI configuration, throwing a ConfigError that names every wrong key path. */
export function parseLineKpiConfig(input: unknown, prefix: KeyPath = []): LineKpiConfig {
  return parseOrThrow(lineKpiConfigSchema, input, prefix);
}

/** The engine's state mapping of a machine. */
export function stateMappingOf(m: MachineKpiConfig): StateMapping {
  const classes: StateMapping["classes"] = {};
  for (const [k, v] of Object.entries(m.state.mapping.classes)) classes[Number(k)] = v;
  return {
    classes,
    otherwise: m.state.mapping.otherwise,
    failureStates: m.state.mapping.failureStates,
    unknownCountsAsStopped: m.state.mapping.unknownCountsAsStopped,
  };
}

/** What a signal of a machine is for, in data coverage by role. */
export type SignalRole = "state" | "parts" | "bad" | "energy" | "other";

/** Every signal expected from a machine (roles first, then the extra ones), each once. */
export function expectedSignals(m: MachineKpiConfig): Array<SignalSelector & { role: SignalRole }> {
  const out: Array<SignalSelector & { role: SignalRole }> = [];
  const add = (ref: { signal: string; kind: SignalKind }, role: SignalRole) => {
    if (!out.some((s) => s.signal === ref.signal && s.kind === ref.kind)) out.push({ machine: m.id, signal: ref.signal, kind: ref.kind, role });
  };
  add(m.state, "state");
  if (m.parts.kind === "goodAndBad") add(m.parts.good, "parts");
  else add(m.parts.total, "parts");
  add(m.parts.bad, "bad");
  if (m.energy) add(m.energy, "energy");
  if (m.heartbeat) add(m.heartbeat, "other");
  for (const s of m.expectedSignals) add(s, "other");
  return out;
}

export function heartbeatOf(m: MachineKpiConfig): SignalSelector {
  const ref = m.heartbeat ?? m.state;
  return { machine: m.id, signal: ref.signal, kind: ref.kind };
}

/** Signal ids that play each role on every machine of a registry line (a naming convention). */
export interface RegistryRoles {
  state: string;
  good?: string;
  total?: string;
  bad: string;
  energy?: string;
  heartbeat?: string;
}

/**
 * A line's KPI configuration from the ingest registry (ingest.yaml's plant tree): kinds come from the
 * registry, roles from signal ids, ideal cycle times from the caller (the registry does not know them).
 * Every registered signal of a machine is expected. Problems are reported together, by path.
 */
export function lineKpiConfigFromRegistry(
  registry: RegistryConfig,
  options: {
    enterprise: string;
    line: string;
    roles: RegistryRoles;
    /** Seconds per machine id, or one value for all. */
    idealCycleTimeS: number | Record<string, number>;
    calendar?: CalendarInput;
    mapping?: z.input<typeof stateMappingSchema>;
    realtimeBucketS?: number;
    lookbackS?: number;
    /** Registered signals not to expect (e.g. a constant reported once, which a window would call missing). */
    notExpected?: readonly string[];
  },
): LineKpiConfig {
  const issues: ConfigIssue[] = [];
  const enterprise = registry.enterprises.find((e) => e.id === options.enterprise);
  const line = enterprise?.lines.find((l) => l.id === options.line);
  if (!line) throw new ConfigError([{ path: ["enterprises"], message: `no line "${options.line}" of enterprise "${options.enterprise}" in the registry` }]);
  const { roles } = options;
  if ((roles.good === undefined) === (roles.total === undefined))
    issues.push({ path: ["roles"], message: "name either a good-parts or a total-parts counter" });
  const machines = line.machines.map((m, i) => {
    const path = ["machines", i];
    const find = (id: string | undefined, role: string) => {
      if (id === undefined) return undefined;
      const s = m.signals.find((x) => x.id === id);
      if (!s) issues.push({ path: [...path, "signals"], message: `machine "${m.id}" has no signal "${id}" (the ${role})` });
      return s ? { signal: s.id, kind: s.kind } : undefined;
    };
    const ideal = typeof options.idealCycleTimeS === "number" ? options.idealCycleTimeS : options.idealCycleTimeS[m.id];
    if (ideal === undefined) issues.push({ path: [...path, "idealCycleTimeS"], message: `no ideal cycle time given for machine "${m.id}"` });
    const good = find(roles.good, "good-parts counter");
    const total = find(roles.total, "total-parts counter");
    const bad = find(roles.bad, "bad-parts counter");
    return {
      id: m.id,
      ...(m.name ? { name: m.name } : {}),
      idealCycleTimeS: ideal,
      state: { ...find(roles.state, "state"), ...(options.mapping ? { mapping: options.mapping } : {}) },
      parts: good ? { kind: "goodAndBad", good, bad } : { kind: "totalAndBad", total, bad },
      ...(roles.energy ? { energy: find(roles.energy, "energy meter") } : {}),
      ...(roles.heartbeat ? { heartbeat: find(roles.heartbeat, "heartbeat") } : {}),
      expectedSignals: m.signals.filter((s) => !options.notExpected?.includes(s.id)).map((s) => ({ signal: s.id, kind: s.kind })),
    };
  });
  if (issues.length) throw new ConfigError(issues);
  return parseLineKpiConfig({
    enterprise: options.enterprise,
    line: options.line,
    ...(line.name ? { name: line.name } : {}),
    ...(options.calendar ? { calendar: options.calendar } : {}),
    ...(options.realtimeBucketS !== undefined ? { realtimeBucketS: options.realtimeBucketS } : {}),
    ...(options.lookbackS !== undefined ? { lookbackS: options.lookbackS } : {}),
    machines,
  });
}
