import type { FieldValue, Point, Quality, SignalRef } from "./types";

/**
 * The point for one value of a registered signal. A value with bad quality keeps no `value` field: only
 * its quality and status are written, so "last value" queries never show a bad reading as a good one.
 */
export function signalPoint(
  ref: SignalRef,
  value: FieldValue | null,
  time: number,
  quality: Quality,
  status?: number,
): Point {
  const fields: Record<string, FieldValue> = { quality };
  if (value !== null && quality !== "bad" && quality !== "stale") fields.value = value;
  if (status !== undefined) fields.status = BigInt(status >>> 0);
  return {
    measurement: ref.kind,
    tags: { enterprise: ref.enterprise, line: ref.line, machine: ref.machine, signal: ref.signal },
    fields,
    time,
    quality,
  };
}
