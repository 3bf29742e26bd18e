// One contract, two sinks: the InfluxDB sink against the real InfluxDB from the test services, and the
// embedded SQLite store. Both must write, read back exactly, overwrite the same series + timestamp, keep one
// type per field, refuse exactly the conflicting points, and keep awkward tag values intact — given points,
// and given what the delivery gives them: the spool's chunks (line protocol, format 3) sent as they are to
// InfluxDB, decoded for the embedded store.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { escape } from "influx";
import { afterAll, describe, expect, it } from "vitest";
import { ChunkBatch, encodeChunk } from "../../../ingest/core/point-codec";
import type { FieldValue, Point, Sink } from "../../../ingest/core/types";
import { EmbeddedSink } from "../../../ingest/sinks/embedded";
import { TelemetryStore, type FieldType } from "../../../ingest/sinks/embedded/store";
import { InfluxSink } from "../../../ingest/sinks/influx";
import { requireService, uniqueName } from "../../support/services";

interface Row {
  time: number;
  tags: Record<string, string>;
  fields: Record<string, FieldValue | null>;
}

interface Subject {
  sink: Sink;
  read(measurement: string): Promise<Row[]>;
  fieldTypes(measurement: string): Promise<Record<string, FieldType>>;
  close(): Promise<void>;
}

const T = Date.UTC(2025, 2, 1, 8, 0, 0);
const TAG_KEYS = ["enterprise", "line", "machine", "signal"];

function p(measurement: string, machine: string, signal: string, fields: Record<string, FieldValue>, dt: number): Point {
  return { measurement, tags: { enterprise: "宁波示例", line: "L1", machine, signal }, fields, time: T + dt, quality: "good" };
}

/** Numbers compared as numbers: InfluxDB's JSON does not tell 5 from 5i (field types are checked apart). */
function norm(fields: Record<string, FieldValue | null>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== null) out[k] = typeof v === "bigint" ? Number(v) : v;
  return out;
}

const influxUrl = requireService("influx");

function influxSubject(): Subject {
  const database = uniqueName("zp_contract");
  const sink = new InfluxSink("influx", { url: influxUrl!, database, createDatabase: true, timeout: 10_000, gzip: true });
  const query = async (q: string) => (await sink.writer.query(q)) as { results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }>; error?: string }> };
  return {
    sink,
    async read(measurement) {
      const res = await query(`SELECT * FROM ${escape.measurement(measurement)} ORDER BY time`);
      const series = res.results[0].series?.[0];
      if (!series) return [];
      return series.values.map((row) => {
        const tags: Record<string, string> = {};
        const fields: Record<string, FieldValue | null> = {};
        series.columns.forEach((c, i) => {
          if (c === "time") return;
          if (TAG_KEYS.includes(c)) tags[c] = row[i] as string;
          else fields[c] = row[i] as FieldValue | null;
        });
        return { time: row[0] as number, tags, fields };
      });
    },
    async fieldTypes(measurement) {
      const res = await query(`SHOW FIELD KEYS FROM ${escape.measurement(measurement)}`);
      return Object.fromEntries((res.results[0].series?.[0].values ?? []).map(([k, t]) => [k as string, t as FieldType]));
    },
    async close() {
      await query(`DROP DATABASE ${escape.quoted(database)}`);
      await sink.close();
    },
  };
}

function embeddedSubject(): Subject {
  const dir = mkdtempSync(join(tmpdir(), "zp-contract-"));
  const store = new TelemetryStore(join(dir, "telemetry.sqlite"));
  const sink = new EmbeddedSink("embedded", store);
  return {
    sink,
    async read(measurement) {
      // The store answers series by series; order by time like InfluxDB's SELECT does.
      return store
        .query({ measurement })
        .map((r) => ({ time: r.time, tags: r.tags, fields: r.fields }))
        .sort((a, b) => a.time - b.time);
    },
    async fieldTypes(measurement) {
      return store.fieldKeys(measurement);
    },
    async close() {
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The points as the delivery hands them over: spool chunks of at most 1,000 points each. */
function spooled(points: Point[]): ChunkBatch {
  const blobs: Buffer[] = [];
  for (let i = 0; i < points.length; i += 1000) blobs.push(encodeChunk(points.slice(i, i + 1000)));
  return new ChunkBatch(blobs, points.length);
}

/** Writes go the delivery's way: line protocol as spooled when the sink takes it, else decoded points. */
function throughSpool(make: () => Subject): () => Subject {
  return () => {
    const s = make();
    const inner = s.sink;
    const write = (points: Point[]) => (inner.writeLineProtocol ? inner.writeLineProtocol(spooled(points)) : inner.write(spooled(points).points()));
    return { ...s, sink: { name: inner.name, write, close: () => inner.close() } };
  };
}

const subjects: Array<[string, () => Subject, boolean]> = [
  ["influx (real InfluxDB)", influxSubject, !influxUrl],
  ["influx (real InfluxDB), spooled line protocol as it is", throughSpool(influxSubject), !influxUrl],
  ["embedded (SQLite)", embeddedSubject, false],
  ["embedded (SQLite), points decoded from spool chunks", throughSpool(embeddedSubject), false],
];

describe.each(subjects)("sink contract: %s", (_name, make, skip) => {
  const opened: Subject[] = [];
  const subject = () => {
    const s = make();
    opened.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  it.skipIf(skip)("writes every field type and reads back the exact values, times and tags", async () => {
    const s = subject();
    const points = [
      p("gauge", "cnc-01", "temperature", { quality: "good", value: 41.25 }, 0),
      p("gauge", "cnc-01", "temperature", { quality: "uncertain", value: -3.5e-7, status: 1083310080n }, 1000),
      p("counter", "cnc-01", "good_parts", { quality: "good", value: 9007199254740993n }, 0),
      p("flag", "cnc-01", "alarm", { quality: "good", value: true }, 0),
      p("text", "cnc-01", "program", { quality: "good", value: 'O1234 "roughing" \\ 粗加工' }, 0),
      p("gauge", "cnc-01", "temperature", { quality: "bad", status: 2150891520n }, 2000),
    ];
    expect(await s.sink.write(points)).toEqual({ kind: "ok" });
    const gauge = await s.read("gauge");
    expect(gauge.map((r) => [r.time - T, norm(r.fields)])).toEqual([
      [0, { quality: "good", value: 41.25 }],
      [1000, { quality: "uncertain", value: -3.5e-7, status: 1083310080 }],
      [2000, { quality: "bad", status: 2150891520 }],
    ]);
    expect(gauge[0].tags).toEqual({ enterprise: "宁波示例", line: "L1", machine: "cnc-01", signal: "temperature" });
    expect((await s.read("flag")).map((r) => r.fields.value)).toEqual([true]);
    expect((await s.read("text")).map((r) => r.fields.value)).toEqual(['O1234 "roughing" \\ 粗加工']);
    expect(await s.fieldTypes("gauge")).toEqual({ quality: "string", status: "integer", value: "float" });
    expect(await s.fieldTypes("counter")).toEqual({ quality: "string", value: "integer" });
    expect(await s.fieldTypes("flag")).toEqual({ quality: "string", value: "boolean" });
    expect(await s.fieldTypes("text")).toEqual({ quality: "string", value: "string" });
    // InfluxDB answers integers as JSON numbers: beyond 2^53 only the embedded store keeps every digit.
    const counter = await s.read("counter");
    expect(Number(counter[0].fields.value)).toBe(9007199254740992);
  });

  it.skipIf(skip)("overwrites the same series and timestamp: the newer fields win, the others stay", async () => {
    const s = subject();
    expect(await s.sink.write([p("gauge", "m", "t", { quality: "good", value: 1 }, 0), p("gauge", "m", "t", { quality: "good", value: 2 }, 1)])).toEqual({ kind: "ok" });
    // A replay of the same point (at-least-once delivery) changes nothing.
    expect(await s.sink.write([p("gauge", "m", "t", { quality: "good", value: 1 }, 0)])).toEqual({ kind: "ok" });
    expect(await s.sink.write([p("gauge", "m", "t", { quality: "good", value: 5 }, 1), p("gauge", "m", "t", { quality: "bad", status: 7n }, 0)])).toEqual({ kind: "ok" });
    const rows = await s.read("gauge");
    expect(rows.map((r) => [r.time - T, norm(r.fields)])).toEqual([
      [0, { quality: "bad", status: 7, value: 1 }],
      [1, { quality: "good", value: 5 }],
    ]);
  });

  it.skipIf(skip)("keeps awkward tag values intact: spaces, commas, =, quotes, backslashes, Chinese", async () => {
    const s = subject();
    const machines = ["M 1", "a,b", "k=v", "一号 机床", 'q"uote', "back\\slash", "mix, =\\x"];
    const points = machines.map((m, i) => p("gauge", m, "s p,e=c", { value: i }, i));
    expect(await s.sink.write(points)).toEqual({ kind: "ok" });
    const rows = await s.read("gauge");
    expect(rows.map((r) => [r.tags.machine, r.tags.signal, r.fields.value])).toEqual(machines.map((m, i) => [m, "s p,e=c", i]));
  });

  it.skipIf(skip)("refuses exactly the points whose field type conflicts, and writes the rest of the batch", async () => {
    const s = subject();
    expect(await s.sink.write([p("gauge", "m", "t", { value: 1.5 }, 0)])).toEqual({ kind: "ok" });
    const batch = [
      p("gauge", "m", "t", { value: 2.5 }, 1),
      p("gauge", "m", "t", { value: 3n }, 2), // integer into a float field
      p("gauge", "m", "u", { value: 4.5 }, 3),
      p("gauge", "m", "v", { value: "five" }, 4), // string into a float field
      p("gauge", "m", "t", { value: 6.5 }, 5),
    ];
    const outcome = await s.sink.write(batch);
    expect(outcome.kind).toBe("partial");
    const rejected = outcome.kind === "partial" ? outcome.rejected : [];
    expect(rejected.map((r) => r.point.time - T)).toEqual([2, 4]);
    for (const r of rejected) expect(r.reason).toMatch(/^field_type_conflict: .*field type conflict/);
    expect((await s.read("gauge")).map((r) => r.time - T)).toEqual([0, 1, 3, 5]);
  });

  it.skipIf(skip)("writes a 5,000-point batch across 50 series", async () => {
    const s = subject();
    const points = Array.from({ length: 5000 }, (_, i) => p("gauge", `m${i % 50}`, "x", { value: i / 2 }, Math.floor(i / 50)));
    expect(await s.sink.write(points)).toEqual({ kind: "ok" });
    const rows = await s.read("gauge");
    expect(rows.length).toBe(5000);
    expect(rows.reduce((sum, r) => sum + (r.fields.value as number), 0)).toBe((4999 * 5000) / 4);
  });
});
