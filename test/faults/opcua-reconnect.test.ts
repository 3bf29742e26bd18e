// The OPC UA source through the faults Telegraf and Node-RED lose data on: a network break (the session
// survives: nothing may be lost), a silent link (no FIN, no RST: the watchdog rebuilds), a server restart
// (session and subscription gone: node-opcua recreates them), and a restart that renumbers the namespaces
// (the recreated items point at the wrong nodes: this source rebuilds everything from the nsu= ids).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { opcuaConfigSchema } from "../../ingest/sources/opcua/config";
import { OpcuaSource } from "../../ingest/sources/opcua/source";
import { simulateLine } from "../../ingest/sources/simulator/model";
import { opcuaAddress, simulatorRegistry } from "../../ingest/sources/simulator/registry";
import { LineServer } from "../../ingest/sources/simulator/server";
import { machineSignals, parseLineSpec, signalInfo } from "../../ingest/sources/simulator/spec";
import { CollectingContext, depsWith, startRelay, tempDir, waitUntil, type Relay } from "../integration/ingest/simulator-harness";
import { count, printFigures, seconds } from "./figures";

const epoch = Math.floor(Date.now() / 1000) * 1000 - 600_000;
const line = parseLineSpec({
  enterprise: "demo",
  line: "Line1",
  seed: 5,
  epoch,
  machines: [
    {
      id: "M1",
      idealCycleTimeS: 2,
      cycleTimeS: 2.5,
      behaviour: { kind: "schedule", cycle: [{ state: "Executing", durationS: 4 }, { state: "NotExecuting", durationS: 2 }] },
      quality: { badEvery: 5 },
      spindleSpeedRpm: 2400,
      temperature: { ambientC: 20, idleC: 30, executingC: 50, timeConstantS: 30 },
      powerKw: { NotAvailable: 0, OutOfService: 0.5, NotExecuting: 1.5, Executing: 9 },
    },
  ],
});
const nodes = machineSignals.map((s) => opcuaAddress(line, "M1", s));

const temp = tempDir("opcua-reconnect");
let server: LineServer;
let relay: Relay | undefined;
let source: OpcuaSource | undefined;

beforeAll(async () => {
  server = new LineServer({ line, pkiFolder: `${temp.dir}/server-pki` });
  await server.start();
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  await relay?.close();
  relay = undefined;
});
afterAll(async () => {
  await server?.close();
  temp.remove();
});

async function subscribe(endpoint: string, silenceMs?: number) {
  const config = opcuaConfigSchema.parse({
    endpoint,
    subscription: { publishingIntervalMs: 100, maxKeepAliveCount: 5, lifetimeCount: 300 },
    monitoring: { samplingIntervalMs: 0, queueSize: 100 },
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000, ...(silenceMs ? { silenceMs } : {}) },
    nodes,
  });
  source = new OpcuaSource(config, depsWith(simulatorRegistry(line), temp.dir, `reconnect-${Date.now()}`));
  const ctx = new CollectingContext();
  await source.start(ctx);
  await source.ready;
  return { source, ctx };
}

/** Model time now (the line plays in real time from `from`). */
const modelNow = (from: number, wallStart: number) => from + (Date.now() - wallStart);

/** A signal's readings by source time (a republished message may arrive after newer ones). */
function series(ctx: CollectingContext, signal: string): Array<[number, unknown]> {
  return ctx
    .of("M1", signal)
    .map((p): [number, unknown] => [p.time, p.fields.value])
    .sort((a, b) => a[0] - b[0]);
}

function expected(from: number, to: number, signal: (typeof machineSignals)[number]): Array<[number, unknown]> {
  const h = simulateLine(line, from, to)[0];
  const typed = (v: number) => (signalInfo[signal].kind === "gauge" ? v : BigInt(v));
  return [[from, typed(h.initial[signal])], ...h.changes.filter((c) => c.signal === signal).map((c): [number, unknown] => [c.time, typed(c.value)])];
}

describe("opcua source on a broken link", () => {
  it("loses nothing across a network break: the session survives and the subscription is republished", async () => {
    relay = await startRelay(server.port);
    const from = epoch + 100_000;
    const to = from + 6000;
    const player = server.play({ from, to, speed: 1, autostart: false });
    const { source, ctx } = await subscribe(`opc.tcp://127.0.0.1:${relay.port}`);
    player.start();
    await new Promise((r) => setTimeout(r, 2000));
    relay.cut();
    await waitUntil(() => ctx.state === "disconnected", "the source to notice the break");
    await player.done;
    await waitUntil(() => series(ctx, "Energy").length === expected(from, to, "Energy").length, "the energy readings of the whole window");
    await new Promise((r) => setTimeout(r, 500));
    for (const signal of machineSignals) expect(series(ctx, signal), signal).toEqual(expected(from, to, signal));
    expect(source.stats()).toMatchObject({ reconnects: 1, rebuilds: 0 });
    expect(ctx.state).toBe("connected");
    const modelled = machineSignals.reduce((n, s) => n + expected(from, to, s).length, 0);
    const received = machineSignals.reduce((n, s) => n + series(ctx, s).length, 0);
    printFigures("OPC UA network break", `link cut 2 s into a 6 s window; ${count(modelled)} readings in the model, ${count(received)} received, ${count(modelled - received)} lost, 0 twice; session kept (1 reconnect, 0 rebuilds)`);
  });

  it("rebuilds client, session and subscription when the link goes silent (no FIN, no RST)", async () => {
    relay = await startRelay(server.port);
    const from = epoch;
    const wallStart = Date.now();
    server.play({ from, speed: 1 });
    const { source, ctx } = await subscribe(`opc.tcp://127.0.0.1:${relay.port}`, 2000);
    await waitUntil(() => ctx.of("M1", "Energy").length >= 2, "energy readings");
    relay.blackhole();
    const silentAt = modelNow(from, wallStart);
    const blackholedAt = Date.now();
    await waitUntil(() => source.stats().rebuilds >= 1, "the watchdog's rebuild", 15_000);
    const rebuiltAt = Date.now();
    await waitUntil(() => ctx.of("M1", "Energy").some((p) => p.time > silentAt + 1000), "energy readings after the silence", 10_000);
    expect(ctx.state).toBe("connected");
    printFigures("OPC UA link silent (no FIN, no RST)", `watchdog (silence 2 s) rebuilt the session ${seconds(rebuiltAt - blackholedAt)} after the link went silent; data again ${seconds(Date.now() - blackholedAt)} after`);
  });

  it("resumes within 10 s after the server restarts (node-opcua recreates session, subscription and items)", async () => {
    const from = epoch;
    const wallStart = Date.now();
    server.play({ from, speed: 1 });
    const { source, ctx } = await subscribe(server.endpointUrl);
    await waitUntil(() => ctx.of("M1", "Energy").length >= 2, "energy readings");
    await server.stop();
    await waitUntil(() => ctx.state === "disconnected", "the source to notice");
    await new Promise((r) => setTimeout(r, 500));
    await server.start();
    const backAt = modelNow(from, wallStart);
    const restartedAt = Date.now();
    await waitUntil(
      () => ["Energy", "Temperature"].every((s) => ctx.of("M1", s).some((p) => p.time > backAt)),
      "energy and temperature readings after the restart",
      10_000,
    );
    const resumedMs = Date.now() - restartedAt;
    expect(resumedMs).toBeLessThan(10_000);
    printFigures("OPC UA server restarted", `server down ~0.5 s; data resumed ${seconds(resumedMs)} after it was back (goal < 10 s); ${source.stats().reconnects} reconnect(s), 7 of 7 items monitored again`);
    expect(source.stats().reconnects).toBeGreaterThanOrEqual(1);
    expect(source.stats().monitoredNodes).toBe(7);
    // The readings after the restart are the model's.
    const after = ctx.of("M1", "Temperature").filter((p) => p.time > backAt);
    const model = simulateLine(line, from, after.at(-1)!.time)[0].changes.filter((c) => c.signal === "Temperature");
    for (const p of after) expect(model.find((c) => c.time === p.time)?.value).toBe(p.fields.value);
  });

  it("rebuilds from the nsu= ids when a restarted server renumbered its namespaces", async () => {
    const from = epoch;
    const wallStart = Date.now();
    server.play({ from, speed: 1 });
    const { source, ctx } = await subscribe(server.endpointUrl);
    const nsBefore = server.nodeId("M1", "State");
    await waitUntil(() => ctx.of("M1", "Energy").length >= 2, "energy readings");
    await server.stop();
    server.options.precedingNamespaces = ["urn:plc:program-v2"];
    await server.start();
    expect(server.nodeId("M1", "State")).not.toBe(nsBefore);
    const backAt = modelNow(from, wallStart);
    const restartedAt = Date.now();
    await waitUntil(() => source.stats().rebuilds >= 1, "a rebuild", 15_000);
    await waitUntil(() => ctx.of("M1", "Energy").some((p) => p.time > backAt), "energy readings after the renumbering", 10_000);
    expect(source.stats()).toMatchObject({ monitoredNodes: 7, failedNodes: 0 });
    printFigures("OPC UA server restarted with renumbered namespaces", `rebuilt from the nsu= ids; data resumed ${seconds(Date.now() - restartedAt)} after the restart; 7 of 7 items, 0 failed`);
    server.options.precedingNamespaces = [];
  });
});
