// Payload timestamps → epoch milliseconds (integer, truncated toward the past: a 1.9 ms reading belongs to ms 1).
// Numbers may come as JSON numbers or numeric strings; unix_ns is best sent as a string (a JSON number
// above 2^53 loses precision — still well under a millisecond at today's epoch).

export const TIMESTAMP_FORMATS = ["unix_s", "unix_ms", "unix_us", "unix_ns", "rfc3339"] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

const NUMERIC = /^-?\d+(\.\d+)?$/;
// RFC 3339: date, `T` or space, time with optional fraction, and a mandatory offset (Z or ±hh:mm).
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds, or an error message saying why the value is not a timestamp in that format. */
export function parseTimestamp(v: unknown, format: TimestampFormat): number | string {
  if (format === "rfc3339") {
    if (typeof v !== "string") return `expected an RFC 3339 string, got ${describe(v)}`;
    const m = RFC3339.exec(v);
    if (!m) return `"${v.slice(0, 40)}" is not RFC 3339 (e.g. 2024-05-01T08:00:00.123Z)`;
    const [, y, mo, d, h, mi, s] = m.map(Number);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return `"${v}" has a field out of range`;
    const ms = Date.parse(v.replace(" ", "T"));
    if (Number.isNaN(ms)) return `"${v}" is not a valid date`;
    // Date.parse keeps only milliseconds of the fraction: that is our precision anyway.
    return ms;
  }
  if (typeof v === "string") {
    if (!NUMERIC.test(v)) return `"${v.slice(0, 40)}" is not a number`;
    if (format === "unix_ns" || format === "unix_us") {
      // Exact integer arithmetic for long strings; the fraction (if any) is below a millisecond.
      const [whole] = v.split(".");
      const div = format === "unix_ns" ? 1_000_000n : 1_000n;
      const big = BigInt(whole);
      const q = big / div;
      return Number(big < 0n && big % div !== 0n ? q - 1n : q);
    }
    return fromNumber(Number(v), format);
  }
  if (typeof v === "number") return Number.isFinite(v) ? fromNumber(v, format) : `${v} is not a timestamp`;
  return `expected a number, got ${describe(v)}`;
}

function fromNumber(n: number, format: Exclude<TimestampFormat, "rfc3339">): number {
  switch (format) {
    case "unix_s":
      // 1700000000.123 * 1000 is 1700000000122.9998 in binary floating point: round to µs, then floor.
      return Math.floor(Math.round(n * 1e6) / 1e3);
    case "unix_ms":
      return Math.floor(n);
    case "unix_us":
      return Math.floor(n / 1e3); // division of an exact integer is exact when the quotient is
    case "unix_ns":
      return Math.floor(n / 1e6);
  }
}

function describe(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}
