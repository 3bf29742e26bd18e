// The simulated 数字化车间 line as a pure, seeded model: line spec + time window → state intervals, part
// completions (good/bad), counter values (with injected resets), sampled spindle speed, temperature and
// energy meter. No clock, no I/O, no Math.random: the OPC UA server and the Sparkplug edge only *play* what
// this computes, a backfill writes it straight to a sink, and a KPI test recomputes it by hand.
//
// Conventions (all times epoch milliseconds, integers):
//  - A machine's history starts at the line's epoch. State intervals are [from, to).
//  - A value change at time t holds from t on. A window (from, to] lists the changes after `from` up to and
//    including `to`; `initial` holds the values in effect at `from`. So windows concatenate exactly:
//    changes(a, b) ++ changes(b, c) = changes(a, c).
//  - At one instant the order is: counter reset, part completion, state change, samples. A part that
//    completes at the very end of an Executing interval counts in that interval.
//  - Each signal changes at most once per instant; a value equal to the previous one is not a change
//    (an OPC UA server would not notify it either).
import { exponentialSeconds, hashSeed, mulberry32, noiseAt } from "./prng";
import {
  MachineryItemState,
  machineSignals,
  stateNames,
  type LineSpec,
  type MachineSignal,
  type MachineSpec,
  type StateName,
  type StateNumber,
} from "./spec";

export interface StateInterval {
  from: number;
  to: number;
  state: StateNumber;
}
export interface PartCompletion {
  time: number;
  good: boolean;
}
export interface SignalChange {
  time: number;
  machine: string;
  signal: MachineSignal;
  value: number;
}
export type MachineSnapshot = Record<MachineSignal, number>;

/** What happened on one machine in a window (from, to]. */
export interface MachineHistory {
  machine: string;
  from: number;
  to: number;
  /** Values in effect at `from`. */
  initial: MachineSnapshot;
  /** Every value change in (from, to], ordered by time, then by signal (see `machineSignals`). */
  changes: SignalChange[];
  /** State intervals covering [from, to), clipped to the window. */
  states: StateInterval[];
  /** Parts completed in (from, to]. */
  parts: PartCompletion[];
  /** Counter resets in (from, to]. */
  resets: number[];
}

const { NotAvailable, OutOfService, NotExecuting, Executing } = MachineryItemState;
const MS_PER_HOUR = 3_600_000;

// ---------------------------------------------------------------- state segments

type SegmentSource = () => StateInterval;

function scheduleSegments(epoch: number, cycle: Array<{ state: StateName; durationS: number }>): SegmentSource {
  const steps = cycle.map((c) => ({ state: MachineryItemState[c.state], ms: c.durationS * 1000 }));
  if (steps.every((s) => s.state === steps[0].state)) {
    let done = false;
    return () => {
      if (done) throw new Error("a one-state schedule has a single, endless interval");
      done = true;
      return { from: epoch, to: Number.POSITIVE_INFINITY, state: steps[0].state };
    };
  }
  let index = 0;
  let at = epoch;
  return () => {
    const step = steps[index];
    index = (index + 1) % steps.length;
    const segment = { from: at, to: at + step.ms, state: step.state };
    at = segment.to;
    return segment;
  };
}

interface PlannedWindow {
  from: number;
  to: number;
}

function randomSegments(
  epoch: number,
  behaviour: Extract<MachineSpec["behaviour"], { kind: "random" }>,
  random: () => number,
): SegmentSource {
  const stops = behaviour.plannedStops.map((s) => ({
    period: s.periodS * 1000,
    offset: s.offsetS * 1000,
    duration: s.durationS * 1000,
  }));
  // The earliest planned stop that has not ended at `at` (it may already have begun).
  const plannedWindow = (at: number): PlannedWindow | undefined => {
    let best: PlannedWindow | undefined;
    for (const s of stops) {
      const k = Math.max(0, Math.floor((at - epoch - s.offset) / s.period));
      for (const j of [k, k + 1]) {
        const from = epoch + s.offset + j * s.period;
        const window = { from, to: from + s.duration };
        if (window.to > at && (!best || window.from < best.from)) best = window;
      }
    }
    return best;
  };
  // The machine's own process in operating time (planned stops pause it): a run until the first of two
  // competing exponential clocks, a breakdown (OutOfService) or a wait (NotExecuting), then that stop.
  let pendingStop: { state: StateNumber; ms: number } | undefined;
  const drawPiece = (): { state: StateNumber; ms: number } => {
    if (pendingStop) {
      const stop = pendingStop;
      pendingStop = undefined;
      return stop;
    }
    const toFailure = exponentialSeconds(random, behaviour.mtbfS) * 1000;
    const toWait = exponentialSeconds(random, behaviour.meanRunBetweenWaitsS) * 1000;
    if (toFailure <= toWait) {
      pendingStop = { state: OutOfService, ms: exponentialSeconds(random, behaviour.mttrS) * 1000 };
      return { state: Executing, ms: toFailure };
    }
    pendingStop = { state: NotExecuting, ms: exponentialSeconds(random, behaviour.meanWaitS) * 1000 };
    return { state: Executing, ms: toWait };
  };
  let at = epoch;
  let piece: { state: StateNumber; ms: number } | undefined;
  return () => {
    const stop = plannedWindow(at);
    if (stop && stop.from <= at) {
      const segment = { from: at, to: stop.to, state: NotAvailable as StateNumber };
      at = stop.to;
      return segment;
    }
    if (!piece || piece.ms === 0) piece = drawPiece();
    const end = stop ? Math.min(at + piece.ms, stop.from) : at + piece.ms;
    const segment = { from: at, to: end, state: piece.state };
    piece.ms -= end - at;
    at = end;
    return segment;
  };
}

/** Joins consecutive intervals of the same state, so every boundary is a real state change. */
function mergeEqualStates(next: SegmentSource): SegmentSource {
  let pending = next();
  return () => {
    let segment = pending;
    while (Number.isFinite(segment.to)) {
      const following = next();
      if (following.state !== segment.state) {
        pending = following;
        return segment;
      }
      segment = { from: segment.from, to: following.to, state: segment.state };
    }
    return segment;
  };
}

function segmentsOf(line: LineSpec, machine: MachineSpec): SegmentSource {
  const b = machine.behaviour;
  if (b.kind === "schedule") return mergeEqualStates(scheduleSegments(line.epoch, b.cycle));
  return mergeEqualStates(randomSegments(line.epoch, b, mulberry32(hashSeed(line.seed, machine.id, "states"))));
}

// ---------------------------------------------------------------- the cursor

interface Step {
  changes: SignalChange[];
  states: StateInterval[];
  parts: PartCompletion[];
  resets: number[];
}

/**
 * Walks one machine's history forward from the epoch. `advance(to)` returns what happened after the
 * cursor's time up to `to`. Deterministic: the same spec always walks the same history, however the
 * walk is cut into steps (players advance it tick by tick, a backfill hour by hour).
 */
export class MachineCursor {
  /** Every event at or before this time has been applied. */
  time: number;
  private readonly nextSegment: SegmentSource;
  private readonly cycleMs: number;
  private readonly sampleMs: number;
  private readonly resets: number[];
  private readonly qualityRandom: () => number;
  private readonly noiseSeed: number;
  private segment: StateInterval;
  private segmentStartEnergy: number;
  private segmentStartTemperature: number;
  private nextPartTime = Number.POSITIVE_INFINITY;
  private progressMs = 0;
  private partIndex = 0;
  private resetIndex = 0;
  private gridIndex = 0;
  private values: MachineSnapshot;

  constructor(
    readonly line: LineSpec,
    readonly machine: MachineSpec,
  ) {
    this.nextSegment = segmentsOf(line, machine);
    this.cycleMs = Math.round(machine.cycleTimeS * 1000);
    this.sampleMs = line.sampleIntervalS * 1000;
    this.resets = [...new Set(machine.counterResetsS)].sort((a, b) => a - b).map((s) => line.epoch + s * 1000);
    this.qualityRandom = mulberry32(hashSeed(line.seed, machine.id, "quality"));
    this.noiseSeed = hashSeed(line.seed, machine.id, "noise");
    this.time = line.epoch;
    this.segment = this.nextSegment();
    this.segmentStartEnergy = machine.initial.energyKWh;
    this.segmentStartTemperature = this.temperatureTarget(this.segment.state);
    this.enterSegment();
    this.values = {
      State: this.segment.state,
      GoodCount: machine.initial.goodCount,
      BadCount: machine.initial.badCount,
      IdealCycleTime: machine.idealCycleTimeS,
      SpindleSpeed: 0,
      Temperature: 0,
      Energy: 0,
    };
    const first = this.sample(line.epoch);
    this.values.SpindleSpeed = first.SpindleSpeed;
    this.values.Temperature = first.Temperature;
    this.values.Energy = first.Energy;
    this.gridIndex = 1;
  }

  /** The values in effect at the cursor's time. */
  snapshot(): MachineSnapshot {
    return { ...this.values };
  }

  /** What happened in (time, to]; afterwards the cursor stands at `to`. */
  advance(to: number): Step {
    if (!Number.isInteger(to)) throw new RangeError(`advance: time must be whole milliseconds, got ${to}`);
    if (to < this.time) throw new RangeError(`advance: cannot go back from ${this.time} to ${to}`);
    const step: Step = { changes: [], states: [], parts: [], resets: [] };
    let intervalStart = Math.max(this.segment.from, this.time);
    const id = this.machine.id;
    const values = this.values;
    for (;;) {
      const partTime = this.nextPartTime <= this.segment.to ? this.nextPartTime : Number.POSITIVE_INFINITY;
      const resetTime = this.resetIndex < this.resets.length ? this.resets[this.resetIndex] : Number.POSITIVE_INFINITY;
      const gridTime = this.line.epoch + this.gridIndex * this.sampleMs;
      const t = Math.min(partTime, resetTime, this.segment.to, gridTime);
      if (t > to) break;
      const before = this.snapshot();
      if (resetTime === t) {
        values.GoodCount = 0;
        values.BadCount = 0;
        this.resetIndex++;
        step.resets.push(t);
      }
      if (partTime === t) {
        this.partIndex++;
        const good = this.isGood(this.partIndex);
        if (good) values.GoodCount++;
        else values.BadCount++;
        this.nextPartTime += this.cycleMs;
        step.parts.push({ time: t, good });
      }
      if (this.segment.to === t) {
        step.states.push({ from: intervalStart, to: t, state: this.segment.state });
        this.leaveSegment();
        this.segment = this.nextSegment();
        this.enterSegment();
        intervalStart = t;
        values.State = this.segment.state;
      }
      if (gridTime === t) {
        Object.assign(values, this.sample(t));
        this.gridIndex++;
      }
      for (const signal of machineSignals) {
        if (values[signal] !== before[signal]) step.changes.push({ time: t, machine: id, signal, value: values[signal] });
      }
      this.time = t;
    }
    if (intervalStart < to) step.states.push({ from: intervalStart, to, state: this.segment.state });
    this.time = to;
    return step;
  }

  private isGood(partIndex: number): boolean {
    const q = this.machine.quality;
    if ("badEvery" in q) return q.badEvery === 0 || partIndex % q.badEvery !== 0;
    return this.qualityRandom() >= q.scrapRate;
  }

  private enterSegment(): void {
    this.nextPartTime =
      this.segment.state === Executing ? this.segment.from + (this.cycleMs - this.progressMs) : Number.POSITIVE_INFINITY;
  }

  private leaveSegment(): void {
    const { from, to, state } = this.segment;
    if (state === Executing) this.progressMs = this.cycleMs - (this.nextPartTime - to);
    this.segmentStartEnergy += (this.machine.powerKw[stateNames[state]] * (to - from)) / MS_PER_HOUR;
    this.segmentStartTemperature = this.temperatureAt(to, false);
  }

  private temperatureTarget(state: StateNumber): number {
    const t = this.machine.temperature;
    if (state === Executing) return t.executingC;
    if (state === NotExecuting) return t.idleC;
    return t.ambientC;
  }

  private temperatureAt(time: number, withNoise: boolean): number {
    const t = this.machine.temperature;
    const target = this.temperatureTarget(this.segment.state);
    const lag = Math.exp(-(time - this.segment.from) / (t.timeConstantS * 1000));
    let value = target + (this.segmentStartTemperature - target) * lag;
    if (withNoise && t.noiseC > 0) value += (noiseAt(this.noiseSeed, 1, this.gridIndex) - 0.5) * 2 * t.noiseC;
    return value;
  }

  /** The sampled signals at grid time `time` (which lies in the current segment). */
  private sample(time: number): Pick<MachineSnapshot, "SpindleSpeed" | "Temperature" | "Energy"> {
    const m = this.machine;
    let spindle = 0;
    if (this.segment.state === Executing) {
      const ripple = m.spindleNoiseRpm > 0 ? (noiseAt(this.noiseSeed, 2, this.gridIndex) - 0.5) * 2 * m.spindleNoiseRpm : 0;
      spindle = Math.max(0, Math.round(m.spindleSpeedRpm + ripple));
    }
    const power = m.powerKw[stateNames[this.segment.state]];
    return {
      SpindleSpeed: spindle,
      Temperature: Math.round(this.temperatureAt(time, true) * 100) / 100,
      Energy: this.segmentStartEnergy + (power * (time - this.segment.from)) / MS_PER_HOUR,
    };
  }
}

// ---------------------------------------------------------------- window functions

function checkWindow(line: LineSpec, from: number, to: number): void {
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new RangeError("window bounds must be whole milliseconds");
  if (from < line.epoch) throw new RangeError(`window starts at ${from}, before the line's epoch ${line.epoch}`);
  if (to < from) throw new RangeError(`window ends at ${to}, before it starts at ${from}`);
}

function machineOf(line: LineSpec, machineId: string): MachineSpec {
  const machine = line.machines.find((m) => m.id === machineId);
  if (!machine) throw new RangeError(`no machine "${machineId}" on line ${line.line}`);
  return machine;
}

/** One machine's history in the window (from, to]. */
export function simulateMachine(line: LineSpec, machineId: string, from: number, to: number): MachineHistory {
  checkWindow(line, from, to);
  const cursor = new MachineCursor(line, machineOf(line, machineId));
  cursor.advance(from);
  const initial = cursor.snapshot();
  const step = cursor.advance(to);
  return { machine: machineId, from, to, initial, ...step };
}

/** Every machine's history in the window (from, to]. */
export function simulateLine(line: LineSpec, from: number, to: number): MachineHistory[] {
  return line.machines.map((m) => simulateMachine(line, m.id, from, to));
}

/** The values of every machine in effect at time t. */
export function snapshotAt(line: LineSpec, t: number): Record<string, MachineSnapshot> {
  return Object.fromEntries(simulateLine(line, t, t).map((h) => [h.machine, h.initial]));
}

/** The figures OEE, MTBF/MTTR and energy per good unit are computed from, for one machine's window. */
export interface WindowTotals {
  machine: string;
  windowMs: number;
  /** Time spent in each state within [from, to). */
  stateMs: Record<StateName, number>;
  /** Number of separate OutOfService intervals that began inside the window. */
  breakdowns: number;
  goodParts: number;
  badParts: number;
  idealCycleTimeS: number;
  /** Energy drawn within [from, to), kWh: the exact integral of the state powers. */
  energyKWh: number;
}

export function windowTotals(line: LineSpec, history: MachineHistory): WindowTotals {
  const machine = machineOf(line, history.machine);
  const stateMs = Object.fromEntries(stateNames.map((n) => [n, 0])) as Record<StateName, number>;
  let energyKWh = 0;
  let breakdowns = 0;
  for (const s of history.states) {
    const name = stateNames[s.state];
    stateMs[name] += s.to - s.from;
    energyKWh += (machine.powerKw[name] * (s.to - s.from)) / MS_PER_HOUR;
    if (s.state === OutOfService && s.from > history.from) breakdowns++;
  }
  return {
    machine: history.machine,
    windowMs: history.to - history.from,
    stateMs,
    breakdowns,
    goodParts: history.parts.filter((p) => p.good).length,
    badParts: history.parts.filter((p) => !p.good).length,
    idealCycleTimeS: machine.idealCycleTimeS,
    energyKWh,
  };
}
