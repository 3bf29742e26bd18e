// What a measurement, tag or field name (and a tag value) may be. Line protocol can escape commas, spaces
// and `=`, but not a newline or other control characters, and a trailing backslash would escape the
// separator that follows it; InfluxDB reserves `time`, `_field` and `_measurement` as keys. The same rules
// keep the embedded store's series identical to InfluxDB's.

const CONTROL = /[\u0000-\u001f\u007f]/;
const RESERVED_KEYS = new Set(["time", "_field", "_measurement"]);

/** UTF-8 length, computed only when the string could be over `max` (most names are short ASCII). */
export function exceedsBytes(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false;
  return Buffer.byteLength(s, "utf8") > max;
}

/** Why `s` cannot be a name or tag value, or null when it can. */
export function nameProblem(s: unknown, maxBytes: number, kind: "name" | "key" | "value"): string | null {
  if (typeof s !== "string") return `must be a string, got ${typeof s}`;
  if (s.length === 0) return "must not be empty";
  if (exceedsBytes(s, maxBytes)) return `longer than ${maxBytes} bytes`;
  if (CONTROL.test(s)) return "contains a control character (newline, tab…)";
  if (s.endsWith("\\")) return "ends with a backslash";
  if (kind === "key" && RESERVED_KEYS.has(s)) return `"${s}" is reserved by InfluxDB`;
  if (kind === "name" && s.startsWith("#")) return "starts with # (a comment in line protocol)";
  return null;
}
