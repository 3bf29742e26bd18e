import { type Gap, type Sample, type Window, usable } from "./series";

/**
 * How a machine state counts for ISO 22400 times.
 *  - running: actual production time (APT)
 *  - stopped: planned to run but not running (unplanned downtime, delays): inside planned busy time (PBT)
 *  - planned: planned downtime or not scheduled: outside PBT
 *  - unknown: no trustworthy state (gap, bad/stale quality): outside PBT unless the mapping says otherwise,
 *    always reported
 */
export type StateClass = "running" | "stopped" | "planned" | "unknown";

export interface StateMapping {
  /** state value → class; values not listed get `otherwise`. */
  classes: Record<number, Exclude<StateClass, "unknown">>;
  otherwise: Exclude<StateClass, "unknown">;
  /** States whose start counts as a failure (for MTBF/MTTR). */
  failureStates: number[];
  /** Count unknown time as unplanned downtime (pessimistic) instead of leaving it out of PBT. */
  unknownCountsAsStopped?: boolean;
}

/**
 * OPC 40001-1 MachineryItemState as the simulator and most gateways publish it:
 * 0 NotAvailable, 1 OutOfService, 2 NotExecuting, 3 Executing.
 * NotAvailable (switched off, not scheduled) is outside planned time; OutOfService (error, maintenance) is a
 * failure inside planned time; NotExecuting (idle, starved, blocked) is unplanned downtime.
 */
export const machineryItemStateMapping: StateMapping = {
  classes: { 0: "planned", 1: "stopped", 2: "stopped", 3: "running" },
  otherwise: "stopped",
  failureStates: [1],
};

export interface StateInterval {
  from: number;
  to: number;
  /** The raw state value, null when unknown. */
  state: number | null;
  class: StateClass;
}

export interface StateTimeline {
  intervals: StateInterval[];
  /** Milliseconds per class inside the window. */
  durations: Record<StateClass, number>;
  gaps: Gap[];
  /** Number of times a failure state began inside the window. */
  failures: number;
  /** Total time spent in failure states inside the window. */
  failureTime: number;
}

export interface StateOptions {
  /**
   * For signals that report periodically: a state older than this is no longer trusted (the machine or its
   * gateway went silent). Leave undefined for report-by-exception signals, where silence means "no change".
   */
  maxSilenceMs?: number;
}

/**
 * The state timeline of one machine over a window. `samples` are sorted by time; `before` is the last sample
 * before the window (the state in force at its start), if any.
 */
export function stateTimeline(
  samples: readonly Sample[],
  window: Window,
  mapping: StateMapping,
  before: Sample | null = null,
  options: StateOptions = {},
): StateTimeline {
  const durations: Record<StateClass, number> = { running: 0, stopped: 0, planned: 0, unknown: 0 };
  const intervals: StateInterval[] = [];
  const gaps: Gap[] = [];
  const failureSet = new Set(mapping.failureStates);
  let failures = 0;
  let failureTime = 0;
  let previousState: number | null = before && usable(before) ? before.value : null;

  const classOf = (state: number | null): StateClass =>
    state === null ? "unknown" : (mapping.classes[state] ?? mapping.otherwise);

  const push = (from: number, to: number, state: number | null, reason: Gap["reason"] | null) => {
    if (to <= from) return;
    const cls = classOf(state);
    const last = intervals[intervals.length - 1];
    if (last && last.to === from && last.state === state) last.to = to;
    else intervals.push({ from, to, state, class: cls });
    durations[cls] += to - from;
    if (state !== null && failureSet.has(state)) failureTime += to - from;
    if (cls === "unknown" && reason) {
      const g = gaps[gaps.length - 1];
      if (g && g.to === from && g.reason === reason) g.to = to;
      else gaps.push({ from, to, reason });
    }
  };

  // The segment [t, next) is governed by `current` (a sample whose time ≤ t).
  const emitSegment = (current: Sample | null, t: number, next: number) => {
    if (next <= t) return;
    if (!current) return push(t, next, null, "no-data-at-start");
    if (!usable(current)) return push(t, next, null, current.quality === "stale" ? "stale" : "bad-quality");
    const validUntil = options.maxSilenceMs === undefined ? Infinity : current.time + options.maxSilenceMs;
    if (validUntil >= next) return push(t, next, current.value, null);
    push(t, Math.max(t, validUntil), current.value, null);
    push(Math.max(t, validUntil), next, null, "silence");
  };

  let current: Sample | null = before;
  let t = window.from;
  for (const s of samples) {
    if (s.time < window.from) {
      current = s; // a sample before the window given in the list: treat it as the state in force
      previousState = usable(s) ? s.value : null;
      continue;
    }
    if (s.time >= window.to) break;
    emitSegment(current, t, s.time);
    t = s.time;
    const state = usable(s) ? s.value : null;
    if (state !== null && failureSet.has(state) && state !== previousState) failures++;
    previousState = state;
    current = s;
  }
  emitSegment(current, t, window.to);

  if (mapping.unknownCountsAsStopped) {
    durations.stopped += durations.unknown;
  }
  return { intervals, durations, gaps, failures, failureTime };
}
