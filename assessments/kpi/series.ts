// Plain telemetry series as the KPI engine takes them. The reader that fetches them from a store is the
// only part that speaks InfluxQL or SQL; everything here is pure.

export type SampleQuality = "good" | "uncertain" | "bad" | "stale";

export interface Sample {
  /** Epoch milliseconds. */
  time: number;
  /** null when the source reported no usable value (bad or stale quality). */
  value: number | null;
  quality: SampleQuality;
}

/** Half-open time window [from, to) in epoch milliseconds. */
export interface Window {
  from: number;
  to: number;
}

export interface Gap {
  from: number;
  to: number;
  reason: "no-data-at-start" | "silence" | "bad-quality" | "stale";
}

/** A sample is usable when it carries a value and its quality is not bad or stale. */
export function usable(s: Sample): s is Sample & { value: number } {
  return s.value !== null && Number.isFinite(s.value) && s.quality !== "bad" && s.quality !== "stale";
}

export function windowLength(w: Window): number {
  return Math.max(0, w.to - w.from);
}
