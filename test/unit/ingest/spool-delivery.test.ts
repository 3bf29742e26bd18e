// The spool (group commit, budget, restart) and the delivery loop (batching, retry, refusals, cursors) with a
// real SQLite file and a sink that records what it is given and answers as each test scripts it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Delivery, type DeliveryOptions } from "../../../ingest/core/delivery";
import { IngestMetrics } from "../../../ingest/core/metrics";
import { Pipeline } from "../../../ingest/core/pipeline";
import { Spool, type SpoolOptions } from "../../../ingest/core/spool";
import { SpoolStore } from "../../../ingest/core/spool-store";
import type { LineProtocolBatch, Point, Sink, WriteOutcome } from "../../../ingest/core/types";
import { DEFAULT_LIMITS } from "../../../ingest/core/validate";

const logger = pino({ level: "silent" });
const T = Date.UTC(2025, 0, 1);
const point = (i: number, machine = "m1"): Point => ({
  measurement: "gauge",
  tags: { enterprise: "e", line: "l", machine, signal: "s" },
  fields: { value: i, quality: "good" },
  time: T + i,
  quality: "good",
});

class ScriptedSink implements Sink {
  batches: Point[][] = [];
  answers: Array<(batch: Point[]) => WriteOutcome | Promise<WriteOutcome>> = [];
  constructor(readonly name = "test") {}
  async write(batch: Point[]): Promise<WriteOutcome> {
    const answer = this.answers.shift();
    const outcome = answer ? await answer(batch) : { kind: "ok" as const };
    if (outcome.kind !== "retry") this.batches.push(batch);
    return outcome;
  }
  async close() {}
  get times(): number[] {
    return this.batches.flat().map((p) => p.time - T);
  }
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let dir: string;
let stores: SpoolStore[] = [];
let deliveries: Delivery[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "zp-spool-"));
});
afterEach(async () => {
  for (const d of deliveries) await d.stop(0);
  for (const s of stores) s.close();
  deliveries = [];
  stores = [];
  rmSync(dir, { recursive: true, force: true });
});

function setup(opts: Partial<SpoolOptions> = {}, sinks: string[] = ["test"]) {
  const store = new SpoolStore(join(dir, "spool.sqlite"), "full");
  stores.push(store);
  store.setSinks(sinks);
  const metrics = new IngestMetrics();
  const spool = new Spool(store, { budgetBytes: 1e9, commitDelayMs: 0, chunkPoints: 1000, cachePoints: 100_000, ...opts }, metrics, logger);
  const pipeline = new Pipeline(spool, DEFAULT_LIMITS, metrics, logger);
  return { store, metrics, spool, pipeline };
}

function deliver(sink: Sink, s: ReturnType<typeof setup>, opts: Partial<DeliveryOptions> = {}): Delivery {
  const d = new Delivery(sink, s.spool, { batchSize: 5000, flushIntervalMs: 20, maxInFlight: 1, retryInitialMs: 5, retryMaxMs: 20, pollMs: 50, ...opts }, s.metrics, logger);
  deliveries.push(d);
  d.start();
  return d;
}

async function metric(metrics: IngestMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values as Array<{ labels: Record<string, string>; value: number }> | undefined)?.find((v) =>
    Object.entries(labels).every(([k, val]) => v.labels[k] === val),
  )?.value;
}

describe("spool: group commit", () => {
  it("commits emits of one event-loop turn in one transaction and acknowledges each only after it", async () => {
    const s = setup();
    const chunksWhenAcked: number[] = [];
    const order: number[] = [];
    const emits = [0, 1, 2].map((i) =>
      s.pipeline.emit("src", [point(i)], () => {
        order.push(i);
        chunksWhenAcked.push(s.store.getStats().points);
      }),
    );
    expect(order).toEqual([]); // nothing acknowledged before the commit
    await Promise.all(emits);
    expect(order).toEqual([0, 1, 2]);
    expect(chunksWhenAcked).toEqual([3, 3, 3]); // all three on disk when the first was acknowledged
    expect(s.store.listChunks(0, 10).map((c) => c.count)).toEqual([3]); // one commit, one chunk
  });

  it("dead-letters invalid points with their reason and spools the rest of the same emit", async () => {
    const s = setup();
    await s.pipeline.emit("src", [point(1), { ...point(2), fields: { value: Number.NaN } }, point(3)]);
    expect(s.store.getStats().points).toBe(2);
    const [letter] = s.store.listDeadLetters();
    expect(letter).toMatchObject({ source: "src", stage: "validation", reason: "non_finite", detail: "field value is NaN" });
    expect(letter.point?.tags).toEqual(point(2).tags);
    expect(await metric(s.metrics, "zhiping_ingest_dead_letters_total", { reason: "non_finite" })).toBe(1);
    expect(await metric(s.metrics, "zhiping_ingest_points_spooled_total", { source: "src" })).toBe(2);
  });

  it("emit([]) after a dead letter acknowledges only once the dead letter is on disk", async () => {
    const s = setup();
    let letters = -1;
    s.pipeline.deadLetter({ source: "src", reason: "malformed_json", raw: "{x", origin: "t/1" });
    await s.pipeline.emit("src", [], () => (letters = s.store.countDeadLetters()));
    expect(letters).toBe(1);
  });

  it("chunks large emits to the chunk size", async () => {
    const s = setup({ chunkPoints: 4 });
    await s.pipeline.emit("src", Array.from({ length: 10 }, (_, i) => point(i)));
    expect(s.store.listChunks(0, 10).map((c) => c.count)).toEqual([4, 4, 2]);
  });

  it("over its budget stops acknowledging and raises the alarm; resumes when a sink drains it", async () => {
    const s = setup({ budgetBytes: 1 });
    await s.pipeline.emit("src", [point(1)]); // under budget (empty): committed
    let acked = false;
    const second = s.pipeline.emit("src", [point(2)], () => (acked = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(acked).toBe(false);
    expect(s.spool.backpressure).toBe(true);
    expect(await metric(s.metrics, "zhiping_ingest_backpressure")).toBe(1);
    expect(await metric(s.metrics, "zhiping_ingest_alarm", { alarm: "spool_full" })).toBe(1);
    const sink = new ScriptedSink();
    deliver(sink, s);
    await second;
    expect(acked).toBe(true);
    await until("both points written", () => sink.times.length === 2);
    expect(sink.times).toEqual([1, 2]);
    expect(await metric(s.metrics, "zhiping_ingest_alarm", { alarm: "spool_full" })).toBe(0);
  });

  it("after a restart, delivers everything that was committed and never delivered", async () => {
    const first = setup();
    await first.pipeline.emit("src", [point(1), point(2)]);
    await first.pipeline.emit("src", [point(3)]);
    first.store.close();
    const again = setup();
    const sink = new ScriptedSink();
    deliver(sink, again);
    await until("replay", () => sink.times.length === 3);
    expect(sink.times).toEqual([1, 2, 3]);
    await until("spool emptied", () => again.store.getStats().points === 0);
  });
});

describe("delivery: batches, retries, refusals", () => {
  it("cuts full batches at once and writes a partial batch only after flushInterval", async () => {
    const s = setup({ chunkPoints: 2 });
    const sink = new ScriptedSink();
    deliver(sink, s, { batchSize: 4, flushIntervalMs: 300 });
    const committedAt = Date.now();
    await s.pipeline.emit("src", Array.from({ length: 10 }, (_, i) => point(i)));
    await until("two full batches", () => sink.batches.length === 2);
    expect(sink.batches.map((b) => b.length)).toEqual([4, 4]);
    await until("the partial batch", () => sink.batches.length === 3);
    expect(Date.now() - committedAt).toBeGreaterThanOrEqual(300);
    expect(sink.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(sink.times).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("retries a failing batch with backoff until it succeeds, with the alarm up meanwhile", async () => {
    const s = setup();
    const sink = new ScriptedSink();
    let alarmWhileFailing: number | undefined;
    sink.answers = [
      () => ({ kind: "retry", error: "HTTP 401", alarm: "unauthorized" }),
      () => ({ kind: "retry", error: "HTTP 401", alarm: "unauthorized" }),
      () => {
        void metric(s.metrics, "zhiping_ingest_alarm", { component: "test", alarm: "unauthorized" }).then((v) => (alarmWhileFailing = v));
        return { kind: "ok" };
      },
    ];
    const d = deliver(sink, s);
    await s.pipeline.emit("src", [point(1), point(2)]);
    await until("written", () => sink.batches.length === 1);
    expect(sink.times).toEqual([1, 2]);
    expect(alarmWhileFailing).toBe(1);
    expect(await metric(s.metrics, "zhiping_ingest_sink_retries_total", { sink: "test", reason: "unauthorized" })).toBe(2);
    expect(await metric(s.metrics, "zhiping_ingest_alarm", { component: "test", alarm: "unauthorized" })).toBe(0);
    expect(d.health.state).toBe("ok");
    await until("cursor moved", () => s.store.getStats().points === 0);
  });

  it("keeps a batch when the sink throws, and writes it later", async () => {
    const s = setup();
    const sink = new ScriptedSink();
    sink.answers = [
      () => {
        throw new Error("bug");
      },
    ];
    deliver(sink, s);
    await s.pipeline.emit("src", [point(7)]);
    await until("written after the throw", () => sink.batches.length === 1);
    expect(sink.times).toEqual([7]);
    expect(await metric(s.metrics, "zhiping_ingest_sink_retries_total", { sink: "test", reason: "transient" })).toBe(1);
  });

  it("turns refused points into dead letters and moves on", async () => {
    const s = setup();
    const sink = new ScriptedSink();
    sink.answers = [(batch) => ({ kind: "partial", rejected: [{ point: batch[1], reason: "field_type_conflict: value is integer, already float" }] })];
    deliver(sink, s);
    await s.pipeline.emit("src", [point(1), point(2), point(3)]);
    await until("spool empty", () => s.store.getStats().points === 0);
    const letters = s.store.listDeadLetters();
    expect(letters.map((l) => [l.source, l.stage, l.reason, l.detail, l.point?.time])).toEqual([
      ["test", "sink", "field_type_conflict", "field_type_conflict: value is integer, already float", T + 2],
    ]);
    expect(await metric(s.metrics, "zhiping_ingest_points_written_total", { sink: "test" })).toBe(2);
  });

  it("with two batches in flight, moves the cursor only over finished batches in order", async () => {
    const s = setup({ chunkPoints: 2 });
    const sink = new ScriptedSink();
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    sink.answers = [
      async () => {
        await firstHeld;
        return { kind: "ok" };
      },
      () => ({ kind: "ok" }),
    ];
    deliver(sink, s, { batchSize: 2, maxInFlight: 2 });
    await s.pipeline.emit("src", [point(1), point(2), point(3), point(4)]);
    await until("second batch written", () => sink.batches.length === 1);
    expect(sink.times).toEqual([3, 4]);
    expect(s.store.cursor("test")).toBe(0); // the first batch is still out: nothing may be deleted
    expect(s.store.getStats().points).toBe(4);
    releaseFirst();
    await until("cursor past both", () => s.store.getStats().points === 0);
    expect(s.store.cursor("test")).toBe(2);
  });

  it("with two sinks, deletes a chunk only once both have written it", async () => {
    const s = setup({}, ["a", "b"]);
    const a = new ScriptedSink("a");
    const b = new ScriptedSink("b");
    let releaseB!: () => void;
    const held = new Promise<void>((r) => (releaseB = r));
    b.answers = [
      async () => {
        await held;
        return { kind: "ok" };
      },
    ];
    deliver(a, s);
    deliver(b, s);
    await s.pipeline.emit("src", [point(1)]);
    await until("a wrote", () => a.batches.length === 1);
    expect(s.store.getStats().points).toBe(1);
    releaseB();
    await until("both wrote, chunk deleted", () => s.store.getStats().points === 0);
    expect(b.times).toEqual([1]);
  });
});

/** A sink that takes line protocol (like the InfluxDB sink) and records the bodies it was handed. */
class LineSink implements Sink {
  bodies: string[] = [];
  constructor(readonly name = "test") {}
  async write(): Promise<WriteOutcome> {
    throw new Error("the delivery must prefer writeLineProtocol");
  }
  async writeLineProtocol(batch: LineProtocolBatch): Promise<WriteOutcome> {
    this.bodies.push(batch.bodies().map((b) => b.toString("utf8")).join(""));
    return { kind: "ok" };
  }
  async close() {}
}

describe("delivery: line protocol as spooled", () => {
  const line = (i: number) => `gauge,enterprise=e,line=l,machine=m1,signal=s quality="good",value=${i} ${T + i}\n`;

  it("hands a line-protocol sink the chunks' bytes as they were encoded at intake", async () => {
    const s = setup({ chunkPoints: 2 });
    const sink = new LineSink();
    deliver(sink, s);
    await s.pipeline.emit("src", [point(1), point(2), point(3)]);
    await until("written", () => sink.bodies.length === 1);
    // fields in the point's order: value, then quality
    expect(sink.bodies[0]).toBe([1, 2, 3].map((i) => `gauge,enterprise=e,line=l,machine=m1,signal=s value=${i},quality="good" ${T + i}\n`).join(""));
    expect(s.store.listChunks(0, 10).map((c) => c.count)).toEqual([]); // delivered and deleted
    expect(await metric(s.metrics, "zhiping_ingest_points_written_total", { sink: "test" })).toBe(3);
  });

  it("delivers chunks an earlier version spooled (format 2) as line protocol", async () => {
    const s = setup();
    const v2 = '[2,[["enterprise","line","machine","signal"]],[["gauge",0,"e","l","m1","s"]],[["quality","value"]],1735689600000,[0,0,1,0,"good",1,0,0,2,0,"good",2]]';
    s.store.db.prepare("INSERT INTO spool_chunk (created, count, bytes, points) VALUES (?, 2, ?, ?)").run(Date.now(), v2.length, Buffer.from(v2));
    s.store.refreshStats();
    const sink = new LineSink();
    deliver(sink, s, { flushIntervalMs: 0 });
    await until("written", () => sink.bodies.length === 1);
    expect(sink.bodies[0]).toBe(line(1) + line(2));
    await until("spool emptied", () => s.store.getStats().points === 0);
  });

  it("records progress with the fsync relaxed, then puts synchronous=FULL back for the next commit", async () => {
    const s = setup();
    // The synchronous setting each transaction of the store runs under: 2 = FULL, 1 = NORMAL.
    const db = s.store.db;
    const under: number[] = [];
    const transaction = db.transaction.bind(db);
    db.transaction = ((fn: (...args: unknown[]) => unknown) =>
      transaction((...args: unknown[]) => {
        under.push(db.pragma("synchronous", { simple: true }) as number);
        return fn(...args);
      })) as typeof db.transaction;
    const sink = new LineSink();
    deliver(sink, s);
    await s.pipeline.emit("src", [point(1)]);
    await until("spool emptied", () => s.store.getStats().points === 0);
    expect(under).toEqual([2, 1]); // the commit under FULL, the progress under NORMAL
    expect(db.pragma("synchronous", { simple: true })).toBe(2); // FULL, for the next commit
  });
});
