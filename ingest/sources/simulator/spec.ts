// What a simulated line is made of: its machines and how each behaves. Validated with zod because the
// spec comes from ingest.yaml (the simulator source's config) as well as from code and tests.
import { z } from "zod";
import { parseOrThrow } from "../../core/config-errors";

/**
 * OPC 40001-1 (OPC UA for Machinery) MachineryItemState_StateMachineType, by the StateNumber each state
 * carries in the published nodeset (Opc.Ua.Machinery.NodeSet2.xml): the integer the simulator publishes.
 */
export const MachineryItemState = {
  /** Switched off or in energy-saving mode: the simulator uses it for planned non-production time. */
  NotAvailable: 0,
  /** Not functional (breakdown, error, blocked): unplanned downtime. */
  OutOfService: 1,
  /** Available and functional, waiting for something from outside (material, operator): a stop. */
  NotExecuting: 2,
  /** Available, functional and producing. */
  Executing: 3,
} as const;
export type StateName = keyof typeof MachineryItemState;
export type StateNumber = (typeof MachineryItemState)[StateName];
export const stateNames = Object.keys(MachineryItemState) as StateName[];

const identifier = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "letters, digits, '_' or '-', starting with a letter, at most 64");
const wholeMs = (what: string) =>
  z
    .number()
    .positive()
    .refine((s) => Math.abs(s * 1000 - Math.round(s * 1000)) < 1e-6, `${what} must be a whole number of milliseconds`);
const stateName = z.enum(stateNames as [StateName, ...StateName[]]);

const scheduledBehaviour = z
  .object({
    kind: z.literal("schedule"),
    /** Repeats from the line's epoch: a fixed, seed-independent timetable (tests compute it by hand). */
    cycle: z.array(z.object({ state: stateName, durationS: z.number().int().positive() }).strict()).min(1),
  })
  .strict();

const plannedStop = z
  .object({
    /** A NotAvailable window of `durationS` every `periodS`, starting `offsetS` after the epoch (breaks, nights). */
    periodS: z.number().int().positive(),
    offsetS: z.number().int().min(0),
    durationS: z.number().int().positive(),
  })
  .strict()
  .refine((s) => s.durationS < s.periodS, { message: "durationS must be shorter than periodS", path: ["durationS"] })
  .refine((s) => s.offsetS < s.periodS, { message: "offsetS must be shorter than periodS", path: ["offsetS"] });

const randomBehaviour = z
  .object({
    kind: z.literal("random"),
    /** Mean executing time between breakdowns (OutOfService), in seconds. */
    mtbfS: z.number().positive(),
    /** Mean breakdown duration, seconds. */
    mttrS: z.number().positive(),
    /** Mean executing time between short waits (NotExecuting: starved or blocked), seconds. */
    meanRunBetweenWaitsS: z.number().positive(),
    meanWaitS: z.number().positive(),
    plannedStops: z.array(plannedStop).default([]),
  })
  .strict();

const partQuality = z.union([
  /** Every n-th part since the epoch is bad (0: none). Seed-independent. */
  z.object({ badEvery: z.number().int().min(0) }).strict(),
  /** Each part is bad with this probability, drawn from the seed. */
  z.object({ scrapRate: z.number().min(0).max(1) }).strict(),
]);

export const machineSpecSchema = z
  .object({
    id: identifier,
    /** ISO 22400 PRI: planned run time per unit, seconds. */
    idealCycleTimeS: z.number().positive(),
    /** Executing time the machine actually needs per part, seconds (≥ ideal means a performance loss). */
    cycleTimeS: wholeMs("cycleTimeS"),
    behaviour: z.discriminatedUnion("kind", [scheduledBehaviour, randomBehaviour]),
    quality: partQuality,
    spindleSpeedRpm: z.number().min(0),
    /** Uniform ripple ± this many rpm while executing (rounded to whole rpm). */
    spindleNoiseRpm: z.number().min(0).default(0),
    temperature: z
      .object({
        /** Target while NotAvailable or OutOfService, °C. */
        ambientC: z.number(),
        /** Target while NotExecuting. */
        idleC: z.number(),
        /** Target while Executing. */
        executingC: z.number(),
        /** First-order lag towards the target, seconds. */
        timeConstantS: z.number().positive(),
        /** Uniform sensor noise ± this many °C (readings rounded to 0.01 °C). */
        noiseC: z.number().min(0).default(0),
      })
      .strict(),
    /** Electrical power drawn in each state, kW; the energy meter integrates it exactly. */
    powerKw: z
      .object({
        NotAvailable: z.number().min(0),
        OutOfService: z.number().min(0),
        NotExecuting: z.number().min(0),
        Executing: z.number().min(0),
      })
      .strict(),
    /** Seconds after the epoch at which both part counters drop to 0 (a controller restart). */
    counterResetsS: z.array(z.number().int().positive()).default([]),
    initial: z
      .object({
        goodCount: z.number().int().min(0).default(0),
        badCount: z.number().int().min(0).default(0),
        energyKWh: z.number().min(0).default(0),
      })
      .strict()
      .default({ goodCount: 0, badCount: 0, energyKWh: 0 }),
  })
  .strict();

export const lineSpecSchema = z
  .object({
    enterprise: identifier,
    line: identifier,
    seed: z.number().int(),
    /** Where the line's history begins, epoch milliseconds (whole seconds). */
    epoch: z
      .number()
      .int()
      .min(0)
      .refine((ms) => ms % 1000 === 0, "epoch must be a whole second"),
    /** Period of the sampled signals (spindle speed, temperature, energy meter), whole seconds. */
    sampleIntervalS: z.number().int().positive().default(1),
    machines: z
      .array(machineSpecSchema)
      .min(1)
      .refine((ms) => new Set(ms.map((m) => m.id)).size === ms.length, "machine ids must be unique"),
  })
  .strict();

export type MachineSpec = z.output<typeof machineSpecSchema>;
export type MachineSpecInput = z.input<typeof machineSpecSchema>;
export type LineSpec = z.output<typeof lineSpecSchema>;
export type LineSpecInput = z.input<typeof lineSpecSchema>;

/** The signals every simulated machine exposes, in the order changes at the same instant are listed. */
export const machineSignals = [
  "State",
  "GoodCount",
  "BadCount",
  "IdealCycleTime",
  "SpindleSpeed",
  "Temperature",
  "Energy",
] as const;
export type MachineSignal = (typeof machineSignals)[number];

/** Kind and unit of each signal, as the registry and the sinks know them. */
export const signalInfo: Record<MachineSignal, { kind: "state" | "counter" | "gauge"; unit?: string }> = {
  State: { kind: "state" },
  GoodCount: { kind: "counter", unit: "parts" },
  BadCount: { kind: "counter", unit: "parts" },
  IdealCycleTime: { kind: "gauge", unit: "s" },
  SpindleSpeed: { kind: "gauge", unit: "rpm" },
  Temperature: { kind: "gauge", unit: "°C" },
  Energy: { kind: "gauge", unit: "kWh" },
};

/** Parse a line spec, throwing a ConfigError that names every wrong key path. */
export function parseLineSpec(input: unknown, prefix: ReadonlyArray<PropertyKey> = []): LineSpec {
  return parseOrThrow(lineSpecSchema, input, prefix);
}
