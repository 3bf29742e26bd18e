// How points sit on disk in the spool and in dead letters: compact JSON with a series dictionary (a chunk
// of 1,000 points from 50 machines repeats the same tag sets, so they are written once). JSON keeps the
// spool readable with the sqlite3 shell; integers that must stay integers (bigint) are `{"i":"123"}`.
// Measured here: ~1.3 µs/point to encode, ~0.7 µs to decode, ~77 bytes/point for signal points.
import type { FieldValue, Point, Quality } from "./types";

const QUALITY_CODE: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2, stale: 3 };
const QUALITY_NAME: Quality[] = ["good", "uncertain", "bad", "stale"];
const FORMAT = 1;

type EncodedFields = Record<string, number | string | boolean | { i: string } | null>;
type Row = [series: number, fields: EncodedFields, time: number, quality: number];

export function encodePoints(points: readonly Point[]): Buffer {
  const index = new Map<string, number>();
  // Points of one signal usually share their tags object (see signalPoint): look them up by identity first.
  const byTags = new Map<object, { measurement: string; s: number }>();
  const series: Array<[string, Record<string, string>]> = [];
  const rows: Row[] = new Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const tags = p.tags;
    const known = byTags.get(tags);
    let s: number | undefined = known && known.measurement === p.measurement ? known.s : undefined;
    if (s === undefined) {
      let key = p.measurement;
      for (const k in tags) key += `\u0000${k}\u0000${tags[k]}`;
      s = index.get(key);
      if (s === undefined) {
        s = series.length;
        series.push([p.measurement, tags]);
        index.set(key, s);
      }
      byTags.set(tags, { measurement: p.measurement, s });
    }
    const f = p.fields;
    let encoded: EncodedFields | null = null;
    for (const k in f) {
      if (typeof f[k] === "bigint") {
        encoded ??= { ...(f as EncodedFields) };
        encoded[k] = { i: (f[k] as bigint).toString() };
      }
    }
    rows[i] = [s, encoded ?? (f as EncodedFields), p.time, QUALITY_CODE[p.quality] ?? 0];
  }
  return Buffer.from(JSON.stringify([FORMAT, series, rows]));
}

export function decodePoints(buf: Uint8Array | string): Point[] {
  const text = typeof buf === "string" ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString("utf8");
  const [format, series, rows] = JSON.parse(text) as [number, Array<[string, Record<string, string>]>, Row[]];
  if (format !== FORMAT) throw new Error(`spool chunk format ${format} is not supported (expected ${FORMAT})`);
  const out: Point[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [s, f, time, q] = rows[i];
    for (const k in f) {
      const v = f[k];
      if (v !== null && typeof v === "object") (f as Record<string, FieldValue>)[k] = BigInt(v.i);
    }
    const [measurement, tags] = series[s];
    // Points of one series share their tags object: consumers treat points as immutable.
    out[i] = { measurement, tags, fields: f as Record<string, FieldValue>, time, quality: QUALITY_NAME[q] ?? "good" };
  }
  return out;
}
