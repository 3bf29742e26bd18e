import type { StateTimeline } from "./states";

export interface Reliability {
  failures: number;
  /** Mean operating (running) time between failures, ms; null when nothing failed. */
  mtbf: number | null;
  /** Mean time in a failure state per failure, ms; null when nothing failed. */
  mttr: number | null;
}

/**
 * MTBF = APT / failures and MTTR = failure time / failures (ISO 22400-2's KPIs over one window). A failure
 * that began before the window counts its time inside the window but not as a new failure.
 */
export function reliability(timeline: StateTimeline): Reliability {
  const { failures, failureTime } = timeline;
  if (failures === 0) return { failures, mtbf: null, mttr: null };
  return { failures, mtbf: timeline.durations.running / failures, mttr: failureTime / failures };
}

/** Energy per good unit (e.g. kWh per part); null when no good unit was made. */
export function energyPerGoodUnit(energy: number, goodQuantity: number): number | null {
  return goodQuantity > 0 ? energy / goodQuantity : null;
}

/**
 * MTBF and MTTR over several machines or periods: total running time and total failure time divided by the
 * total number of failures (not a mean of per-machine means, which would overweight rarely failing machines).
 */
export function combineReliability(parts: ReadonlyArray<{ running: number; failures: number; failureTime: number }>): Reliability {
  let running = 0, failures = 0, failureTime = 0;
  for (const p of parts) {
    running += p.running;
    failures += p.failures;
    failureTime += p.failureTime;
  }
  if (failures === 0) return { failures, mtbf: null, mttr: null };
  return { failures, mtbf: running / failures, mttr: failureTime / failures };
}
