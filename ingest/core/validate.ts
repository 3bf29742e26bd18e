// Validation between sources and the spool: a point that InfluxDB (or the embedded store) could never take
// is stopped here with a reason, so it is counted and kept as a dead letter instead of poisoning a batch.
// Each point is judged alone: one bad value never costs the other points of its message.
import { exceedsBytes, nameProblem } from "./names";
import type { Point } from "./types";

export interface ValidationLimits {
  /** Longest string field value in UTF-8 bytes (InfluxDB's own limit is 64 KiB). */
  maxStringBytes: number;
  /** Longest measurement, tag key/value and field key in UTF-8 bytes. */
  maxNameBytes: number;
  /** Earliest accepted timestamp (epoch ms). */
  minTime: number;
  /** How far ahead of the local clock a timestamp may be (ms): a gateway with a wrong clock is caught here. */
  maxFutureMs: number;
}

export const DEFAULT_LIMITS: ValidationLimits = {
  maxStringBytes: 65_536,
  maxNameBytes: 256,
  minTime: Date.UTC(2000, 0, 1),
  maxFutureMs: 24 * 3600_000,
};

/** Why a point was refused. Stable strings: they label metrics and dead letters. */
export type ValidationReason =
  | "invalid_measurement"
  | "invalid_tag"
  | "no_fields"
  | "invalid_field_name"
  | "invalid_field_type"
  | "non_finite"
  | "integer_out_of_range"
  | "string_too_long"
  | "invalid_time"
  | "time_out_of_range"
  | "invalid_quality";

export interface Rejection {
  reason: ValidationReason;
  detail: string;
}

const QUALITIES = new Set(["good", "uncertain", "bad", "stale"]);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Null when the point can be written; otherwise the first problem found. */
export function validatePoint(p: Point, limits: ValidationLimits, now: number): Rejection | null {
  if (p === null || typeof p !== "object") return { reason: "invalid_measurement", detail: "not a point object" };
  const known = knownValid(limits);
  if (!known.measurements.has(p.measurement)) {
    const mProblem = nameProblem(p.measurement, limits.maxNameBytes, "name");
    if (mProblem) return { reason: "invalid_measurement", detail: `measurement ${show(p.measurement)} ${mProblem}` };
    if (known.measurements.size < KNOWN_NAMES_MAX) known.measurements.add(p.measurement);
  }

  const tags = p.tags;
  if (tags === null || typeof tags !== "object") return { reason: "invalid_tag", detail: "tags must be an object" };
  // A frozen tags object (signalPoint's) cannot change: check it once per set of limits.
  if (!known.tagSets.has(tags)) {
    for (const key in tags) {
      const kProblem = nameProblem(key, limits.maxNameBytes, "key");
      if (kProblem) return { reason: "invalid_tag", detail: `tag key ${show(key)} ${kProblem}` };
      const vProblem = nameProblem(tags[key], limits.maxNameBytes, "value");
      if (vProblem) return { reason: "invalid_tag", detail: `tag ${key}=${show(tags[key])} ${vProblem}` };
    }
    if (Object.isFrozen(tags)) known.tagSets.add(tags);
  }

  const fields = p.fields;
  if (fields === null || typeof fields !== "object") return { reason: "no_fields", detail: "fields must be an object" };
  let count = 0;
  for (const key in fields) {
    count++;
    if (!known.fieldKeys.has(key)) {
      const kProblem = nameProblem(key, limits.maxNameBytes, "key");
      if (kProblem) return { reason: "invalid_field_name", detail: `field key ${show(key)} ${kProblem}` };
      if (known.fieldKeys.size < KNOWN_NAMES_MAX) known.fieldKeys.add(key);
    }
    if (key in tags) return { reason: "invalid_field_name", detail: `field ${show(key)} has the name of a tag` };
    const v = fields[key];
    switch (typeof v) {
      case "number":
        if (!Number.isFinite(v)) return { reason: "non_finite", detail: `field ${key} is ${v}` };
        break;
      case "bigint":
        if (v < INT64_MIN || v > INT64_MAX) return { reason: "integer_out_of_range", detail: `field ${key} is ${v}, outside int64` };
        break;
      case "string":
        if (exceedsBytes(v, limits.maxStringBytes))
          return { reason: "string_too_long", detail: `field ${key} is ${Buffer.byteLength(v)} bytes, over ${limits.maxStringBytes}` };
        break;
      case "boolean":
        break;
      default:
        return { reason: "invalid_field_type", detail: `field ${key} is ${v === null ? "null" : typeof v}` };
    }
  }
  if (count === 0) return { reason: "no_fields", detail: "a point needs at least one field" };

  const t = p.time;
  if (typeof t !== "number" || !Number.isSafeInteger(t)) return { reason: "invalid_time", detail: `time ${show(t)} is not integer epoch milliseconds` };
  if (t < limits.minTime || t > now + limits.maxFutureMs)
    return { reason: "time_out_of_range", detail: `time ${t} (${isoOrRaw(t)}) outside ${new Date(limits.minTime).toISOString()} … now + ${limits.maxFutureMs} ms` };

  if (!QUALITIES.has(p.quality)) return { reason: "invalid_quality", detail: `quality ${show(p.quality)}` };
  return null;
}

/**
 * What was already found valid under a set of limits, so it is checked once, not per point: frozen tag sets
 * (signalPoint's: a frozen object cannot change), measurement names and field keys (a few dozen in practice;
 * capped, since a source could send ever-new names).
 */
interface KnownValid {
  tagSets: WeakSet<object>;
  measurements: Set<string>;
  fieldKeys: Set<string>;
}
const KNOWN_NAMES_MAX = 10_000;
const knownValidByLimits = new WeakMap<ValidationLimits, KnownValid>();
function knownValid(limits: ValidationLimits): KnownValid {
  let known = knownValidByLimits.get(limits);
  if (!known) knownValidByLimits.set(limits, (known = { tagSets: new WeakSet(), measurements: new Set(), fieldKeys: new Set() }));
  return known;
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  return typeof v === "bigint" ? `${v}n` : String(v);
}

function isoOrRaw(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}
