import type { CounterIncrease } from "./counters";
import { type StateMapping, type StateOptions, type StateTimeline, stateTimeline } from "./states";
import type { Gap, Sample, Window } from "./series";
import { counterIncrease, type CounterOptions, type CounterReset } from "./counters";

/** ISO 22400-2 times and quantities for one machine over one window (times in ms). */
export interface OeeInputs {
  /** Planned busy time. */
  pbt: number;
  /** Actual production time. */
  apt: number;
  /** Produced quantity and good quantity. */
  pq: number;
  gq: number;
  /** Planned run time per unit (ideal cycle time), ms. */
  idealCycleMs: number;
}

export interface OeeFigures {
  /** A = APT / PBT */
  availability: number | null;
  /** E = PRI × PQ / APT — may exceed 1 when the ideal cycle time is loose: reported, never clamped. */
  performance: number | null;
  /** QR = GQ / PQ */
  quality: number | null;
  /** OEE = A × E × QR = PRI × GQ / PBT */
  oee: number | null;
  notes: string[];
}

/** The ISO 22400 ratios. A ratio whose denominator is zero is null with a note, never 0 or 1 by default. */
export function oeeFigures(x: OeeInputs): OeeFigures {
  const notes: string[] = [];
  const availability = x.pbt > 0 ? x.apt / x.pbt : null;
  if (availability === null) notes.push("no planned busy time in the window");
  const performance = x.apt > 0 ? (x.idealCycleMs * x.pq) / x.apt : null;
  if (performance === null && availability !== null) notes.push("no production time: performance undefined");
  if (performance !== null && performance > 1) {
    notes.push("performance above 1: the ideal cycle time is looser than the machine's real best");
  }
  const quality = x.pq > 0 ? x.gq / x.pq : null;
  if (quality === null && x.apt > 0) notes.push("nothing produced: quality undefined");
  const oee = x.pbt > 0 ? (x.idealCycleMs * x.gq) / x.pbt : null;
  return { availability, performance, quality, oee, notes };
}

/** How a machine's part counts are published. */
export type PartCounters =
  | { kind: "goodAndBad"; good: Sample[]; bad: Sample[]; goodBefore?: Sample | null; badBefore?: Sample | null }
  | { kind: "totalAndBad"; total: Sample[]; bad: Sample[]; totalBefore?: Sample | null; badBefore?: Sample | null };

export interface MachineOeeInput {
  window: Window;
  states: Sample[];
  stateBefore?: Sample | null;
  mapping: StateMapping;
  stateOptions?: StateOptions;
  counters: PartCounters;
  counterOptions?: CounterOptions;
  idealCycleMs: number;
}

export interface MachineOee extends OeeFigures {
  window: Window;
  pbt: number;
  apt: number;
  pq: number;
  gq: number;
  /** Time left out of PBT because no state was known, and where. */
  unknownTime: number;
  gaps: Gap[];
  resets: Array<CounterReset & { counter: string }>;
  rollovers: number;
  /** Counts may be short: a counter had no sample before the window. */
  countsIncomplete: boolean;
  timeline: StateTimeline;
}

/** Produced and good quantity of one machine over a window, with where the counts came from. */
export interface PartCounts {
  pq: number;
  gq: number;
  resets: Array<CounterReset & { counter: string }>;
  rollovers: number;
  /** Counts may be short: a counter had no sample before the window. */
  countsIncomplete: boolean;
}

/** Increases of the part counters, however they were computed (from samples here, or by a store). */
export type PartCounterIncreases =
  | { kind: "goodAndBad"; good: CounterIncrease; bad: CounterIncrease }
  | { kind: "totalAndBad"; total: CounterIncrease; bad: CounterIncrease };

/** PQ and GQ from the counters' increases: good + bad, or total and total − bad. */
export function partCounts(c: PartCounterIncreases): PartCounts {
  const parts: Array<[string, CounterIncrease]> =
    c.kind === "goodAndBad" ? [["good", c.good], ["bad", c.bad]] : [["total", c.total], ["bad", c.bad]];
  const pq = c.kind === "goodAndBad" ? c.good.increase + c.bad.increase : c.total.increase;
  const gq = c.kind === "goodAndBad" ? c.good.increase : Math.max(0, c.total.increase - c.bad.increase);
  return {
    pq,
    gq,
    resets: parts.flatMap(([counter, r]) => r.resets.map((x) => ({ ...x, counter }))),
    rollovers: parts.reduce((n, [, r]) => n + r.rollovers, 0),
    countsIncomplete: parts.some(([, r]) => r.unknownStart),
  };
}

/**
 * OEE of one machine from its state timeline and part counts. The telemetry reader uses this with counts a
 * store summed up (pushdown); `machineOee` with counts taken from raw samples — the same arithmetic.
 */
export function machineOeeFromCounts(input: {
  window: Window;
  timeline: StateTimeline;
  counts: PartCounts;
  idealCycleMs: number;
  unknownCountsAsStopped?: boolean;
}): MachineOee {
  const { timeline, counts } = input;
  const apt = timeline.durations.running;
  const pbt = timeline.durations.running + timeline.durations.stopped;
  const figures = oeeFigures({ pbt, apt, pq: counts.pq, gq: counts.gq, idealCycleMs: input.idealCycleMs });
  const unknownTime = input.unknownCountsAsStopped ? 0 : timeline.durations.unknown;
  if (unknownTime > 0) figures.notes.push(`${Math.round(unknownTime / 1000)} s without a known state left out of planned time`);
  return {
    ...figures,
    window: input.window,
    pbt,
    apt,
    pq: counts.pq,
    gq: counts.gq,
    unknownTime,
    gaps: timeline.gaps,
    resets: counts.resets,
    rollovers: counts.rollovers,
    countsIncomplete: counts.countsIncomplete,
    timeline,
  };
}

/** OEE of one machine from its state samples and part counters, with the provenance of every number. */
export function machineOee(input: MachineOeeInput): MachineOee {
  const timeline = stateTimeline(input.states, input.window, input.mapping, input.stateBefore ?? null, input.stateOptions);
  const c = input.counters;
  const rise = (samples: Sample[], before: Sample | null | undefined) =>
    counterIncrease(samples, input.window, before ?? null, input.counterOptions);
  const counts = partCounts(
    c.kind === "goodAndBad"
      ? { kind: "goodAndBad", good: rise(c.good, c.goodBefore), bad: rise(c.bad, c.badBefore) }
      : { kind: "totalAndBad", total: rise(c.total, c.totalBefore), bad: rise(c.bad, c.badBefore) },
  );
  return machineOeeFromCounts({
    window: input.window,
    timeline,
    counts,
    idealCycleMs: input.idealCycleMs,
    unknownCountsAsStopped: input.mapping.unknownCountsAsStopped,
  });
}

/** Weighted aggregation over machines or periods: sums of times and quantities, then the ratios. */
export function combineOee(parts: ReadonlyArray<Pick<MachineOee, "pbt" | "apt" | "pq" | "gq"> & { idealCycleMs: number }>): OeeFigures & {
  pbt: number;
  apt: number;
  pq: number;
  gq: number;
} {
  // Σ PRI·GQ / Σ PBT keeps OEE = A × E × QR exact when machines have different ideal cycle times.
  let pbt = 0, apt = 0, pq = 0, gq = 0, idealPq = 0, idealGq = 0;
  for (const p of parts) {
    pbt += p.pbt;
    apt += p.apt;
    pq += p.pq;
    gq += p.gq;
    idealPq += p.idealCycleMs * p.pq;
    idealGq += p.idealCycleMs * p.gq;
  }
  const notes: string[] = [];
  const availability = pbt > 0 ? apt / pbt : null;
  const performance = apt > 0 ? idealPq / apt : null;
  // Quality weighted by ideal time (Σ PRI·GQ / Σ PRI·PQ) so that A × E × QR equals Σ PRI·GQ / Σ PBT exactly;
  // with one ideal cycle time it is plain GQ / PQ.
  const quality = idealPq > 0 ? idealGq / idealPq : null;
  const oee = pbt > 0 ? idealGq / pbt : null;
  if (performance !== null && performance > 1) notes.push("performance above 1");
  return { availability, performance, quality, oee, notes, pbt, apt, pq, gq };
}
