// Ingest throughput and latency against the ceilings of the services it sits between, measured in the same run:
//   1. MQTT → durable spool (PUBACK sent), 1 point per message, vs. Mosquitto's QoS 1 ceiling: a bare mqtt.js
//      subscriber that acknowledges at once and does nothing else.                     goal: ratio ≥ 0.8
//   2. MQTT → InfluxDB, 20 points per message, vs. InfluxDB's raw write ceiling: the same points as
//      pre-built line protocol in 5,000-line POSTs on one connection.                   goal: ratio ≥ 0.6
//   3. publish → written to InfluxDB (queryable), at a steady rate below the ceiling.    goal: p99 < 2 s
// The publisher runs in a worker thread (its own event loop), for ours and for the baselines alike. The
// broker is a Mosquitto of the bench's own (queue limits high enough that it never drops a QoS 1 message).
// Needs the test services: `sh scripts/services.sh up`. Run: npx tsx bench/ingest-pipeline.ts [scale]
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import mqtt from "mqtt";
import pino from "pino";
import YAML from "yaml";
import { parseConfig } from "../ingest/core/config";
import { startIngest, type IngestService } from "../ingest/core/service";
import type { Point, SinkPlugin } from "../ingest/core/types";
import { sinkPlugins } from "../ingest/sinks";
import { toLines } from "../ingest/sinks/influx/line-protocol";
import { sourcePlugins } from "../ingest/sources";

const SCALE = Number(process.argv[2] ?? 1);
const env = readServices();
const MOSQUITTO = process.env.ZP_MOSQUITTO_BIN || env.ZP_MOSQUITTO_BIN;
const INFLUX_URL = process.env.ZP_INFLUX_URL || env.ZP_INFLUX_URL;
if (!MOSQUITTO || !INFLUX_URL) {
  console.error("needs ZP_MOSQUITTO_BIN and ZP_INFLUX_URL: run `sh scripts/services.sh up` first");
  process.exit(2);
}
let MQTT_URL = "";
const run = Date.now().toString(36);
const T0 = Date.UTC(2025, 0, 1);

function readServices(): Record<string, string> {
  const file = new URL("../.services/env", import.meta.url);
  if (!existsSync(file)) return {};
  return Object.fromEntries([...readFileSync(file, "utf8").matchAll(/^export (\w+)='(.*)'$/gm)].map((m) => [m[1], m[2]]));
}

async function startMosquitto(): Promise<() => void> {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-mqtt-"));
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, "m.conf"), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 10000000\nmax_inflight_messages 0\n`);
  const child = spawn(MOSQUITTO!, ["-c", join(dir, "m.conf")], { stdio: "ignore" });
  MQTT_URL = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const c = await mqtt.connectAsync(MQTT_URL, { reconnectPeriod: 0, connectTimeout: 300 }).catch(() => null);
    if (c) {
      await c.endAsync();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return () => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
}

// ------------------------------------------------------------------ publisher (worker thread)

const PUBLISHER = `
const { parentPort, workerData } = require("node:worker_threads");
const mqtt = require("mqtt");
const { url, topicPrefix, count, pointsPerMessage, inFlight, ratePerSec, t0 } = workerData;
(async () => {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clean: true, clientId: topicPrefix.replace(/\\//g, "-") + "-pub" });
  let next = 0;
  const started = Date.now();
  const payload = (i) => {
    const ts = ratePerSec ? Date.now() : t0 + i;
    if (pointsPerMessage === 1) return JSON.stringify({ ts, v: i });
    const o = { ts };
    for (let k = 0; k < pointsPerMessage; k++) o["s" + k] = i + k / 100;
    return JSON.stringify(o);
  };
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (ratePerSec) {
        const due = started + (i / ratePerSec) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await client.publishAsync(topicPrefix + "/m" + (i % 10), payload(i), { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  parentPort.postMessage({ publishedMs: Date.now() - started });
  await client.endAsync();
})().catch((err) => { parentPort.postMessage({ error: String(err) }); });
`;

function publish(opts: { topicPrefix: string; count: number; pointsPerMessage: number; inFlight?: number; ratePerSec?: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(PUBLISHER, {
      eval: true,
      workerData: { url: MQTT_URL, inFlight: 500, ratePerSec: 0, t0: T0, ...opts },
    });
    w.once("message", (m: { publishedMs?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.publishedMs!)));
    w.once("error", reject);
  });
}

// ------------------------------------------------------------------ baselines

/** Mosquitto's QoS 1 ceiling: a subscriber that acknowledges each message at once and does nothing else. */
async function mosquittoCeiling(count: number): Promise<number> {
  const prefix = `bench/${run}/ceiling`;
  const sub = await mqtt.connectAsync(MQTT_URL, { protocolVersion: 5, clean: true, clientId: `bench-${run}-ceiling`, properties: { receiveMaximum: 2000 } });
  await sub.subscribeAsync(`${prefix}/#`, { qos: 1 });
  let received = 0;
  let started = 0;
  const done = new Promise<number>((resolve) =>
    sub.on("message", () => {
      if (received++ === 0) started = performance.now();
      if (received === count) resolve(performance.now() - started);
    }),
  );
  void publish({ topicPrefix: prefix, count, pointsPerMessage: 1 });
  const ms = await done;
  await sub.endAsync();
  return (count / ms) * 1000;
}

/** InfluxDB's raw write ceiling: the same kind of points as line protocol, 5,000 per POST, one connection. */
async function influxCeiling(points: number): Promise<number> {
  const database = `bench_raw_${run}`;
  await fetch(`${INFLUX_URL}/query?q=${encodeURIComponent(`CREATE DATABASE "${database}"`)}`, { method: "POST" });
  const batches: string[] = [];
  for (let start = 0; start < points; start += 5000) {
    const batch: Point[] = [];
    for (let i = start; i < Math.min(points, start + 5000); i++)
      batch.push({
        measurement: "gauge",
        tags: { enterprise: "e", line: "l", machine: `m${Math.floor(i / 20) % 10}`, signal: `s${i % 20}` },
        fields: { quality: "good", value: i / 100 },
        time: T0 + Math.floor(i / 20),
        quality: "good",
      });
    batches.push(toLines(batch));
  }
  const started = performance.now();
  for (const body of batches) {
    const res = await fetch(`${INFLUX_URL}/write?db=${database}&precision=ms`, { method: "POST", body });
    if (res.status !== 204) throw new Error(`raw write: HTTP ${res.status}`);
  }
  const ms = performance.now() - started;
  await fetch(`${INFLUX_URL}/query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, { method: "POST" });
  return (points / ms) * 1000;
}

// ------------------------------------------------------------------ ours

interface Ours {
  service: IngestService;
  dir: string;
  database: string;
  written: () => number;
  latencies: number[];
}

async function startOurs(name: string, pointsPerMessage: number, sinkType: "influx" | "none"): Promise<Ours> {
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-"));
  const database = `bench_${name}_${run}`;
  const prefix = `bench/${run}/${name}`;
  const fields = pointsPerMessage === 1 ? [{ path: "v", type: "float" }] : Array.from({ length: pointsPerMessage }, (_, k) => ({ path: `s${k}`, type: "float" }));
  const config = {
    dataDir: dir,
    http: { enabled: false },
    log: { level: "warn" },
    sources: [
      {
        type: "mqtt",
        name: "bench",
        url: MQTT_URL,
        clientId: `bench-${run}-${name}`,
        sessionExpiry: 0,
        subscriptions: [{ topic: `${prefix}/+`, json: { timestamp: { path: "ts", format: "unix_ms" }, fields } }],
      },
    ],
    sinks: [{ type: "influx", url: INFLUX_URL, database, createDatabase: true, batchSize: 5000, flushInterval: "200ms", maxInFlight: 2 }],
    registry: { conventions: [{ source: "mqtt", match: `${prefix}/{machine}`, enterprise: "e", line: "l" }] },
  };
  // Count what the sink writes and how long each point took from publish (its timestamp) to written.
  let written = 0;
  const latencies: number[] = [];
  const influx = sinkPlugins.influx;
  const counting: SinkPlugin = {
    ...influx,
    create(c, deps) {
      const sink = influx.create(c, deps);
      return {
        name: sink.name,
        close: () => sink.close(),
        async write(batch) {
          if (sinkType === "none") {
            written += batch.length;
            return { kind: "ok" };
          }
          const outcome = await sink.write(batch);
          if (outcome.kind === "ok") {
            const now = Date.now();
            written += batch.length;
            for (let i = 0; i < batch.length; i += 20) latencies.push(now - batch[i].time);
          }
          return outcome;
        },
      };
    },
  };
  const parsed = parseConfig(YAML.stringify(config), { configDir: dir, plugins: { sources: sourcePlugins, sinks: { ...sinkPlugins, influx: counting } } });
  const service = await startIngest(parsed, { logger: pino({ level: "warn" }) });
  await waitFor(() => (service.health().sources as any).bench?.state === "connected");
  return { service, dir, database, written: () => written, latencies };
}

async function stopOurs(o: Ours): Promise<void> {
  await o.service.stop();
  await fetch(`${INFLUX_URL}/query?q=${encodeURIComponent(`DROP DATABASE "${o.database}"`)}`, { method: "POST" });
  rmSync(o.dir, { recursive: true, force: true });
}

async function waitFor(check: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("bench timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function spooled(o: Ours): Promise<number> {
  const m = (await o.service.metrics.registry.getSingleMetric("zhiping_ingest_points_spooled_total")?.get())?.values ?? [];
  return m.reduce((s, v) => s + v.value, 0);
}

/** 1: messages per second until the last PUBACK (everything durable in the spool). */
async function oursToSpool(count: number): Promise<{ rate: number; emitsPerCommit: number }> {
  const o = await startOurs("spool", 1, "none");
  let started = 0;
  const timer = setInterval(async () => {
    if (!started && (await spooled(o)) > 0) started = performance.now();
  }, 1);
  void publish({ topicPrefix: `bench/${run}/spool`, count, pointsPerMessage: 1 });
  let total = 0;
  while (total < count) {
    await new Promise((r) => setTimeout(r, 5));
    total = await spooled(o);
  }
  const ms = performance.now() - started;
  clearInterval(timer);
  const hist = (await o.service.metrics.commitGroupSize.get()).values;
  const sum = hist.find((v) => v.metricName?.endsWith("_sum"))?.value ?? 0;
  const n = hist.find((v) => v.metricName?.endsWith("_count"))?.value ?? 1;
  await stopOurs(o);
  return { rate: (count / ms) * 1000, emitsPerCommit: sum / n };
}

/** 2: points per second from first publish to the last point written to InfluxDB. */
async function oursToInflux(messages: number, pointsPerMessage: number): Promise<number> {
  const o = await startOurs("influx", pointsPerMessage, "influx");
  const started = performance.now();
  await publish({ topicPrefix: `bench/${run}/influx`, count: messages, pointsPerMessage });
  await waitFor(() => o.written() >= messages * pointsPerMessage);
  const ms = performance.now() - started;
  await stopOurs(o);
  return ((messages * pointsPerMessage) / ms) * 1000;
}

/** 3: latency publish → written, at a steady rate. */
async function latency(ratePerSec: number, seconds: number): Promise<{ p50: number; p99: number; max: number }> {
  const o = await startOurs("latency", 1, "influx");
  const count = ratePerSec * seconds;
  await publish({ topicPrefix: `bench/${run}/latency`, count, pointsPerMessage: 1, ratePerSec, inFlight: 200 });
  await waitFor(() => o.written() >= count);
  const sorted = [...o.latencies].sort((a, b) => a - b);
  const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
  await stopOurs(o);
  return { p50: q(0.5), p99: q(0.99), max: sorted[sorted.length - 1] };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main() {
  const msgs1 = Math.round(60_000 * SCALE);
  const msgs20 = Math.round(10_000 * SCALE);
  const stopMosquitto = await startMosquitto();
  console.log(`ingest pipeline bench (scale ${SCALE}): own Mosquitto ${MQTT_URL}, InfluxDB ${INFLUX_URL}`);

  const ceiling = await mosquittoCeiling(msgs1);
  const ours1 = await oursToSpool(msgs1);
  console.log(
    `1. MQTT → spool, 1 point/msg, ${fmt(msgs1)} msgs: ours ${fmt(ours1.rate)} msg/s (${ours1.emitsPerCommit.toFixed(1)} msgs per group commit); ` +
      `Mosquitto QoS 1 ceiling ${fmt(ceiling)} msg/s; ratio ${(ours1.rate / ceiling).toFixed(2)} (goal ≥ 0.8)`,
  );

  const raw = await influxCeiling(msgs20 * 20);
  const ours20 = await oursToInflux(msgs20, 20);
  console.log(
    `2. MQTT → InfluxDB, 20 points/msg, ${fmt(msgs20 * 20)} points: ours ${fmt(ours20)} points/s; ` +
      `InfluxDB raw write ceiling ${fmt(raw)} points/s; ratio ${(ours20 / raw).toFixed(2)} (goal ≥ 0.6)`,
  );

  const rate = Math.round(Math.min(10_000, ceiling * 0.5));
  const lat = await latency(rate, Math.max(2, Math.round(5 * SCALE)));
  console.log(`3. publish → written to InfluxDB at ${fmt(rate)} msg/s: p50 ${lat.p50} ms, p99 ${lat.p99} ms, max ${lat.max} ms (goal p99 < 2000 ms)`);
  stopMosquitto();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
