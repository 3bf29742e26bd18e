// OPC UA at 1,000 / 5,000 / 10,000 monitored items sampled every second, from the simulator's OPC UA server
// (its `load` variables; one server process per `--per-server` items, so a saturated server never limits the
// client). Three clients, each in a process of its own, measured over the same steady window:
//   bare   — the baseline: a bare node-opcua client creating the same items the same way (monitorItems in
//            chunks of the server's MaxMonitoredItemsPerCall) that only counts notifications;
//   source — the opcua source alone (emit resolves at once): what turning notifications into points costs;
//   ingest — the real `zhiping ingest` process: opcua sources → spool → InfluxDB (the bench's own influxd),
//            notifications received and points landed (counted in InfluxDB by their source time).
// CPU is read from /proc for every process, servers included. Goal: 10,000 items at ≤ 50 % of one core for
// the ingest. Run: npx tsx bench/opcua-monitored-items.ts [--sizes 1000,5000,10000] [--seconds 10] [--per-server 5000]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import YAML from "yaml";
import { countPoints } from "./ingest/landing";
import { Child, cpuSeconds, freePort, nodeTs, repoRoot, settleDown, sleep, waitFor } from "./ingest/proc";

const self = fileURLToPath(import.meta.url);
// Internal modes (server, bare, source) run in child processes; anything else is the orchestrating run.
const argv = process.argv.slice(2);
const mode = ["server", "bare", "source"].includes(argv[0]) ? argv[0] : "run";
const WARMUP_S = 3;

interface Endpoint {
  url: string;
  /** Namespace index of the load variables (each server registers a different number of namespaces first, so
   *  node ids — and the series they become — differ between servers). */
  ns: number;
  items: number;
}

interface Measurement {
  items: number;
  monitored: number;
  notificationsPerS: number;
  landedPerS?: number;
  cpuPercent: number;
  setupMs: number;
  rssMb: number;
}

const nodeIdsOf = (e: Endpoint) => Array.from({ length: e.items }, (_, i) => `ns=${e.ns};s=Load.${String(i + 1).padStart(5, "0")}`);

/** CPU time (user + system) of this process over `seconds`, after the warm-up, with a counter read at both ends. */
async function measure(count: () => number, seconds: number): Promise<{ perS: number; cpuPercent: number }> {
  await sleep(WARMUP_S * 1000);
  const n0 = count();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await sleep(seconds * 1000);
  const c1 = process.cpuUsage(c0);
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perS: (count() - n0) / elapsedS, cpuPercent: ((c1.user + c1.system) / 1e6 / elapsedS) * 100 };
}

async function serverMode(items: number, port: number, index: number): Promise<void> {
  const { LineServer } = await import("../ingest/sources/simulator/server");
  const { parseLineSpec } = await import("../ingest/sources/simulator/spec");
  const { demoMachines } = await import("../ingest/sources/simulator/presets");
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-opcua-"));
  const line = parseLineSpec({ enterprise: "bench", line: "line1", seed: 1, epoch: Math.floor(Date.now() / 1000) * 1000, machines: demoMachines(1) });
  const server = new LineServer({
    line,
    port,
    pkiFolder: join(dir, "pki"),
    load: { variables: items, minimumSamplingIntervalMs: 1000 },
    operationLimits: { maxMonitoredItemsPerCall: 1000 },
    precedingNamespaces: Array.from({ length: index }, (_, k) => `urn:zhiping:bench:spacer:${k}`),
  });
  await server.start();
  process.stdout.write(`ready ${server.loadNodeId(1).split(";")[0].slice(3)}\n`);
  process.on("SIGTERM", async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

async function bareClient(endpoints: Endpoint[], seconds: number): Promise<Measurement> {
  const { OPCUAClient, AttributeIds, TimestampsToReturn, MessageSecurityMode, SecurityPolicy, OPCUACertificateManager } = await import("node-opcua");
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-bare-"));
  const started = Date.now();
  let notifications = 0;
  let monitored = 0;
  const sessions: Array<{ close: () => Promise<void> }> = [];
  for (const e of endpoints) {
    const client = OPCUAClient.create({
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, "pki"), disableFileWatchers: true }),
    });
    await client.connect(e.url);
    const session = await client.createSession();
    sessions.push({ close: async () => (await session.close(), await client.disconnect()) });
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: 1000,
      requestedMaxKeepAliveCount: 10,
      requestedLifetimeCount: 60,
      maxNotificationsPerPublish: 10_000,
      publishingEnabled: true,
      priority: 0,
    });
    const ids = nodeIdsOf(e);
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000).map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value }));
      const group = await subscription.monitorItems(chunk, { samplingInterval: 1000, queueSize: 1, discardOldest: true }, TimestampsToReturn.Both);
      group.on("changed", () => notifications++);
      monitored += group.monitoredItems.filter((m) => m.statusCode.isGood()).length;
    }
  }
  const setupMs = Date.now() - started;
  const m = await measure(() => notifications, seconds);
  for (const s of sessions) await s.close();
  rmSync(dir, { recursive: true, force: true });
  return { items: endpoints.reduce((n, e) => n + e.items, 0), monitored, notificationsPerS: m.perS, cpuPercent: m.cpuPercent, setupMs, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

const sourceConfig = (e: Endpoint) => ({
  endpoint: e.url,
  subscription: { publishingIntervalMs: 1000, maxNotificationsPerPublish: 10_000 },
  monitoring: { samplingIntervalMs: 1000, queueSize: 1 },
  nodes: nodeIdsOf(e),
});
const loadConvention = { source: "opcua", match: "ns={ns};s=Load.{signal}", enterprise: "bench", line: "line1", machine: "load-ns{ns}", kind: "gauge" };

async function sourceClient(endpoints: Endpoint[], seconds: number): Promise<Measurement> {
  const pino = (await import("pino")).default;
  const { createRegistry, registrySchema } = await import("../ingest/core/registry");
  const { opcuaConfigSchema } = await import("../ingest/sources/opcua/config");
  const { OpcuaSource } = await import("../ingest/sources/opcua/source");
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-source-"));
  const started = Date.now();
  const registry = createRegistry(registrySchema.parse({ conventions: [loadConvention] }));
  let points = 0;
  const sources = [];
  for (const [k, e] of endpoints.entries()) {
    const source = new OpcuaSource(opcuaConfigSchema.parse(sourceConfig(e)), { registry, logger: pino({ level: "warn" }), dataDir: join(dir, `s${k}`), name: `plc${k}` });
    // Here emit resolves at once: the pipeline's part is what the `ingest` client adds.
    await source.start({ emit: async (p) => void (points += p.length), deadLetter: () => {}, setState: () => {} });
    await source.ready;
    sources.push(source);
  }
  const setupMs = Date.now() - started;
  const m = await measure(() => points, seconds);
  const monitored = sources.reduce((n, s) => n + s.stats().monitoredNodes, 0);
  for (const s of sources) await s.stop();
  rmSync(dir, { recursive: true, force: true });
  return { items: endpoints.reduce((n, e) => n + e.items, 0), monitored, notificationsPerS: m.perS, cpuPercent: m.cpuPercent, setupMs, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

/** The real ingest process with one opcua source per server, into the bench's own InfluxDB. */
async function ingestClient(endpoints: Endpoint[], seconds: number, influxUrl: string, database: string): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-ingest-opcua-"));
  const httpPort = await freePort();
  const config = {
    dataDir: join(dir, "data"),
    http: { host: "127.0.0.1", port: httpPort },
    log: { level: "warn" },
    sources: endpoints.map((e, k) => ({ type: "opcua", name: `plc${k}`, ...sourceConfig(e) })),
    sinks: [{ type: "influx", name: "influx", url: influxUrl, database, createDatabase: true }],
    registry: { conventions: [loadConvention] },
  };
  writeFileSync(join(dir, "ingest.yaml"), YAML.stringify(config));
  const started = Date.now();
  const child = new Child(process.execPath, [join(repoRoot, "scripts/zhiping.mjs"), "ingest", "--config", join(dir, "ingest.yaml")]);
  const metric = async (name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    return text.split("\n").reduce((sum, line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `) ? sum + Number(line.split(" ").at(-1)) : sum), 0);
  };
  try {
    // /healthz answers 200 once every source is connected; each one's detail says "N/M nodes monitored".
    const health = await waitFor(
      "zhiping ingest with every OPC UA source connected",
      async () => {
        if (!child.running) throw new Error(`zhiping ingest exited:\n${child.output}`);
        const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => null);
        return res?.status === 200 ? ((await res.json()) as { sources: Record<string, { detail?: string }> }) : null;
      },
      120_000,
      200,
    );
    const monitored = Object.values(health!.sources).reduce((n, s) => n + Number(/^(\d+)\//.exec(s.detail ?? "")?.[1] ?? 0), 0);
    const setupMs = Date.now() - started;
    await sleep(WARMUP_S * 1000);
    // Landed: what became queryable in InfluxDB over the same window (a COUNT at both ends; in a steady state
    // it equals what was received unless something is lost or piles up).
    const everything = () => countPoints(influxUrl, database, 0, Date.now() + 86_400_000);
    const l0 = await everything();
    const n0 = await metric("zhiping_ingest_points_received_total");
    const c0 = cpuSeconds(child.pid);
    const t0 = Date.now();
    await sleep(seconds * 1000);
    const n1 = await metric("zhiping_ingest_points_received_total");
    const c1 = cpuSeconds(child.pid);
    const t1 = Date.now();
    const landed = (await everything()) - l0;
    const elapsedS = (t1 - t0) / 1000;
    const rss = Number(readFileSync(`/proc/${child.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
    return {
      items: endpoints.reduce((n, e) => n + e.items, 0),
      monitored,
      notificationsPerS: (n1 - n0) / elapsedS,
      landedPerS: landed / elapsedS,
      cpuPercent: ((c1 - c0) / elapsedS) * 100,
      setupMs,
      rssMb: rss,
    };
  } finally {
    await child.stop("SIGTERM", 15_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

function child(args: string[], onLine?: (line: string) => void): { proc: Child; done: Promise<string> } {
  const proc = nodeTs(self, args);
  let out = "";
  proc.process.stdout!.on("data", (d) => {
    out += d;
    for (const line of String(d).split("\n")) if (line) onLine?.(line);
  });
  return { proc, done: proc.exited().then(() => out) };
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { sizes: { type: "string", default: "1000,5000,10000" }, seconds: { type: "string", default: "10" }, "per-server": { type: "string", default: "5000" } },
  });
  const sizes = values.sizes.split(",").map(Number);
  const seconds = Number(values.seconds);
  const perServer = Number(values["per-server"]);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 99_999) || !(seconds >= 1 && seconds <= 600) || !(Number.isInteger(perServer) && perServer >= 100)) {
    console.error("usage: npx tsx bench/opcua-monitored-items.ts [--sizes 1000,5000,10000 (1–99,999)] [--seconds 1–600] [--per-server ≥ 100]");
    process.exit(2);
  }
  const { OwnInfluxd, tempDir } = await import("../test/integration/ingest/support");
  const temp = tempDir("zp-bench-opcua-influx");
  const influxd = new OwnInfluxd(join(temp.dir, "influxdb"), await freePort());
  await influxd.start();
  console.log(`OPC UA monitored items sampled at 1 s; ≤ ${perServer} items per server process; CPU over ${seconds} s after ${WARMUP_S} s of warm-up; ${process.version}\n`);
  console.log("items   servers  client              monitored  notifications/s  landed/s  CPU % of a core  servers' CPU %  setup ms  RSS MB");
  const rows: Array<{ items: number; results: Record<string, Measurement> }> = [];
  try {
    for (const items of sizes) {
      const count = Math.ceil(items / perServer);
      const endpoints: Endpoint[] = [];
      const servers: Child[] = [];
      for (let k = 0; k < count; k++) {
        const share = Math.floor(items / count) + (k < items % count ? 1 : 0);
        const port = await freePort();
        let ready!: (ns: number) => void;
        const up = new Promise<number>((r) => (ready = r));
        const server = child(["server", String(share), String(port), String(k)], (line) => line.startsWith("ready ") && ready(Number(line.slice(6))));
        servers.push(server.proc);
        endpoints.push({ url: `opc.tcp://127.0.0.1:${port}`, ns: await up, items: share });
      }
      const results: Record<string, Measurement> = {};
      for (const kind of ["bare", "source", "ingest"] as const) {
        await settleDown([influxd.proc.pid!, ...servers.map((s) => s.pid)]);
        const serverCpu0 = servers.map((s) => cpuSeconds(s.pid));
        const t0 = Date.now();
        let m: Measurement;
        if (kind === "ingest") m = await ingestClient(endpoints, seconds, influxd.url, `opcua_${items}`);
        else {
          const out = await child([kind, JSON.stringify(endpoints), String(seconds)]).done;
          const line = out.split("\n").find((l) => l.startsWith("RESULT "));
          if (!line) throw new Error(`${kind} client reported nothing:\n${out.slice(-2000)}`);
          m = JSON.parse(line.slice(7)) as Measurement;
        }
        // Servers' CPU over the whole client run (setup included), as a share of one core.
        const serverCpu = (servers.reduce((sum, s, i) => sum + cpuSeconds(s.pid) - serverCpu0[i], 0) / ((Date.now() - t0) / 1000)) * 100;
        results[kind] = m;
        const label = { bare: "bare node-opcua", source: "opcua source", ingest: "zhiping ingest" }[kind];
        console.log(
          `${String(items).padEnd(7)} ${String(count).padStart(7)}  ${label.padEnd(18)} ${String(m.monitored).padStart(9)}  ${m.notificationsPerS.toFixed(0).padStart(15)}  ${(m.landedPerS === undefined ? "—" : m.landedPerS.toFixed(0)).padStart(8)}  ` +
            `${m.cpuPercent.toFixed(1).padStart(15)}  ${serverCpu.toFixed(1).padStart(14)}  ${String(m.setupMs).padStart(8)}  ${m.rssMb.toFixed(0).padStart(6)}`,
        );
      }
      for (const s of servers) await s.stop("SIGTERM");
      rows.push({ items, results });
    }
  } finally {
    await influxd.stop();
    temp.remove();
  }
  console.log("\nitems   source CPU / bare CPU   ingest CPU / bare CPU   ingest CPU per 1,000 notifications/s   landed / received");
  for (const r of rows) {
    const { bare, source, ingest } = r.results;
    console.log(
      `${String(r.items).padEnd(7)} ${(source.cpuPercent / bare.cpuPercent).toFixed(2).padStart(21)}   ${(ingest.cpuPercent / bare.cpuPercent).toFixed(2).padStart(21)}   ` +
        `${((ingest.cpuPercent / ingest.notificationsPerS) * 1000).toFixed(2).padStart(32)} %   ${(ingest.landedPerS! / ingest.notificationsPerS).toFixed(3).padStart(17)}`,
    );
  }
  const largest = rows.at(-1)!;
  const cpu = largest.results.ingest.cpuPercent;
  console.log(`\ngoal: ${largest.items} items at ≤ 50 % of one core for the ingest → ${cpu.toFixed(1)} % (${cpu <= 50 ? "met" : "not met"})`);
}

if (mode === "server") await serverMode(Number(argv[1]), Number(argv[2]), Number(argv[3] ?? 0));
else if (mode === "bare") process.stdout.write(`RESULT ${JSON.stringify(await bareClient(JSON.parse(argv[1]), Number(argv[2])))}\n`);
else if (mode === "source") process.stdout.write(`RESULT ${JSON.stringify(await sourceClient(JSON.parse(argv[1]), Number(argv[2])))}\n`);
else await run();
if (mode === "bare" || mode === "source" || mode === "run") process.exit(0);
