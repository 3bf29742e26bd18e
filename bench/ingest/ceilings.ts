// The machine's limits, measured in the same run as the systems under test:
//   InfluxDB's raw write ceiling — pre-built line protocol, 5,000 points per POST, on one and on four
//     keep-alive connections (nothing but HTTP between the bytes and the database);
//   Mosquitto's delivery ceiling — one publisher → one bare subscriber at QoS 1 (each in its own process).
import http from "node:http";
import { signalPoint } from "../../ingest/core/point";
import type { SignalRef } from "../../ingest/core/types";
import { toLines } from "../../ingest/core/line-protocol";
import { type GatewayReport, type GatewayJob } from "./gateway";
import { countPoints, createDatabase } from "./landing";
import { CpuMeter, nodeTs, repoRoot } from "./proc";
import { machineOf, messageTime, signalNames, type Workload } from "./workload";

export interface CeilingResult {
  label: string;
  /** points (InfluxDB) or messages (Mosquitto) per second */
  rate: number;
  count: number;
  seconds: number;
  cpu: Record<string, number>;
}

/** The workload's points as line protocol in bodies of `batchSize` lines, built before the clock starts. */
export function lineProtocolBatches(w: Workload, batchSize = 5000): string[] {
  const names = signalNames(w);
  const refs = new Map<string, SignalRef>();
  const ref = (machine: string, signal: string) => {
    const key = `${machine}/${signal}`;
    let r = refs.get(key);
    if (!r) refs.set(key, (r = { enterprise: "e", line: "l", machine, signal, kind: "gauge" }));
    return r;
  };
  const bodies: string[] = [];
  let batch = [];
  for (let i = 0; i < w.messages; i++) {
    const machine = machineOf(w, i);
    const ts = messageTime(w, i);
    for (let k = 0; k < names.length; k++) {
      batch.push(signalPoint(ref(machine, names[k]), i + k / 100 + 0.5, ts, "good"));
      if (batch.length === batchSize) {
        bodies.push(toLines(batch));
        batch = [];
      }
    }
  }
  if (batch.length) bodies.push(toLines(batch));
  return bodies;
}

function post(agent: http.Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Raw write rate with `connections` keep-alive connections, each POSTing the next body as soon as the last one returned. */
export async function influxCeiling(o: { influxUrl: string; database: string; workload: Workload; connections: number; influxdPid: number }): Promise<CeilingResult> {
  await createDatabase(o.influxUrl, o.database);
  const bodies = lineProtocolBatches(o.workload);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const url = new URL(`${o.influxUrl}/write?db=${encodeURIComponent(o.database)}&precision=ms`);
  let next = 0;
  const cpu = new CpuMeter({ influxd: o.influxdPid, bench: process.pid });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (next < bodies.length) {
        const status = await post(agent, url, bodies[next++]);
        if (status !== 204) throw new Error(`raw write answered HTTP ${status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = cpu.read();
  agent.destroy();
  const w = o.workload;
  const count = await countPoints(o.influxUrl, o.database, messageTime(w, 0), messageTime(w, w.messages - 1));
  const expected = w.messages * w.pointsPerMessage;
  if (count !== expected) throw new Error(`raw write: ${count} points stored, ${expected} written`);
  return { label: `InfluxDB raw write, ${o.connections} connection${o.connections > 1 ? "s" : ""}`, rate: count / seconds, count, seconds, cpu: used };
}

/** A gateway process (bench/ingest/gateway.ts) running one job; resolves its reports as they come. */
export function gateway(job: GatewayJob): { pid: number; next: (kind: GatewayReport["kind"]) => Promise<GatewayReport>; done: Promise<number | null>; kill: () => void } {
  const child = nodeTs(`${repoRoot}bench/ingest/gateway.ts`, [], { env: { ...process.env, ZP_BENCH_JOB: JSON.stringify(job) }, ipc: true });
  const reports: GatewayReport[] = [];
  const waiting: Array<{ kind: string; resolve: (r: GatewayReport) => void; reject: (e: Error) => void }> = [];
  const deliver = () => {
    for (let i = 0; i < waiting.length; i++) {
      const idx = reports.findIndex((r) => r.kind === waiting[i].kind || r.kind === "error");
      if (idx < 0) continue;
      const [r] = reports.splice(idx, 1);
      const [w] = waiting.splice(i--, 1);
      if (r.kind === "error") w.reject(new Error(`gateway: ${r.message}`));
      else w.resolve(r);
    }
  };
  child.process.on("message", (m) => {
    reports.push(m as GatewayReport);
    deliver();
  });
  const done = child.exited();
  void done.then((code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`gateway exited (${code}) before reporting ${w.kind}:\n${child.output}`));
  });
  return {
    pid: child.pid,
    next: (kind) =>
      new Promise((resolve, reject) => {
        waiting.push({ kind, resolve, reject });
        deliver();
      }),
    done,
    kill: () => child.process.kill("SIGKILL"),
  };
}

/** Mosquitto at QoS 1, one publisher → one subscriber that only counts. */
export async function brokerCeiling(o: { brokerUrl: string; workload: Workload; mosquittoPid: number; run: string }): Promise<CeilingResult> {
  const w = o.workload;
  const subscriber = gateway({ mode: "subscribe", url: o.brokerUrl, clientId: `bench-${o.run}-ceiling-sub`, filter: `${w.topicPrefix}/+`, expect: w.messages, receiveMaximum: 2000 });
  await subscriber.next("ready");
  const publisher = gateway({ mode: "publish", url: o.brokerUrl, clientId: `bench-${o.run}-ceiling-pub`, workload: w });
  await publisher.next("ready");
  const cpu = new CpuMeter({ mosquitto: o.mosquittoPid, subscriber: subscriber.pid, publisher: publisher.pid });
  const received = (await subscriber.next("received")) as Extract<GatewayReport, { kind: "received" }>;
  const used = cpu.read();
  await Promise.all([publisher.done, subscriber.done]);
  const seconds = (received.lastAt - received.firstAt) / 1000;
  return { label: "Mosquitto QoS 1, 1 publisher → 1 subscriber", rate: received.count / seconds, count: received.count, seconds, cpu: used };
}
