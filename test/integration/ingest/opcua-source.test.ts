// The OPC UA source against a real node-opcua server (the simulated line): exact delivery of every value
// change, refused nodes that do not stop the others, quality kept, chunking to the server's limits,
// backpressure through the server's queues, and replay of dead-lettered values.
import { StatusCodes } from "node-opcua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opcuaConfigSchema, type OpcuaConfigInput } from "../../../ingest/sources/opcua/config";
import { opcuaPlugin } from "../../../ingest/sources/opcua/index";
import { OpcuaSource } from "../../../ingest/sources/opcua/source";
import { simulateLine } from "../../../ingest/sources/simulator/model";
import { opcuaAddress, simulatorRegistry } from "../../../ingest/sources/simulator/registry";
import { LineServer } from "../../../ingest/sources/simulator/server";
import { machineSignals, parseLineSpec, signalInfo, type LineSpec } from "../../../ingest/sources/simulator/spec";
import { CollectingContext, depsWith, tempDir, waitUntil } from "./simulator-harness";

const epoch = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const machine = (id: string, executingS: number) => ({
  id,
  idealCycleTimeS: 1,
  cycleTimeS: 1.5,
  behaviour: {
    kind: "schedule" as const,
    cycle: [
      { state: "Executing" as const, durationS: executingS },
      { state: "NotExecuting" as const, durationS: 2 },
      { state: "OutOfService" as const, durationS: 1 },
    ],
  },
  quality: { badEvery: 3 },
  spindleSpeedRpm: 1500,
  temperature: { ambientC: 20, idleC: 28, executingC: 45, timeConstantS: 20 },
  powerKw: { NotAvailable: 0, OutOfService: 0.5, NotExecuting: 1, Executing: 6 },
});
const line = parseLineSpec({ enterprise: "demo", line: "Line1", seed: 11, epoch, machines: [machine("M1", 5), machine("M2", 7)] });

/** What a subscriber must receive for [from, to]: the values at `from`, then every change, per signal. */
function expectedSeries(spec: LineSpec, from: number, to: number): Map<string, Array<[number, unknown]>> {
  const out = new Map<string, Array<[number, unknown]>>();
  for (const h of simulateLine(spec, from, to)) {
    for (const signal of machineSignals) {
      const typed = (v: number) => (signalInfo[signal].kind === "gauge" ? v : BigInt(v));
      const series: Array<[number, unknown]> = [[from, typed(h.initial[signal])]];
      for (const c of h.changes) if (c.signal === signal) series.push([c.time, typed(c.value)]);
      out.set(`${h.machine}.${signal}`, series);
    }
  }
  return out;
}

function receivedSeries(ctx: CollectingContext, since = 0): Map<string, Array<[number, unknown]>> {
  const out = new Map<string, Array<[number, unknown]>>();
  for (const p of ctx.points.slice(since)) {
    const key = `${p.tags.machine}.${p.tags.signal}`;
    out.set(key, [...(out.get(key) ?? []), [p.time, p.fields.value]]);
  }
  return out;
}

// M1 is configured by namespace URI (nsu=), M2 by the server's namespace index (ns=): both forms work.
const allNodes = (spec: LineSpec) =>
  spec.machines.flatMap((m) => machineSignals.map((s) => (m.id === "M1" ? opcuaAddress(spec, m.id, s) : server.nodeId(m.id, s))));

/** The line's registry, with M2's signals also registered under their ns= node ids. */
function lineRegistry() {
  const registry = simulatorRegistry(line);
  for (const s of registry.enterprises[0].lines[0].machines[1].signals) {
    s.addresses = { ...s.addresses, opcua: [s.addresses!.opcua as string, server.nodeId("M2", s.id)] };
  }
  return registry;
}

let server: LineServer;
const temp = tempDir("opcua-source");
const sources: OpcuaSource[] = [];

function startSource(config: OpcuaConfigInput, registry: unknown = lineRegistry()) {
  const source = opcuaPlugin.create(opcuaConfigSchema.parse(config), depsWith(registry, temp.dir, `opcua-${sources.length}`)) as OpcuaSource;
  const ctx = new CollectingContext();
  sources.push(source);
  return { source, ctx, started: source.start(ctx).then(() => source.ready) };
}

beforeAll(async () => {
  // A small MaxMonitoredItemsPerCall so 14 items need three CreateMonitoredItems calls.
  server = new LineServer({ line, pkiFolder: `${temp.dir}/server-pki`, operationLimits: { maxMonitoredItemsPerCall: 5 } });
  await server.start();
});

afterAll(async () => {
  for (const s of sources) await s.stop();
  await server?.close();
  temp.remove();
});

describe("opcua source ← simulated line", () => {
  it("receives every value change exactly once, with the model's values and source timestamps, in calls of ≤ 5 items", async () => {
    const from = epoch;
    const to = epoch + 20_000;
    const player = server.play({ from, to, speed: 10, autostart: false });
    const { source, ctx, started } = startSource({
      endpoint: server.endpointUrl,
      subscription: { publishingIntervalMs: 100 },
      monitoring: { samplingIntervalMs: 0, queueSize: 50 },
      nodes: allNodes(line),
    });
    await started;
    expect(server.requestCount("CreateMonitoredItemsRequest")).toBe(3);
    expect(source.stats()).toMatchObject({ monitoredNodes: 14, failedNodes: 0 });
    await waitUntil(() => ctx.points.length >= 14, "the 14 initial values");
    player.start();
    await player.done;
    const expected = expectedSeries(line, from, to);
    const total = [...expected.values()].reduce((n, s) => n + s.length, 0);
    await waitUntil(() => ctx.points.length >= total, `${total} points`);
    await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
    expect(ctx.points).toHaveLength(total);
    expect(receivedSeries(ctx)).toEqual(expected);
    expect(ctx.points.every((p) => p.quality === "good" && !("status" in p.fields))).toBe(true);
    expect(ctx.deadLetters).toEqual([]);
    expect(ctx.state).toBe("connected");
  });

  it("reports refused nodes (unknown node, deadband on a non-analog item) and keeps the others going", async () => {
    const from = epoch + 20_000;
    const to = epoch + 30_000;
    const player = server.play({ from, to, speed: 10, autostart: false });
    const before = server.requestCount("CreateMonitoredItemsRequest");
    const { source, ctx, started } = startSource({
      endpoint: server.endpointUrl,
      subscription: { publishingIntervalMs: 100 },
      monitoring: { samplingIntervalMs: 0, queueSize: 50 },
      nodes: [
        server.nodeId("M9", "Temperature"),
        { nodeId: opcuaAddress(line, "M1", "State"), deadband: { type: "percent", value: 5 } },
        opcuaAddress(line, "M1", "Temperature"),
        { nodeId: opcuaAddress(line, "M1", "Energy"), deadband: { type: "absolute", value: 0.0035 } },
        // Energy's EURange is 0…1e9 kWh: 0.5 % of it is 5,000,000 kWh, so only the initial value passes.
        { nodeId: opcuaAddress(line, "M2", "Energy"), deadband: { type: "percent", value: 0.5 } },
        "nsu=urn:not-served;s=Line1.M1.State",
      ],
    });
    await started;
    // Four parameter sets (plain, 5 % on State, absolute, 0.5 % on M2's energy) → four CreateMonitoredItems
    // calls; the unknown node fails its DataType read and the unknown namespace never gets that far.
    expect(server.requestCount("CreateMonitoredItemsRequest") - before).toBe(4);
    expect(source.failedNodes()).toEqual([
      { address: server.nodeId("M9", "Temperature"), reason: "BadNodeIdUnknown" },
      { address: opcuaAddress(line, "M1", "State"), reason: expect.stringMatching(/^Bad(MonitoredItemFilterUnsupported|FilterNotAllowed|DeadbandFilterInvalid)$/) },
      { address: "nsu=urn:not-served;s=Line1.M1.State", reason: expect.stringMatching(/namespace urn:not-served is not served/) },
    ]);
    // One dead letter per refused node, in the order they failed (namespace, DataType read, CreateMonitoredItems).
    expect(ctx.deadLetters.map((d) => [d.reason, d.origin])).toEqual([
      ["node_rejected", "nsu=urn:not-served;s=Line1.M1.State"],
      ["node_rejected", server.nodeId("M9", "Temperature")],
      ["node_rejected", opcuaAddress(line, "M1", "State")],
    ]);
    expect(ctx.state).toBe("connected");
    expect(ctx.states.at(-1)!.detail).toMatch(/^3\/6 nodes monitored; failing: /);
    player.start();
    await player.done;
    const expected = expectedSeries(line, from, to);
    await waitUntil(() => ctx.of("M1", "Temperature").length >= expected.get("M1.Temperature")!.length, "all temperature changes");
    expect(receivedSeries(ctx).get("M1.Temperature")).toEqual(expected.get("M1.Temperature"));
    // The absolute deadband passes only moves larger than 0.0035 kWh since the last reported reading.
    const energy = receivedSeries(ctx).get("M1.Energy")!;
    let last = energy[0][1] as number;
    for (const [, v] of energy.slice(1)) {
      expect((v as number) - last).toBeGreaterThan(0.0035);
      last = v as number;
    }
    expect(energy.length).toBeLessThan(expected.get("M1.Energy")!.length);
    // The percent deadband, applied by the server against the item's EURange.
    expect(expected.get("M2.Energy")!.length).toBeGreaterThan(5);
    expect(receivedSeries(ctx).get("M2.Energy")).toEqual(expected.get("M2.Energy")!.slice(0, 1));
  });

  it("keeps bad and uncertain readings visible as such; a bad reading carries no value", async () => {
    server.play({ from: epoch + 30_000, speed: 1 }); // slow: the injected statuses stand out
    const { ctx, started } = startSource({
      endpoint: server.endpointUrl,
      subscription: { publishingIntervalMs: 100 },
      monitoring: { samplingIntervalMs: 0 },
      nodes: [opcuaAddress(line, "M2", "IdealCycleTime")],
    });
    await started;
    await waitUntil(() => ctx.points.length === 1, "the initial value");
    server.injectStatus("M2", "IdealCycleTime", StatusCodes.BadSensorFailure);
    await waitUntil(() => ctx.points.length === 2, "the bad reading");
    server.injectStatus("M2", "IdealCycleTime", StatusCodes.UncertainLastUsableValue);
    await waitUntil(() => ctx.points.length === 3, "the uncertain reading");
    server.injectStatus("M2", "IdealCycleTime", null);
    await waitUntil(() => ctx.points.length === 4, "the good reading again");
    expect(ctx.points.map((p) => p.fields)).toEqual([
      { quality: "good", value: 1 },
      { quality: "bad", status: 0x808c0000n },
      { quality: "uncertain", value: 1, status: 0x40900000n },
      { quality: "good", value: 1 },
    ]);
    expect(ctx.points.map((p) => p.quality)).toEqual(["good", "bad", "uncertain", "good"]);
  });

  it("pauses publishing while the pipeline holds points back and loses nothing (the server's queues buffer)", async () => {
    const from = epoch + 40_000;
    const to = epoch + 70_000;
    const player = server.play({ from, to, speed: 10, autostart: false });
    const before = server.requestCount("SetPublishingModeRequest");
    const { source, ctx, started } = startSource({
      endpoint: server.endpointUrl,
      subscription: { publishingIntervalMs: 100 },
      monitoring: { samplingIntervalMs: 0, queueSize: 200 },
      backpressure: { pauseAt: 100, dropAt: 100_000 },
      nodes: allNodes(line),
    });
    await started;
    await waitUntil(() => ctx.points.length >= 14, "the initial values");
    ctx.holding = true;
    player.start();
    await waitUntil(() => source.stats().publishingPaused, "publishing paused");
    const whenPaused = ctx.points.length;
    await new Promise((r) => setTimeout(r, 1000));
    // While paused the server keeps the values; only publish responses already on the way arrive.
    expect(ctx.points.length - whenPaused).toBeLessThan(60);
    ctx.release();
    await player.done;
    const expected = expectedSeries(line, from, to);
    const total = [...expected.values()].reduce((n, s) => n + s.length, 0);
    await waitUntil(() => ctx.points.length >= total, `${total} points`, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(receivedSeries(ctx)).toEqual(expected);
    expect(source.stats()).toMatchObject({ publishingPaused: false, droppedPoints: 0, serverQueueOverflows: 0, pendingPoints: 0 });
    const switches = server.requestCount("SetPublishingModeRequest") - before;
    expect(switches).toBeGreaterThanOrEqual(2);
    expect(switches % 2).toBe(0); // every pause was followed by a resume
  });

  it("dead-letters values of unregistered nodes with their raw reading, and a replay recovers them", async () => {
    const onlyM1 = simulatorRegistry(parseLineSpec({ ...line, machines: [line.machines[0]] }));
    server.play({ from: epoch + 80_000, speed: 1 });
    const { ctx, started } = startSource(
      { endpoint: server.endpointUrl, monitoring: { samplingIntervalMs: 0 }, nodes: [opcuaAddress(line, "M2", "BadCount")] },
      onlyM1,
    );
    await started;
    await waitUntil(() => ctx.deadLetters.length === 1, "the dead-lettered initial value");
    const letter = ctx.deadLetters[0];
    expect(letter).toMatchObject({ reason: "unregistered", origin: opcuaAddress(line, "M2", "BadCount") });
    const expectedValue = simulateLine(line, epoch + 80_000, epoch + 80_000)[1].initial.BadCount;
    const replayed = opcuaPlugin.replay!(
      opcuaConfigSchema.parse({ endpoint: server.endpointUrl, nodes: [opcuaAddress(line, "M2", "BadCount")] }),
      depsWith(simulatorRegistry(line), temp.dir),
      { raw: Buffer.from(letter.raw as string), origin: letter.origin },
    );
    expect(replayed.deadLetters).toEqual([]);
    expect(replayed.points).toEqual([
      {
        measurement: "counter",
        tags: { enterprise: "demo", line: "Line1", machine: "M2", signal: "BadCount" },
        fields: { quality: "good", value: BigInt(expectedValue) },
        time: epoch + 80_000,
        quality: "good",
      },
    ]);
  });
});
