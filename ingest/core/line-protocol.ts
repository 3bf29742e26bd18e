// InfluxDB line protocol, both ways. It is the spool's chunk format (point-codec.ts, format 3): a point is
// encoded once, at intake, and the InfluxDB sink sends chunk bodies as they are. Written by hand because it
// is the hot path (the `influx` package builds one string per point through several layers and cannot
// batch). Rules (docs.influxdata.com, v1 write syntax): measurement escapes comma and space; tag keys/values
// and field keys escape comma, `=` and space; string field values escape `"` and `\`; integers end in `i`;
// tags sorted by key (what InfluxDB does anyway, so it skips the sort); timestamps in ms (precision=ms).
// Names were validated before (validate.ts: no control character, no trailing `\`, no leading `#`), which is
// what makes the text parse back to the same point: a backslash the encoder adds always precedes a
// character it escapes, and a newline can only occur inside a quoted string field.
import type { FieldValue, Point } from "./types";

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
      // The four quality names are in nearly every point: no regex for them.
      switch (v) {
        case "good":
          return '"good"';
        case "uncertain":
          return '"uncertain"';
        case "bad":
          return '"bad"';
        case "stale":
          return '"stale"';
      }
      return `"${escapeString(v)}"`;
  }
}

/** `measurement,tag=v,… field=v,… time` for one point (no newline). */
export function toLine(p: Point): string {
  return `${seriesKey(p)} ${fieldSet(p)} ${formatTime(p.time)}`;
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
    out += fieldKey(k) + formatField(p.fields[k]);
  }
  return out;
}

/** Field keys repeat in every point (value, quality, status): escape each once, with its `=`. */
const fieldKeys = new Map<string, string>();
function fieldKey(k: string): string {
  let e = fieldKeys.get(k);
  if (e === undefined) {
    e = `${escapeKey(k)}=`;
    if (fieldKeys.size < 10_000) fieldKeys.set(k, e);
  }
  return e;
}

/**
 * Series keys of shared, frozen tag sets (signalPoint's: one per signal), per measurement. A frozen object
 * cannot change, so its key is built once per process instead of once per point.
 */
const frozenSeriesKeys = new WeakMap<object, { measurement: string; key: string }>();

function cachedSeriesKey(p: Point): string {
  const known = frozenSeriesKeys.get(p.tags);
  if (known !== undefined && known.measurement === p.measurement) return known.key;
  const key = seriesKey(p);
  if (Object.isFrozen(p.tags)) frozenSeriesKeys.set(p.tags, { measurement: p.measurement, key });
  return key;
}

/** One point as a line, newline included: what the spool stores and InfluxDB is sent. */
export function encodeLine(p: Point): string {
  return `${cachedSeriesKey(p)} ${fieldSet(p)} ${formatTime(p.time)}\n`;
}

/**
 * An epoch-ms timestamp as decimal text. Today's (~1.7e12) is beyond V8's small integers, and String() of
 * it took ~140 ns against ~20 ns for two small halves (measured with Node 20): a third of a line's cost.
 */
export function formatTime(t: number): string {
  if (!(t >= 1e6 && t < 1e15)) return String(t);
  const high = Math.floor(t / 1e6);
  return `${high}${String(t - high * 1e6 + 1e6).slice(1)}`;
}

/** Lines joined with `\n`, as the body of one /write request. */
export function toLines(points: readonly Point[]): string {
  let out = "";
  for (let i = 0; i < points.length; i++) out += encodeLine(points[i]);
  return out.slice(0, -1);
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

// ------------------------------------------------------------------ parsing

const BACKSLASH = 92;
const SPACE = 32;
const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const NEWLINE = 10;

// The same rules as InfluxDB's parser, for the text this module writes: in names a character is escaped when
// a backslash precedes it (the backslash is dropped only before the characters that context escapes); in a
// quoted string every backslash starts a pair; quotes matter only at the start of a field value.

/** Index just past the series key's end (the space before the fields), or -1 at a newline / the end. */
function seriesEnd(text: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) return -1;
    if (c === SPACE && text.charCodeAt(i - 1) !== BACKSLASH) return i;
  }
  return -1;
}

/** End of a quoted string that opens at text[i] (index of its closing quote), or -1. */
function stringEnd(text: string, i: number, end: number): number {
  for (i++; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** Where the line starting at `start` ends: the index of its newline, or the end of the text. */
function lineEnd(text: string, start: number): number {
  const n = text.length;
  let i = seriesEnd(text, start, n);
  if (i < 0) {
    const nl = text.indexOf("\n", start);
    return nl < 0 ? n : nl;
  }
  i++;
  let inValue = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!inValue) {
      if (c === EQUALS && text.charCodeAt(i - 1) !== BACKSLASH) {
        inValue = true;
        if (text.charCodeAt(i + 1) === QUOTE) {
          const close = stringEnd(text, i + 1, n);
          if (close < 0) return n;
          i = close;
        }
      } else if (c === NEWLINE) return i;
    } else if (c === COMMA) inValue = false;
    else if (c === SPACE) {
      const nl = text.indexOf("\n", i);
      return nl < 0 ? n : nl;
    } else if (c === NEWLINE) return i;
    i++;
  }
  return n;
}

/** Where each line of `text` ends (the index of its newline, or text.length for a last line without one). */
export function lineEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = 0; i < text.length; ) {
    const end = lineEnd(text, i);
    ends.push(end);
    i = end + 1;
  }
  return ends;
}

/** The lines of a body (without their newlines), each one point. */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const end of lineEnds(text)) {
    if (end > start) out.push(text.slice(start, end));
    start = end + 1;
  }
  return out;
}

interface Series {
  measurement: string;
  tags: Record<string, string>;
}

/** Parse lines this module wrote back into points (`quality` from the `quality` field, else "good"). */
export function parseLines(text: string): Point[] {
  const points: Point[] = [];
  const series = new Map<string, Series>();
  let start = 0;
  for (const end of lineEnds(text)) {
    if (end > start) points.push(parseLine(text, start, end, series));
    start = end + 1;
  }
  return points;
}

/** One line, text[start, end). Points of one series share one tags object, as signalPoint's do. */
function parseLine(text: string, start: number, end: number, known: Map<string, Series>): Point {
  const fail = (why: string): never => {
    throw new Error(`line protocol: ${why} in ${JSON.stringify(text.slice(start, Math.min(end, start + 200)))}`);
  };
  let i = seriesEnd(text, start, end);
  if (i < 0) fail("no field set");
  const seriesText = text.slice(start, i);
  let s = known.get(seriesText);
  if (s === undefined) {
    const parts = splitUnescaped(seriesText, COMMA);
    const tags: Record<string, string> = {};
    for (let k = 1; k < parts.length; k++) {
      const kv = splitUnescaped(parts[k], EQUALS);
      if (kv.length !== 2) fail(`tag ${JSON.stringify(parts[k])} is not key=value`);
      tags[unescape(kv[0], true)] = unescape(kv[1], true);
    }
    s = { measurement: unescape(parts[0], false), tags };
    known.set(seriesText, s);
  }

  const fields: Record<string, FieldValue> = {};
  i++;
  for (;;) {
    const keyStart = i;
    while (i < end && !(text.charCodeAt(i) === EQUALS && text.charCodeAt(i - 1) !== BACKSLASH)) i++;
    if (i >= end) fail("field without =");
    const key = unescape(text.slice(keyStart, i), true);
    i++;
    if (text.charCodeAt(i) === QUOTE) {
      const close = stringEnd(text, i, end);
      if (close < 0) fail("unterminated string field");
      fields[key] = unescapeString(text.slice(i + 1, close));
      i = close + 1;
    } else {
      const valueStart = i;
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c === COMMA || c === SPACE) break;
        i++;
      }
      fields[key] = parseScalar(text.slice(valueStart, i), fail);
    }
    if (i >= end) fail("no timestamp");
    if (text.charCodeAt(i++) === SPACE) break;
  }
  const time = Number(text.slice(i, end));
  if (i >= end || !Number.isSafeInteger(time)) fail("timestamp is not an integer");
  const q = fields.quality;
  const quality = q === "good" || q === "uncertain" || q === "bad" || q === "stale" ? q : "good";
  return { measurement: s.measurement, tags: s.tags, fields, time, quality };
}

function parseScalar(s: string, fail: (why: string) => never): FieldValue {
  if (s === "true") return true;
  if (s === "false") return false;
  if (s.endsWith("i")) {
    const digits = s.slice(0, -1);
    if (!/^-?\d+$/.test(digits)) fail(`integer field ${JSON.stringify(s)}`);
    return BigInt(digits);
  }
  const n = Number(s);
  if (s === "" || Number.isNaN(n)) fail(`field value ${JSON.stringify(s)}`);
  return n;
}

/** Split at `sep` where no backslash precedes it. */
function splitUnescaped(s: string, sep: number): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === sep && s.charCodeAt(i - 1) !== BACKSLASH) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

/** Undo escapeMeasurement (`, ` and space) or escapeKey (also `=`): drop the backslash before them. */
function unescape(s: string, equals: boolean): string {
  if (s.indexOf("\\") < 0) return s;
  return s.replace(equals ? /\\([,= ])/g : /\\([, ])/g, "$1");
}

function unescapeString(s: string): string {
  return s.indexOf("\\") < 0 ? s : s.replace(/\\(.)/gs, "$1");
}
