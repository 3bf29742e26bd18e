// OPC UA source cost at 1,000 / 5,000 / 10,000 monitored items sampled every second, against a baseline
// measured in the same run: a bare node-opcua client that creates the same items the same way
// (monitorItems in chunks of the server's MaxMonitoredItemsPerCall) and only counts its notifications.
// Each client runs in a process of its own and reports its own CPU time over a steady window; the server
// (the simulator's LineServer with load variables) runs in a third process.
// Goal: 10,000 items at ≤ 50 % of one core for the source. Run: npx tsx bench/opcua-monitored-items.ts [sizes] [seconds]
//   e.g. npx tsx bench/opcua-monitored-items.ts 1000,5000,10000 10
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
// Internal modes (server, bare, source) run in child processes; anything else is the orchestrating run.
const argv = process.argv.slice(2);
const mode = ["server", "bare", "source"].includes(argv[0]) ? argv[0] : "run";
const args = mode === "run" ? argv : argv.slice(1);

interface Measurement {
  items: number;
  monitored: number;
  notificationsPerS: number;
  cpuPercent: number;
  setupMs: number;
  rssMb: number;
}

/** CPU time (user + system) of this process over `seconds`, after `warmupS`, with a counter read at both ends. */
async function measure(count: () => number, warmupS: number, seconds: number): Promise<{ perS: number; cpuPercent: number }> {
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  const n0 = count();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c1 = process.cpuUsage(c0);
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perS: (count() - n0) / elapsedS, cpuPercent: ((c1.user + c1.system) / 1e6 / elapsedS) * 100 };
}

async function serverMode(items: number, port: number): Promise<void> {
  const { LineServer } = await import("../ingest/sources/simulator/server");
  const { parseLineSpec } = await import("../ingest/sources/simulator/spec");
  const { demoMachines } = await import("../ingest/sources/simulator/presets");
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-opcua-"));
  const line = parseLineSpec({ enterprise: "bench", line: "line1", seed: 1, epoch: Math.floor(Date.now() / 1000) * 1000, machines: demoMachines(1) });
  const server = new LineServer({ line, port, pkiFolder: join(dir, "pki"), load: { variables: items, minimumSamplingIntervalMs: 1000 }, operationLimits: { maxMonitoredItemsPerCall: 1000 } });
  await server.start();
  process.stdout.write("ready\n");
  process.on("SIGTERM", async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

async function bareClient(endpoint: string, items: number, seconds: number): Promise<Measurement> {
  const { OPCUAClient, AttributeIds, TimestampsToReturn, MessageSecurityMode, SecurityPolicy, OPCUACertificateManager } = await import("node-opcua");
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-bare-"));
  const started = Date.now();
  const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, "pki"), disableFileWatchers: true }),
  });
  await client.connect(endpoint);
  const session = await client.createSession();
  const subscription = await session.createSubscription2({
    requestedPublishingInterval: 1000,
    requestedMaxKeepAliveCount: 10,
    requestedLifetimeCount: 60,
    maxNotificationsPerPublish: 10_000,
    publishingEnabled: true,
    priority: 0,
  });
  let notifications = 0;
  let monitored = 0;
  for (let i = 1; i <= items; i += 1000) {
    const ids = [];
    for (let k = i; k < Math.min(i + 1000, items + 1); k++) ids.push({ nodeId: `ns=2;s=Load.${String(k).padStart(5, "0")}`, attributeId: AttributeIds.Value });
    const group = await subscription.monitorItems(ids, { samplingInterval: 1000, queueSize: 1, discardOldest: true }, TimestampsToReturn.Both);
    group.on("changed", () => notifications++);
    monitored += group.monitoredItems.filter((m) => m.statusCode.isGood()).length;
  }
  const setupMs = Date.now() - started;
  const m = await measure(() => notifications, 3, seconds);
  await session.close();
  await client.disconnect();
  rmSync(dir, { recursive: true, force: true });
  return { items, monitored, notificationsPerS: m.perS, cpuPercent: m.cpuPercent, setupMs, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

async function sourceClient(endpoint: string, items: number, seconds: number): Promise<Measurement> {
  const pino = (await import("pino")).default;
  const { createRegistry, registrySchema } = await import("../ingest/core/registry");
  const { opcuaConfigSchema } = await import("../ingest/sources/opcua/config");
  const { OpcuaSource } = await import("../ingest/sources/opcua/source");
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-source-"));
  const started = Date.now();
  const nodes = Array.from({ length: items }, (_, i) => `ns=2;s=Load.${String(i + 1).padStart(5, "0")}`);
  const config = opcuaConfigSchema.parse({
    endpoint,
    subscription: { publishingIntervalMs: 1000, maxNotificationsPerPublish: 10_000 },
    monitoring: { samplingIntervalMs: 1000, queueSize: 1 },
    nodes,
  });
  const registry = createRegistry(
    registrySchema.parse({ conventions: [{ source: "opcua", match: "ns=2;s=Load.{signal}", enterprise: "bench", line: "line1", machine: "load", kind: "gauge" }] }),
  );
  const source = new OpcuaSource(config, { registry, logger: pino({ level: "warn" }), dataDir: dir, name: "bench" });
  let points = 0;
  // The pipeline's part is measured by bench/ingest/run.ts; here emit resolves at once.
  await source.start({
    emit: async (p) => void (points += p.length),
    deadLetter: () => {},
    setState: () => {},
  });
  await source.ready;
  const setupMs = Date.now() - started;
  const m = await measure(() => points, 3, seconds);
  const monitored = source.stats().monitoredNodes;
  await source.stop();
  rmSync(dir, { recursive: true, force: true });
  return { items, monitored, notificationsPerS: m.perS, cpuPercent: m.cpuPercent, setupMs, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

function child(argv: string[], onLine?: (line: string) => void): { done: Promise<string>; kill: () => void } {
  const p = spawn(process.execPath, ["--import", "tsx", self, ...argv], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  p.stdout.on("data", (d) => {
    out += d;
    for (const line of String(d).split("\n")) if (line) onLine?.(line);
  });
  return { done: new Promise((resolve) => p.on("exit", () => resolve(out))), kill: () => p.kill("SIGTERM") };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function run(): Promise<void> {
  const sizes = (args[0] ?? "1000,5000,10000").split(",").map(Number);
  const seconds = Number(args[1] ?? 10);
  console.log(`OPC UA monitored items sampled at 1 s; CPU over ${seconds} s after 3 s of warm-up; ${process.version}\n`);
  console.log("items   client        monitored  notifications/s  CPU % of a core  setup ms  RSS MB");
  const rows: Array<{ items: number; bare: Measurement; source: Measurement }> = [];
  for (const items of sizes) {
    const port = await freePort();
    let ready!: () => void;
    const up = new Promise<void>((r) => (ready = r));
    const server = child(["server", String(items), String(port)], (line) => line === "ready" && ready());
    await up;
    const endpoint = `opc.tcp://127.0.0.1:${port}`;
    const result: Record<string, Measurement> = {};
    for (const kind of ["bare", "source"]) {
      const out = await child([kind, endpoint, String(items), String(seconds)]).done;
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (!line) throw new Error(`${kind} client reported nothing:\n${out.slice(-2000)}`);
      const m = JSON.parse(line.slice(7)) as Measurement;
      result[kind] = m;
      const label = kind === "bare" ? "bare node-opcua" : "opcua source";
      console.log(
        `${String(items).padEnd(7)} ${label.padEnd(15)} ${String(m.monitored).padStart(7)}  ${m.notificationsPerS.toFixed(0).padStart(15)}  ${m.cpuPercent.toFixed(1).padStart(15)}  ${String(m.setupMs).padStart(8)}  ${m.rssMb.toFixed(0).padStart(6)}`,
      );
    }
    server.kill();
    await server.done;
    rows.push({ items, bare: result.bare, source: result.source });
  }
  console.log("\nitems   source CPU / bare CPU   source CPU per 1,000 notifications/s");
  for (const r of rows) {
    console.log(`${String(r.items).padEnd(7)} ${(r.source.cpuPercent / r.bare.cpuPercent).toFixed(2).padStart(21)}   ${((r.source.cpuPercent / r.source.notificationsPerS) * 1000).toFixed(2).padStart(10)} %`);
  }
  const largest = rows.at(-1)!;
  console.log(`\ngoal: ${largest.items} items at ≤ 50 % of one core → ${largest.source.cpuPercent.toFixed(1)} % (${largest.source.cpuPercent <= 50 ? "met" : "not met"})`);
}

if (mode === "server") await serverMode(Number(args[0]), Number(args[1]));
else if (mode === "bare") process.stdout.write(`RESULT ${JSON.stringify(await bareClient(args[0], Number(args[1]), Number(args[2])))}\n`);
else if (mode === "source") process.stdout.write(`RESULT ${JSON.stringify(await sourceClient(args[0], Number(args[1]), Number(args[2])))}\n`);
else await run();
if (mode === "bare" || mode === "source") process.exit(0);
