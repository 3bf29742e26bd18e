// InfluxDB line protocol, written by hand because it is the hot path (the `influx` package builds one
// string per point through several layers and cannot batch). Rules (docs.influxdata.com, v1 write syntax):
// measurement escapes comma and space; tag keys/values and field keys escape comma, `=` and space; string
// field values escape `"` and `\`; integers end in `i`; tags sorted by key (what InfluxDB does anyway, so it
// skips the sort); timestamps in ms (precision=ms). Names were validated before (no newline, no trailing `\`).
import type { FieldValue, Point } from "../../core/types";

const MEASUREMENT_SPECIAL = /[, ]/;
const KEY_SPECIAL = /[,= ]/;
const STRING_SPECIAL = /["\\]/;

export function escapeMeasurement(s: string): string {
  return MEASUREMENT_SPECIAL.test(s) ? s.replace(/[, ]/g, "\\$&") : s;
}

/** Tag keys, tag values and field keys. */
export function escapeKey(s: string): string {
  return KEY_SPECIAL.test(s) ? s.replace(/[,= ]/g, "\\$&") : s;
}

export function escapeString(s: string): string {
  return STRING_SPECIAL.test(s) ? s.replace(/["\\]/g, "\\$&") : s;
}

export function formatField(v: FieldValue): string {
  switch (typeof v) {
    case "number":
      // Number#toString gives the shortest round-trip form ("1e+21", "5e-7" included), which InfluxDB
      // parses as a float; a whole number without `i` is a float in line protocol.
      return String(v);
    case "bigint":
      return `${v}i`;
    case "boolean":
      return v ? "true" : "false";
    default:
      return `"${escapeString(v)}"`;
  }
}

/** `measurement,tag=v,… field=v,… time` for one point (no newline). */
export function toLine(p: Point): string {
  return `${seriesKey(p)} ${fieldSet(p)} ${p.time}`;
}

/** The escaped `measurement,k=v,…` prefix, tags sorted by key. */
export function seriesKey(p: Point): string {
  let out = escapeMeasurement(p.measurement);
  const keys = Object.keys(p.tags);
  if (!isSorted(keys)) keys.sort(compareKeys);
  for (const k of keys) out += `,${escapeKey(k)}=${escapeKey(p.tags[k])}`;
  return out;
}

export function fieldSet(p: Point): string {
  let out = "";
  for (const k in p.fields) {
    if (out) out += ",";
    out += `${fieldKey(k)}=${formatField(p.fields[k])}`;
  }
  return out;
}

/** Field keys repeat in every point (value, quality, status): escape each once. */
const fieldKeys = new Map<string, string>();
function fieldKey(k: string): string {
  let e = fieldKeys.get(k);
  if (e === undefined) {
    e = escapeKey(k);
    if (fieldKeys.size < 10_000) fieldKeys.set(k, e);
  }
  return e;
}

/** Lines joined with `\n`, as the body of one /write request. */
export function toLines(points: readonly Point[]): string {
  const lines = new Array<string>(points.length);
  // Points of one series share their tags object (signalPoint and the spool decoder see to it): escape
  // and sort each series once per batch.
  const keys = new Map<object, Map<string, string>>();
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    let byMeasurement = keys.get(p.tags);
    if (!byMeasurement) keys.set(p.tags, (byMeasurement = new Map()));
    let key = byMeasurement.get(p.measurement);
    if (key === undefined) byMeasurement.set(p.measurement, (key = seriesKey(p)));
    lines[i] = `${key} ${fieldSet(p)} ${p.time}`;
  }
  return lines.join("\n");
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Go compares strings bytewise (= code point order); JS `<` compares UTF-16 units, which agrees without surrogates. */
function compareKeys(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const ca = Array.from(a);
  const cb = Array.from(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (compareKeys(keys[i - 1], keys[i]) > 0) return false;
  return true;
}
