// How much can it take? One command, one run, one InfluxDB and one Mosquitto (the bench's own: fresh data
// dirs, free ports) for everything:
//   1. InfluxDB's raw write ceiling: pre-built line protocol in 5,000-point POSTs, one and four connections;
//   2. Mosquitto's delivery ceiling: QoS 1, one publisher → one subscriber;
//   3. Zhiping (the real `zhiping ingest` process): MQTT JSON at 1 and at 20 points per message, Sparkplug B
//      at 20 metrics per message;
//   4. the peer: Node-RED 4.1.8 + node-red-contrib-influxdb, a per-message and a batched flow.
// Gateways publish from processes of their own at QoS 1. Landed points are counted exactly in InfluxDB.
// Printed: points/s (first publish → last point queryable), CPU seconds per million points of every process,
// latency from publish to queryable at half that rate (p50/p99), and the ratios against the
// ceilings and against Node-RED, with the goals (targets reported, not asserted).
//
// Needs the Debian influxd and mosquitto (`sh scripts/services.sh up` finds or installs them) and Node-RED in
// bench/peers/node-red (`npm ci` there). Run: npx tsx bench/ingest/run.ts [--scale 0.5] [--only ceilings,zhiping,node-red
//   or system ids such as zhiping_json20]
//   [--skip-latency] [--profile <dir>: V8 CPU profiles of the ingest processes] [--json <file>]
//   [--sink-options '{"maxInFlight":2}': Zhiping's InfluxDB sink keys over the defaults]
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import mqtt, { type MqttClient } from "mqtt";
import { OwnInfluxd, OwnMosquitto, tempDir } from "../../test/integration/ingest/support";
import { brokerCeiling, gateway, influxCeiling, type CeilingResult } from "./ceilings";
import { LandingTracker, percentile, WriteProgress } from "./landing";
import { describeMachine, type MachineInfo } from "./machine";
import { startNodeRed, type NodeRedFlow } from "./node-red";
import { CpuMeter, freePort, repoRoot, serviceBinaries, settleDown } from "./proc";
import { machinesFor, type Protocol, type Workload } from "./workload";
import { startZhiping, type RunningZhiping } from "./zhiping";
import type { GatewayReport } from "./gateway";

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    only: { type: "string" },
    "skip-latency": { type: "boolean", default: false },
    profile: { type: "string" },
    json: { type: "string" },
    /** Zhiping's InfluxDB sink keys over the defaults, as JSON (to try a setting): '{"maxInFlight":2}' */
    "sink-options": { type: "string" },
  },
});
const sinkOptions = (() => {
  try {
    const o = JSON.parse(args["sink-options"] ?? "{}");
    if (o === null || typeof o !== "object" || Array.isArray(o)) throw new Error("not an object");
    return o as Record<string, unknown>;
  } catch (err) {
    console.error(`--sink-options: expected a JSON object of influx sink keys, ${(err as Error).message}`);
    process.exit(2);
  }
})();
const SCALE = Number(args.scale);
if (!(SCALE > 0 && SCALE <= 10)) {
  console.error(`--scale: expected a number in (0, 10], got ${JSON.stringify(args.scale)}`);
  process.exit(2);
}
const services = serviceBinaries();
for (const [name, bin] of Object.entries(services))
  if (!existsSync(bin)) {
    console.error(`${name} not found at ${bin}: run \`sh scripts/services.sh up\` (installs it) or set ZP_${name.toUpperCase()}_BIN`);
    process.exit(2);
  }

/** Timestamps of throughput runs: a fixed day, one ms apart per message (latency runs use the wall clock). */
const T0 = Date.UTC(2025, 0, 1);
/** Probe points (is the peer's flow up?) sit an hour before, outside every measured range. */
const PROBE_T = T0 - 3_600_000;
const n = (base: number) => Math.max(1000, Math.round(base * SCALE));

interface SystemSpec {
  id: string;
  label: string;
  kind: "zhiping" | "node-red";
  flow?: NodeRedFlow;
  protocol: Protocol;
  pointsPerMessage: number;
  messages: number;
  machines: number;
}

const systems: SystemSpec[] = [
  { id: "zhiping_json1", label: "Zhiping, MQTT JSON, 1 point/msg", kind: "zhiping", protocol: "json", pointsPerMessage: 1, messages: n(200_000), machines: 100 },
  { id: "zhiping_json20", label: "Zhiping, MQTT JSON, 20 points/msg", kind: "zhiping", protocol: "json", pointsPerMessage: 20, messages: n(50_000), machines: 50 },
  { id: "zhiping_sparkplug20", label: "Zhiping, Sparkplug B, 20 metrics/msg", kind: "zhiping", protocol: "sparkplug", pointsPerMessage: 20, messages: n(50_000), machines: 50 },
  { id: "nodered_permsg1", label: "Node-RED per-message flow, 1 point/msg", kind: "node-red", flow: "per-message", protocol: "json", pointsPerMessage: 1, messages: n(20_000), machines: 100 },
  { id: "nodered_batched1", label: "Node-RED batched flow, 1 point/msg", kind: "node-red", flow: "batched", protocol: "json", pointsPerMessage: 1, messages: n(100_000), machines: 100 },
  { id: "nodered_batched20", label: "Node-RED batched flow, 20 points/msg", kind: "node-red", flow: "batched", protocol: "json", pointsPerMessage: 20, messages: n(25_000), machines: 50 },
];

const STAGES = ["ceilings", "zhiping", "node-red"];
const SYSTEM_IDS = systems.map((s) => s.id);
const only = new Set((args.only ?? STAGES.join(",")).split(",").map((s) => s.trim()));
for (const s of only)
  if (!STAGES.includes(s) && !SYSTEM_IDS.includes(s)) {
    console.error(`--only: unknown stage or system ${JSON.stringify(s)} (stages: ${STAGES.join(", ")}; systems: ${SYSTEM_IDS.join(", ")})`);
    process.exit(2);
  }

interface Throughput {
  expected: number;
  landed: number;
  /** points/s from the gateway's first publish to the moment the last point was queryable */
  rate: number;
  /** messages/s until the gateway had every PUBACK (Zhiping: durable in its spool; Node-RED: received) */
  acceptedMsgPerS: number;
  seconds: number;
  cpu: Record<string, number>;
  /** [ms since the first publish, points landed], as polled; and when the gateway had every PUBACK */
  timeline: Array<[number, number]>;
  allAckedAfterMs: number;
  /** Zhiping: dead letters recorded during the run (points refused for a reason, kept, not lost silently) */
  deadLetters?: number;
}

interface Latency {
  msgPerS: number;
  messages: number;
  landed: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  gatewayMaxLateMs: number;
  deadLetters?: number;
}

interface SystemResult {
  spec: SystemSpec;
  throughput: Throughput;
  latency?: Latency;
}

const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "—");
const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms).unref())]);

function shape(spec: SystemSpec, over: Partial<Workload> = {}): Workload {
  return {
    protocol: spec.protocol,
    topicPrefix: `gw/${spec.id}`,
    group: "e",
    edgeNode: "l",
    messages: spec.messages,
    pointsPerMessage: spec.pointsPerMessage,
    machines: spec.machines,
    t0: T0,
    spacingMs: 1,
    paced: false,
    inFlight: 500,
    ...over,
  };
}

async function main(): Promise<void> {
  const temp = tempDir("zp-bench-ingest");
  const influxd = new OwnInfluxd(join(temp.dir, "influxdb"), await freePort());
  const broker = new OwnMosquitto(temp.dir, await freePort(), "max_queued_messages 100000000\nmax_inflight_messages 0\n");
  const machine: MachineInfo = describeMachine(services.influxd, services.mosquitto);
  const run = Date.now().toString(36);
  console.log(`ingest bench (scale ${SCALE}) — ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`);
  console.log(`${machine.influxd}; ${machine.mosquitto}; ${machine.nodeRed}; load average at start ${machine.loadAverage.join(" ")}`);
  await influxd.start();
  await broker.start();
  console.log(`own InfluxDB ${influxd.url}, own Mosquitto ${broker.url}\n`);
  const influxdPid = influxd.proc.pid!;
  const mosquittoPid = broker.proc.pid!;
  const probeClient: MqttClient = await mqtt.connectAsync(broker.url, { clientId: `bench-${run}-probe`, protocolVersion: 5 });

  const ceilings: Record<string, CeilingResult> = {};
  const results: SystemResult[] = [];
  try {
    if (only.has("ceilings")) {
      const points20 = shape({ ...systems[1], id: "ceiling" }, { messages: n(50_000) });
      for (const connections of [1, 4]) {
        await settleDown([influxdPid]);
        const c = await influxCeiling({ influxUrl: influxd.url, database: `raw_${connections}`, workload: points20, connections, influxdPid });
        ceilings[`influx${connections}`] = c;
        console.log(`${c.label.padEnd(46)} ${fmt(c.rate).padStart(9)} points/s  (${fmt(c.count)} points in ${fmt(c.seconds, 2)} s; influxd ${fmt((c.cpu.influxd / c.count) * 1e6, 2)} CPU s per million)`);
      }
      await settleDown([influxdPid, mosquittoPid]);
      const c = await brokerCeiling({ brokerUrl: broker.url, workload: shape({ ...systems[0], id: "ceiling" }), mosquittoPid, run });
      ceilings.broker = c;
      console.log(`${c.label.padEnd(46)} ${fmt(c.rate).padStart(9)} msg/s     (${fmt(c.count)} messages in ${fmt(c.seconds, 2)} s; mosquitto ${fmt((c.cpu.mosquitto / c.count) * 1e6, 2)} CPU s per million)\n`);
    }

    for (const spec of systems) {
      if (!only.has(spec.kind) && !only.has(spec.id)) continue;
      const database = spec.id;
      const hostId = `bench-${run}-${spec.id}`;
      const sys =
        spec.kind === "zhiping"
          ? await startZhiping({
              brokerUrl: broker.url,
              influxUrl: influxd.url,
              database,
              workload: shape(spec),
              hostId,
              clientId: `zhiping-${run}-${spec.id}`,
              profileDir: args.profile,
              sink: sinkOptions,
            })
          : await startNodeRed({
              flow: spec.flow!,
              brokerUrl: broker.url,
              influxUrl: influxd.url,
              database,
              topicFilter: `${shape(spec).topicPrefix}/+`,
              clientId: `node-red-${run}-${spec.id}`,
              probeTime: PROBE_T,
              probe: (attempt) => probeClient.publishAsync(`${shape(spec).topicPrefix}/probe`, JSON.stringify({ ts: PROBE_T + attempt, v: 1 }), { qos: 1 }).then(() => undefined),
            });
      try {
        // Zhiping keeps what it cannot write as dead letters (counted); the peer has no such thing.
        const zhiping = spec.kind === "zhiping" ? (sys as RunningZhiping) : null;
        const deadLetters = async () => (zhiping ? zhiping.metric("zhiping_ingest_dead_letters_total") : 0);
        const dl0 = await deadLetters();
        const throughput = await measureThroughput(spec, sys.pid, { influxUrl: influxd.url, brokerUrl: broker.url, database, hostId, influxdPid, mosquittoPid, run });
        throughput.deadLetters = (await deadLetters()) - dl0;
        const result: SystemResult = { spec, throughput };
        printThroughput(spec, throughput);
        // Points that never landed: show what the process said (an ingest prints warnings and errors).
        if (throughput.landed < throughput.expected && sys.output().trim()) console.log(`  ${spec.kind} output (tail):\n${sys.output().trim().split("\n").slice(-15).join("\n")}`);
        if (!args["skip-latency"] && throughput.landed === throughput.expected && Number.isFinite(throughput.rate)) {
          const dl1 = await deadLetters();
          result.latency = await measureLatency(spec, throughput, { influxUrl: influxd.url, brokerUrl: broker.url, database, hostId, run, influxdPid, mosquittoPid });
          result.latency.deadLetters = (await deadLetters()) - dl1;
          printLatency(result.latency);
        }
        results.push(result);
      } finally {
        await sys.stop();
      }
    }
  } finally {
    await probeClient.endAsync().catch(() => undefined);
    await broker.stop();
    await influxd.stop();
    temp.remove();
  }
  machine.loadAverage = describeMachine(services.influxd, services.mosquitto).loadAverage;
  printSummary(ceilings, results, machine);
  const file = args.json ?? join(repoRoot, "bench/results", `ingest-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, JSON.stringify({ scale: SCALE, machine, ceilings, results }, null, 2));
  console.log(`\nresults: ${file}`);
}

interface RunContext {
  influxUrl: string;
  brokerUrl: string;
  database: string;
  hostId: string;
  run: string;
}

async function measureThroughput(spec: SystemSpec, pid: number, ctx: RunContext & { influxdPid: number; mosquittoPid: number }): Promise<Throughput> {
  const w = shape(spec);
  await settleDown([pid, ctx.influxdPid, ctx.mosquittoPid]);
  const pub = gateway({ mode: "publish", url: ctx.brokerUrl, clientId: `gw-${ctx.run}-${spec.id}`, workload: w, hostId: spec.protocol === "sparkplug" ? ctx.hostId : undefined });
  await withTimeout(pub.next("ready"), 60_000, "the gateway to connect");
  const meter = new CpuMeter({ [spec.kind]: pid, influxd: ctx.influxdPid, mosquitto: ctx.mosquittoPid });
  let cpuAtLastLanding: Record<string, number> = {};
  const tracker = new WriteProgress(ctx.influxUrl, ctx.database, w, { pollMs: 100, onChange: () => (cpuAtLastLanding = meter.read()) });
  await tracker.start();
  const published = (await withTimeout(pub.next("published"), 600_000, "the gateway to publish everything")) as Extract<GatewayReport, { kind: "published" }>;
  await tracker.settle({ quietMs: 10_000, timeoutMs: 300_000, after: () => published.allAckedAt });
  const r = await tracker.result();
  const seconds = (r.lastChangeAt - published.firstAt) / 1000;
  return {
    expected: r.expected,
    landed: r.landed,
    rate: r.landed / seconds,
    acceptedMsgPerS: (published.count / (published.allAckedAt - published.firstAt)) * 1000,
    seconds,
    cpu: { ...cpuAtLastLanding, gateway: published.cpuS },
    timeline: r.samples.map((x) => [x.at - published.firstAt, x.landed]),
    allAckedAfterMs: published.allAckedAt - published.firstAt,
  };
}

async function measureLatency(spec: SystemSpec, t: Throughput, ctx: RunContext & { influxdPid: number; mosquittoPid: number }): Promise<Latency> {
  const msgPerS = Math.max(50, Math.round((0.5 * t.rate) / spec.pointsPerMessage));
  const messages = Math.round(msgPerS * Math.max(3, 10 * Math.min(1, SCALE)));
  const w = shape(spec, { messages, machines: machinesFor(msgPerS, spec.machines), spacingMs: 1000 / msgPerS, paced: true, inFlight: 2000, t0: 0 });
  await settleDown([ctx.influxdPid, ctx.mosquittoPid]);
  const pub = gateway({ mode: "publish", url: ctx.brokerUrl, clientId: `gw-${ctx.run}-${spec.id}-latency`, workload: w, hostId: spec.protocol === "sparkplug" ? ctx.hostId : undefined });
  const started = (await withTimeout(pub.next("started"), 60_000, "the gateway to start")) as Extract<GatewayReport, { kind: "started" }>;
  w.t0 = started.t0;
  // 50 ms buckets polled every 50 ms: each latency is an upper bound, at most ~0.1 s above the truth.
  const tracker = new LandingTracker(ctx.influxUrl, ctx.database, w, { bucketMs: 50, pollMs: 50 });
  tracker.start();
  const published = (await withTimeout(pub.next("published"), 600_000, "the gateway to publish everything")) as Extract<GatewayReport, { kind: "published" }>;
  await tracker.settle({ quietMs: 10_000, timeoutMs: 120_000, after: () => published.lastSentAt });
  const r = await tracker.result();
  const sorted = r.latenciesMs.sort((a, b) => a - b);
  return {
    msgPerS,
    messages,
    landed: r.landed,
    expected: r.expected,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    gatewayMaxLateMs: published.maxLateMs,
  };
}

const perMillion = (cpuS: number | undefined, points: number) => (cpuS === undefined || !points ? NaN : (cpuS / points) * 1e6);

function printThroughput(spec: SystemSpec, t: Throughput): void {
  const lost = t.expected - t.landed;
  console.log(
    `${spec.label.padEnd(42)} ${fmt(t.rate).padStart(9)} points/s (${fmt(t.acceptedMsgPerS)} msg/s PUBACKed); ` +
      `${fmt(t.landed)} of ${fmt(t.expected)} landed${lost ? ` — ${fmt(lost)} LOST (${fmt((lost / t.expected) * 100, 1)} %)` : ", 0 lost"}` +
      `${t.deadLetters ? ` (${fmt(t.deadLetters)} dead letters)` : ""}; ` +
      `CPU s per million points: ${spec.kind} ${fmt(perMillion(t.cpu[spec.kind], t.landed), 2)}, influxd ${fmt(perMillion(t.cpu.influxd, t.landed), 2)}, ` +
      `mosquitto ${fmt(perMillion(t.cpu.mosquitto, t.landed), 2)}, gateway ${fmt(perMillion(t.cpu.gateway, t.landed), 2)}`,
  );
}

function printLatency(l: Latency): void {
  console.log(
    `${"".padEnd(42)} at ${fmt(l.msgPerS)} msg/s (half of the above): publish → queryable p50 ${fmt(l.p50)} ms, p99 ${fmt(l.p99)} ms, max ${fmt(l.max)} ms` +
      `${l.landed !== l.expected ? ` — ${fmt(l.expected - l.landed)} LOST` : ""}${l.deadLetters ? ` (${fmt(l.deadLetters)} dead letters)` : ""} (gateway at most ${fmt(l.gatewayMaxLateMs)} ms behind schedule)`,
  );
}

function printSummary(ceilings: Record<string, CeilingResult>, results: SystemResult[], machine: MachineInfo): void {
  const by = (id: string) => results.find((r) => r.spec.id === id);
  const influxCeilingRate = Math.max(ceilings.influx1?.rate ?? NaN, ceilings.influx4?.rate ?? NaN);
  const lines: string[] = [];
  const ratio = (label: string, ours: number | undefined, base: number | undefined, goal?: number) => {
    if (ours === undefined || base === undefined || !Number.isFinite(ours) || !Number.isFinite(base)) return;
    const x = ours / base;
    lines.push(`${label.padEnd(72)} ${fmt(x, 2).padStart(6)}${goal ? `   goal ≥ ${goal}: ${x >= goal ? "met" : "NOT met"}` : ""}`);
  };
  const json1 = by("zhiping_json1")?.throughput.rate;
  const json20 = by("zhiping_json20")?.throughput.rate;
  const sp20 = by("zhiping_sparkplug20")?.throughput.rate;
  ratio("Zhiping JSON 1 pt/msg (msg/s) / Mosquitto QoS 1 ceiling", json1, ceilings.broker?.rate, 0.8);
  ratio("Zhiping JSON 20 pts/msg / InfluxDB raw ceiling (best of 1 and 4 connections)", json20, influxCeilingRate, 0.6);
  ratio("Zhiping JSON 20 pts/msg / InfluxDB raw ceiling, 1 connection", json20, ceilings.influx1?.rate);
  ratio("Zhiping Sparkplug 20 metrics/msg / InfluxDB raw ceiling (best)", sp20, influxCeilingRate);
  ratio("Zhiping JSON 1 pt/msg / InfluxDB raw ceiling (best)", json1, influxCeilingRate);
  ratio("Zhiping JSON 1 pt/msg / Node-RED batched flow, 1 pt/msg", json1, by("nodered_batched1")?.throughput.rate, 3);
  ratio("Zhiping JSON 20 pts/msg / Node-RED batched flow, 20 pts/msg", json20, by("nodered_batched20")?.throughput.rate, 3);
  ratio("Zhiping JSON 1 pt/msg / Node-RED per-message flow, 1 pt/msg", json1, by("nodered_permsg1")?.throughput.rate);
  console.log(`\nratios (same run; load average at the end ${machine.loadAverage.join(" ")})`);
  for (const l of lines) console.log(l);
  const latencies = results.filter((r) => r.spec.kind === "zhiping" && r.latency);
  for (const r of latencies) {
    const p99 = r.latency!.p99;
    console.log(`${`${r.spec.label}: p99 publish → queryable`.padEnd(72)} ${fmt(p99).padStart(6)} ms   goal < 2,000 ms: ${p99 < 2000 ? "met" : "NOT met"}`);
  }
  const lossy = results.filter((r) => r.throughput.landed !== r.throughput.expected);
  for (const r of lossy) console.log(`${r.spec.label}: ${fmt(r.throughput.expected - r.throughput.landed)} of ${fmt(r.throughput.expected)} points never landed`);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
