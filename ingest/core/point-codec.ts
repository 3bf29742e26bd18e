// How points sit on disk in the spool and in dead letters, readable with the sqlite3 shell.
// Format 3 (written since the ingest CPU work): a one-line JSON header, then InfluxDB line protocol, one point
// per line, each ending in a newline — exactly what the InfluxDB sink sends, so a point is encoded once, at
// intake, and a chunk is written to InfluxDB as it is (no decoding, no rebuilding, no per-point objects on the
// way out). The header is `[3]`, or `[3,[[line, quality], …]]` for the rare point whose `quality` differs
// from its `quality` field (line protocol carries fields only; every source's points agree). ~85–90 bytes per
// signal point (format 2: ~57): more bytes on disk, but the encoding is done once (ADR 003).
// Format 2 (dictionaries for tag key sets, series and field key sets; one flat array of rows:
//   [2, tagKeySets, series: [measurement, tagKeySet, ...tagValues][], fieldKeySets, baseTime,
//    rows: [series, fieldKeySet, time − baseTime, quality, ...fieldValues, series, …]]
// integers as `{"i":"123"}`) and format 1 (rows of `[series, fields object, time, quality]`, series as
// `[measurement, tags object]`) are still read: a spool written by an earlier version is delivered.
// Dead letters' points are still written in format 2: it holds what validation refused (NaN, a name with a
// newline…), which line protocol could not.
import { encodeLine, parseLines } from "./line-protocol";
import type { FieldValue, LineProtocolBatch, Point, Quality } from "./types";

const QUALITY_CODE: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2, stale: 3 };
const QUALITY_NAME: Quality[] = ["good", "uncertain", "bad", "stale"];
const FORMAT = 3;

type Encoded = number | string | boolean | { i: string } | null;

const HEADER = `[${FORMAT}]\n`;
const HEADER_BYTES = HEADER.length;

const isQualityName = (q: unknown): q is Quality => q === "good" || q === "uncertain" || q === "bad" || q === "stale";

/**
 * A format 3 chunk built as points arrive: they are encoded at intake, while they are young in the garbage
 * collector's eyes, and the text of each run of points goes straight into one reused byte buffer — a long
 * string of lines kept until the chunk is full would survive scavenges and cost a flattening pass
 * (measured: ~0.5 µs per point more in the ingest process).
 */
export class ChunkBuilder {
  private buf = Buffer.allocUnsafeSlow(128 * 1024);
  /** Bytes used in `buf`, the header's included. */
  private used = HEADER_BYTES;
  private odd: Array<[number, number]> | null = null;
  count = 0;

  constructor() {
    this.buf.write(HEADER, 0, "latin1");
  }

  add(p: Point): void {
    this.addRange([p], 0, 1);
  }

  /** Add points[from, to). */
  addRange(points: readonly Point[], from: number, to: number): void {
    let text = "";
    for (let i = from; i < to; i++) {
      const p = points[i];
      text += encodeLine(p);
      const q = p.fields.quality;
      if (p.quality !== (isQualityName(q) ? q : "good")) (this.odd ??= []).push([this.count + i - from, QUALITY_CODE[p.quality] ?? 0]);
    }
    this.count += to - from;
    const worst = this.used + text.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (worst > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(worst, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    this.used += this.buf.write(text, this.used, "utf8");
  }

  /** The chunk's bytes (a copy of its own); the builder starts empty again. */
  finish(): Buffer {
    const body = this.buf.subarray(HEADER_BYTES, this.used);
    const out = this.odd ? Buffer.concat([Buffer.from(`[${FORMAT},${JSON.stringify(this.odd)}]\n`, "latin1"), body]) : Buffer.from(this.buf.subarray(0, this.used));
    this.used = HEADER_BYTES;
    this.odd = null;
    this.count = 0;
    return out;
  }
}


/** Format 3: a spool chunk of valid points (validate.ts), in one go. */
export function encodeChunk(points: readonly Point[]): Buffer {
  const b = new ChunkBuilder();
  b.addRange(points, 0, points.length);
  return b.finish();
}

interface SeriesKey {
  keys: string[];
  keySet: string;
  values: string[];
  /** measurement-independent identity of the tag set */
  key: string;
}

/** Tag sets of signal points are shared, frozen objects (see signalPoint): describe each one once per process. */
const frozenTags = new WeakMap<object, SeriesKey>();

function describeTags(tags: Record<string, string>): SeriesKey {
  const known = frozenTags.get(tags);
  if (known) return known;
  const keys = Object.keys(tags);
  const values = keys.map((k) => tags[k]);
  const keySet = keys.join("\u0000");
  let key = "";
  for (let i = 0; i < keys.length; i++) key += `\u0000${keys[i]}\u0000${values[i]}`;
  const d = { keys, keySet, values, key };
  if (Object.isFrozen(tags)) frozenTags.set(tags, d); // a mutable object may change: describe it anew
  return d;
}

/**
 * Format 2: for dead letters, whose point may be anything validation refused (NaN, a name with a newline…),
 * which line protocol could not hold.
 */
export function encodePoints(points: readonly Point[]): Buffer {
  const tagKeySets: string[][] = [];
  const tagKeySetIndex = new Map<string, number>();
  const series: Array<Array<string | number>> = [];
  const seriesIndex = new Map<string, number>();
  // Points of one series usually share their tags object: look them up by identity first.
  const byTags = new Map<object, { measurement: string; s: number }>();
  const fieldKeySets: string[][] = [];
  const fieldKeySetIndex = new Map<string, number>();
  const rows: Encoded[] = [];
  const base = points.length ? points[0].time : 0;
  let lastKeys: string[] | null = null;
  let lastKeySet = -1;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const known = byTags.get(p.tags);
    let s = known && known.measurement === p.measurement ? known.s : -1;
    if (s < 0) {
      const d = describeTags(p.tags);
      const id = `${p.measurement}${d.key}`;
      s = seriesIndex.get(id) ?? -1;
      if (s < 0) {
        let ks = tagKeySetIndex.get(d.keySet);
        if (ks === undefined) {
          ks = tagKeySets.length;
          tagKeySets.push(d.keys);
          tagKeySetIndex.set(d.keySet, ks);
        }
        s = series.length;
        series.push([p.measurement, ks, ...d.values]);
        seriesIndex.set(id, s);
      }
      byTags.set(p.tags, { measurement: p.measurement, s });
    }
    const f = p.fields;
    // Field key sets repeat from point to point (quality, value): compare with the last one before hashing.
    let fs = -1;
    if (lastKeys) {
      let j = 0;
      fs = lastKeySet;
      for (const k in f) {
        if (lastKeys[j++] !== k) {
          fs = -1;
          break;
        }
      }
      if (j !== lastKeys.length) fs = -1;
    }
    if (fs < 0) {
      const keys = Object.keys(f);
      const id = keys.join("\u0000");
      fs = fieldKeySetIndex.get(id) ?? -1;
      if (fs < 0) {
        fs = fieldKeySets.length;
        fieldKeySets.push(keys);
        fieldKeySetIndex.set(id, fs);
      }
      lastKeys = fieldKeySets[fs];
      lastKeySet = fs;
    }
    rows.push(s, fs, p.time - base, QUALITY_CODE[p.quality] ?? 0);
    for (const k in f) {
      const v = f[k];
      rows.push(typeof v === "bigint" ? { i: v.toString() } : v);
    }
  }
  return Buffer.from(JSON.stringify([2, tagKeySets, series, fieldKeySets, base, rows]));
}


/** Index of the newline after a format 3 header, or -1 for a chunk of an earlier format (one JSON value). */
function headerEnd(buf: Uint8Array): number {
  return buf[0] === 0x5b && buf[1] === 0x33 && (buf[2] === 0x5d || buf[2] === 0x2c) ? buf.indexOf(0x0a) : -1;
}

/**
 * A chunk's points as line protocol (each line ending in a newline). Format 3: a view of the same bytes;
 * an earlier format is decoded and encoded.
 */
export function chunkLines(buf: Buffer): Buffer {
  const end = headerEnd(buf);
  if (end >= 0) return buf.subarray(end + 1);
  const encoded = encodeChunk(decodePoints(buf));
  return encoded.subarray(headerEnd(encoded) + 1);
}

/** A batch of spooled chunks: their line protocol as stored, their points decoded only when asked for. */
export class ChunkBatch implements LineProtocolBatch {
  private lines: Buffer[] | null = null;
  private decoded: Point[] | null = null;

  constructor(
    private readonly blobs: Buffer[],
    readonly count: number,
  ) {}

  bodies(): Buffer[] {
    return (this.lines ??= this.blobs.map(chunkLines));
  }

  points(): Point[] {
    if (!this.decoded) {
      const out: Point[] = [];
      for (const blob of this.blobs) for (const p of decodePoints(blob)) out.push(p);
      this.decoded = out;
    }
    return this.decoded;
  }
}

export function decodePoints(buf: Uint8Array | string): Point[] {
  const bytes = typeof buf === "string" ? Buffer.from(buf, "utf8") : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = headerEnd(bytes);
  if (end >= 0) return decodeV3(JSON.parse(bytes.toString("utf8", 0, end)) as unknown[], bytes.toString("utf8", end + 1));
  const parsed = JSON.parse(bytes.toString("utf8")) as unknown[];
  if (parsed[0] === 2) return decodeV2(parsed);
  if (parsed[0] === 1) return decodeV1(parsed);
  throw new Error(`spool chunk format ${JSON.stringify(parsed[0])} is not supported (expected 1, 2 or ${FORMAT})`);
}

function decodeV3(header: unknown[], lines: string): Point[] {
  const points = parseLines(lines);
  const odd = (header[1] ?? []) as Array<[number, number]>;
  for (const [i, q] of odd) if (points[i]) points[i].quality = QUALITY_NAME[q] ?? "good";
  return points;
}

const fieldValue = (v: Encoded): FieldValue => (v !== null && typeof v === "object" ? BigInt(v.i) : (v as FieldValue));

function decodeV2(parsed: unknown[]): Point[] {
  const [, tagKeySets, series, fieldKeySets, base, rows] = parsed as [number, string[][], Array<Array<string | number>>, string[][], number, Encoded[]];
  // One tags object per series: consumers treat points as immutable, and sinks see series by identity.
  const tagsOf = series.map((entry) => {
    const keys = tagKeySets[entry[1] as number];
    const tags: Record<string, string> = {};
    for (let k = 0; k < keys.length; k++) tags[keys[k]] = entry[2 + k] as string;
    return tags;
  });
  const out: Point[] = [];
  let i = 0;
  while (i < rows.length) {
    const s = rows[i] as number;
    const keys = fieldKeySets[rows[i + 1] as number];
    const time = base + (rows[i + 2] as number);
    const quality = QUALITY_NAME[rows[i + 3] as number] ?? "good";
    i += 4;
    const fields: Record<string, FieldValue> = {};
    for (let k = 0; k < keys.length; k++) fields[keys[k]] = fieldValue(rows[i++]);
    out.push({ measurement: series[s][0] as string, tags: tagsOf[s], fields, time, quality });
  }
  return out;
}

type RowV1 = [series: number, fields: Record<string, Encoded>, time: number, quality: number];

function decodeV1(parsed: unknown[]): Point[] {
  const [, series, rows] = parsed as [number, Array<[string, Record<string, string>]>, RowV1[]];
  const out: Point[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [s, f, time, q] = rows[i];
    const fields: Record<string, FieldValue> = {};
    for (const k in f) fields[k] = fieldValue(f[k]);
    const [measurement, tags] = series[s];
    out[i] = { measurement, tags, fields, time, quality: QUALITY_NAME[q] ?? "good" };
  }
  return out;
}
