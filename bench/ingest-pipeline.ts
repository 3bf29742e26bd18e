// Ingest throughput and latency against the ceilings of the services it sits between, measured in the same run:
//   1. MQTT → durable spool (PUBACK sent), 1 point per message, vs. Mosquitto's QoS 1 ceiling: a bare mqtt.js
//      subscriber that acknowledges at once and does nothing else.                     goal: ratio ≥ 0.8
//   2. MQTT → InfluxDB, 20 points per message, vs. InfluxDB's raw write ceiling: the same points as
//      pre-built line protocol in 5,000-line POSTs on one connection.                   goal: ratio ≥ 0.6
//   3. publish → written to InfluxDB (queryable), at a steady rate below the ceiling.    goal: p99 < 2 s
//   4. the embedded store with a KPI-sized history: write rate, and a per-machine, per-signal one-day range
//      by its clustered index vs. a scan of the same rows.
// The publisher runs in a process of its own, for ours and for the baselines alike. The
// broker is a Mosquitto of the bench's own (queue limits high enough that it never drops a QoS 1 message).
// Needs the test services: `sh scripts/services.sh up`. Run: npx tsx bench/ingest-pipeline.ts [scale]
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import pino from "pino";
import YAML from "yaml";
import { parseConfig } from "../ingest/core/config";
import { startIngest, type IngestService } from "../ingest/core/service";
import { signalPoint } from "../ingest/core/point";
import type { Point, SinkPlugin } from "../ingest/core/types";
import { TelemetryStore } from "../ingest/sinks/embedded/store";
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

// ------------------------------------------------------------------ publisher (its own process)

const PUBLISHER = `
const mqtt = require("mqtt");
const { url, topicPrefix, count, pointsPerMessage, inFlight, ratePerSec, t0 } = JSON.parse(process.env.ZP_BENCH_PUBLISH);
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
  process.send({ publishedMs: Date.now() - started });
  await client.endAsync();
  process.disconnect();
})().catch((err) => { process.send({ error: String(err) }); process.disconnect(); });
`;

/** Publish from a separate process, so the ingest's own CPU time can be measured apart. */
function publish(opts: { topicPrefix: string; count: number; pointsPerMessage: number; inFlight?: number; ratePerSec?: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", PUBLISHER], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, ZP_BENCH_PUBLISH: JSON.stringify({ url: MQTT_URL, inFlight: 500, ratePerSec: 0, t0: T0, ...opts }) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.once("message", (m: { publishedMs?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.publishedMs!)));
    child.once("error", reject);
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

async function startOurs(name: string, pointsPerMessage: number, sinkType: "influx" | "none", sync: "full" | "normal" = "full"): Promise<Ours> {
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-"));
  const database = `bench_${name}_${run}`;
  const prefix = `bench/${run}/${name}`;
  const fields = pointsPerMessage === 1 ? [{ path: "v", type: "float" }] : Array.from({ length: pointsPerMessage }, (_, k) => ({ path: `s${k}`, type: "float" }));
  const config = {
    dataDir: dir,
    http: { enabled: false },
    log: { level: "warn" },
    spool: { sync },
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

/** 1: messages per second until the last PUBACK (everything durable in the spool), and our CPU per message. */
async function oursToSpool(count: number, sync: "full" | "normal"): Promise<{ rate: number; emitsPerCommit: number; cpuUs: number }> {
  const o = await startOurs(`spool${sync}`, 1, "none", sync);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await publish({ topicPrefix: `bench/${run}/spool${sync}`, count, pointsPerMessage: 1 });
  let total = 0;
  while (total < count) {
    await new Promise((r) => setTimeout(r, 2));
    total = await spooled(o);
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const hist = (await o.service.metrics.commitGroupSize.get()).values;
  const sum = hist.find((v) => v.metricName?.endsWith("_sum"))?.value ?? 0;
  const n = hist.find((v) => v.metricName?.endsWith("_count"))?.value ?? 1;
  await stopOurs(o);
  return { rate: (count / ms) * 1000, emitsPerCommit: sum / n, cpuUs: (used.user + used.system) / count };
}

/** 2: points per second from first publish to the last point written to InfluxDB, and our CPU per point. */
async function oursToInflux(messages: number, pointsPerMessage: number): Promise<{ rate: number; cpuUs: number }> {
  const o = await startOurs("influx", pointsPerMessage, "influx");
  const cpu = process.cpuUsage();
  const started = performance.now();
  await publish({ topicPrefix: `bench/${run}/influx`, count: messages, pointsPerMessage });
  await waitFor(() => o.written() >= messages * pointsPerMessage);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await stopOurs(o);
  const points = messages * pointsPerMessage;
  return { rate: (points / ms) * 1000, cpuUs: (used.user + used.system) / points };
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

/**
 * 4: the embedded store with a KPI-sized history (days × 1 Hz × machines): write rate, and a one-day range of
 * one machine's signal — clustered (series, time) index vs. the same rows in a plain table (a scan).
 */
async function embeddedStore(days: number, machines: number): Promise<{ writeRate: number; indexedMs: number; scanMs: number; rows: number }> {
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-store-"));
  const store = new TelemetryStore(join(dir, "telemetry.sqlite"));
  const seconds = days * 86_400;
  const refs = Array.from({ length: machines }, (_, m) => ({ enterprise: "e", line: "l", machine: `m${m}`, signal: "temperature", kind: "gauge" as const }));
  const started = performance.now();
  let batch: Point[] = [];
  for (let t = 0; t < seconds; t++) {
    for (const ref of refs) batch.push(signalPoint(ref, 40 + (t % 600) / 100, T0 + t * 1000, "good"));
    if (batch.length >= 5000) {
      store.write(batch);
      batch = [];
    }
  }
  if (batch.length) store.write(batch);
  const writeMs = performance.now() - started;
  const rows = seconds * machines;
  store.db.exec(`CREATE TABLE flat AS SELECT s.machine, s.signal, p.time, p.value FROM sample p JOIN series s ON s.id = p.series`);
  const from = T0 + Math.floor(days / 2) * 86_400_000;
  const to = from + 86_400_000;
  const timeIt = (fn: () => unknown) => {
    const t = performance.now();
    for (let i = 0; i < 5; i++) fn();
    return (performance.now() - t) / 5;
  };
  const indexed = store.db.prepare("SELECT p.time, p.value FROM sample p JOIN series s ON s.id = p.series WHERE s.machine = ? AND s.signal = ? AND p.time >= ? AND p.time < ?");
  const scan = store.db.prepare("SELECT time, value FROM flat WHERE machine = ? AND signal = ? AND time >= ? AND time < ?");
  const n1 = (indexed.all("m3", "temperature", from, to) as unknown[]).length;
  const n2 = (scan.all("m3", "temperature", from, to) as unknown[]).length;
  if (n1 !== 86_400 || n2 !== 86_400) throw new Error(`range query returned ${n1} / ${n2} rows, expected 86400`);
  const indexedMs = timeIt(() => indexed.all("m3", "temperature", from, to));
  const scanMs = timeIt(() => scan.all("m3", "temperature", from, to));
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { writeRate: (rows / writeMs) * 1000, indexedMs, scanMs, rows };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main() {
  const msgs1 = Math.round(60_000 * SCALE);
  const msgs20 = Math.round(10_000 * SCALE);
  const stopMosquitto = await startMosquitto();
  console.log(`ingest pipeline bench (scale ${SCALE}): own Mosquitto ${MQTT_URL}, InfluxDB ${INFLUX_URL}`);

  const ceiling = await mosquittoCeiling(msgs1);
  for (const sync of ["full", "normal"] as const) {
    const ours = await oursToSpool(msgs1, sync);
    console.log(
      `1. MQTT → spool (sync=${sync}), 1 point/msg, ${fmt(msgs1)} msgs: ours ${fmt(ours.rate)} msg/s, ${ours.cpuUs.toFixed(1)} µs CPU/msg, ` +
        `${ours.emitsPerCommit.toFixed(0)} msgs per group commit; Mosquitto QoS 1 ceiling ${fmt(ceiling)} msg/s; ratio ${(ours.rate / ceiling).toFixed(2)} (goal ≥ 0.8)`,
    );
  }

  const raw = await influxCeiling(msgs20 * 20);
  const ours20 = await oursToInflux(msgs20, 20);
  console.log(
    `2. MQTT → InfluxDB, 20 points/msg, ${fmt(msgs20 * 20)} points: ours ${fmt(ours20.rate)} points/s, ${ours20.cpuUs.toFixed(1)} µs CPU/point; ` +
      `InfluxDB raw write ceiling ${fmt(raw)} points/s; ratio ${(ours20.rate / raw).toFixed(2)} (goal ≥ 0.6)`,
  );

  const rate = Math.round(Math.min(10_000, ceiling * 0.5));
  const lat = await latency(rate, Math.max(2, Math.round(5 * SCALE)));
  console.log(`3. publish → written to InfluxDB at ${fmt(rate)} msg/s: p50 ${lat.p50} ms, p99 ${lat.p99} ms, max ${lat.max} ms (goal p99 < 2000 ms)`);
  stopMosquitto();

  const days = Math.max(1, Math.round(7 * SCALE));
  const st = await embeddedStore(days, 10);
  console.log(
    `4. embedded store, ${days} d × 1 Hz × 10 machines (${fmt(st.rows)} points): writes ${fmt(st.writeRate)} points/s; one machine's signal over one day: ` +
      `${st.indexedMs.toFixed(1)} ms by the (series, time) index vs ${st.scanMs.toFixed(1)} ms scanning a plain table; ${(st.scanMs / st.indexedMs).toFixed(0)}× faster`,
  );
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
