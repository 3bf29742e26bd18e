// The Sparkplug B host against the simulated edge node through the real Mosquitto: exact values decoded with
// the BIRTH datatypes, a rebirth after an injected seq gap with the new alias table used afterwards, DATA
// before BIRTH, STALE after NDEATH, STATE birth and will, PUBACK held until the points are durable.
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { sparkplugConfigSchema, type SparkplugConfigInput } from "../../../ingest/sources/sparkplug/config";
import { SparkplugHost } from "../../../ingest/sources/sparkplug/host";
import { LineEdge } from "../../../ingest/sources/simulator/edge";
import { simulateLine } from "../../../ingest/sources/simulator/model";
import { simulatorRegistry } from "../../../ingest/sources/simulator/registry";
import { machineSignals, parseLineSpec, signalInfo, type LineSpec } from "../../../ingest/sources/simulator/spec";
import { requireService, uniqueName } from "../../support/services";
import { CollectingContext, depsWith, tempDir, waitUntil } from "./simulator-harness";

const mqttUrl = requireService("mqtt");
const epoch = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

function lineFor(enterprise: string): LineSpec {
  const machine = (id: string, runS: number) => ({
    id,
    idealCycleTimeS: 1,
    cycleTimeS: 1.5,
    behaviour: { kind: "schedule" as const, cycle: [{ state: "Executing" as const, durationS: runS }, { state: "OutOfService" as const, durationS: 2 }] },
    quality: { badEvery: 4 },
    spindleSpeedRpm: 3200,
    temperature: { ambientC: 21, idleC: 30, executingC: 48, timeConstantS: 15 },
    powerKw: { NotAvailable: 0, OutOfService: 0.8, NotExecuting: 2, Executing: 7.5 },
    initial: { goodCount: 2 ** 40, badCount: 0, energyKWh: 100 },
  });
  return parseLineSpec({ enterprise, line: "Line1", seed: 21, epoch, machines: [machine("M1", 4), machine("M2", 6)] });
}

/** Per signal, the distinct (time, value) readings the model produces for [from, to]. */
function expected(line: LineSpec, from: number, to: number): Map<string, Array<[number, unknown]>> {
  const out = new Map<string, Array<[number, unknown]>>();
  for (const h of simulateLine(line, from, to)) {
    for (const signal of machineSignals) {
      const typed = (v: number) => (signalInfo[signal].kind === "gauge" ? v : BigInt(v));
      out.set(`${h.machine}.${signal}`, [[from, typed(h.initial[signal])], ...h.changes.filter((c) => c.signal === signal).map((c): [number, unknown] => [c.time, typed(c.value)])]);
    }
  }
  return out;
}

/** What arrived, per signal, distinct by time (a rebirth repeats current values with their own timestamps). */
function received(ctx: CollectingContext): Map<string, Array<[number, unknown]>> {
  const out = new Map<string, Map<number, unknown>>();
  for (const p of ctx.points) {
    if (p.quality !== "good") continue;
    const key = `${p.tags.machine}.${p.tags.signal}`;
    const series = out.get(key) ?? new Map<number, unknown>();
    if (series.has(p.time) && series.get(p.time) !== p.fields.value) throw new Error(`${key}@${p.time}: two different values`);
    series.set(p.time, p.fields.value);
    out.set(key, series);
  }
  return new Map([...out].map(([k, v]) => [k, [...v.entries()].sort((a, b) => a[0] - b[0])]));
}

const temp = tempDir("sparkplug");
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function startHost(line: LineSpec, overrides: Partial<SparkplugConfigInput> = {}) {
  const config = sparkplugConfigSchema.parse({
    url: mqttUrl,
    clientId: uniqueName("host"),
    hostId: uniqueName("zhiping"),
    groups: [line.enterprise],
    reorderTimeout: 300,
    rebirthMinInterval: 1000,
    ...overrides,
  });
  const host = new SparkplugHost(config, depsWith(simulatorRegistry(line), temp.dir, "sparkplug-test"));
  const ctx = new CollectingContext();
  await host.start(ctx);
  await host.ready;
  cleanup.push(() => host.stop());
  return { host, ctx, config };
}

async function startEdge(line: LineSpec, options: { renumberAliasesOnBirth?: boolean; qos?: 0 | 1 } = {}) {
  const edge = new LineEdge({ line, url: mqttUrl!, clientId: uniqueName("edge"), ...options });
  await edge.start();
  cleanup.push(() => edge.stop());
  return edge;
}

describe.skipIf(!mqttUrl)("sparkplug host ← simulated edge node over Mosquitto", () => {
  it("receives every value exactly, decoded with the DBIRTH datatypes (UInt64 counters beyond 2^32 stay exact)", async () => {
    const line = lineFor(uniqueName("G"));
    const { host, ctx } = await startHost(line);
    const edge = await startEdge(line);
    const from = epoch;
    const to = epoch + 15_000;
    const player = edge.play({ from, to, speed: 10 });
    await player.done;
    const want = expected(line, from, to);
    const total = [...want.values()].reduce((n, s) => n + s.length, 0);
    await waitUntil(() => ctx.points.length >= total, `${total} points`);
    await new Promise((r) => setTimeout(r, 200));
    expect(received(ctx)).toEqual(want);
    expect(ctx.points).toHaveLength(total);
    expect(ctx.of("M1", "GoodCount")[0].fields.value).toBe(BigInt(2 ** 40));
    expect(ctx.deadLetters).toEqual([]);
    expect(host.stats()).toMatchObject({ gaps: 0, rebirthRequests: 0, beforeBirth: 0 });
    expect(host.nodes()).toEqual([
      expect.objectContaining({ group: line.enterprise, edge: "Line1", online: true, bdSeq: "0", devices: [expect.objectContaining({ id: "M1", online: true, metrics: 7 }), expect.objectContaining({ id: "M2", online: true, metrics: 7 })] }),
    ]);
  });

  it("asks for a rebirth after an injected seq gap, and decodes the following data with the new aliases", async () => {
    const line = lineFor(uniqueName("G"));
    const { host, ctx } = await startHost(line);
    const edge = await startEdge(line, { renumberAliasesOnBirth: true });
    const from = epoch + 100_000;
    const to = from + 20_000;
    const rebirth = new Promise<void>((r) => edge.once("rebirth", () => r()));
    const player = edge.play({ from, to, speed: 10 });
    const aliasBefore = edge.aliasOf("M1", "Temperature");
    await new Promise((r) => setTimeout(r, 500));
    edge.skipSequence(3);
    await rebirth;
    expect(edge.aliasOf("M1", "Temperature")).not.toBe(aliasBefore);
    await player.done;
    const want = expected(line, from, to);
    await waitUntil(() => (received(ctx).get("M2.Energy")?.length ?? 0) >= want.get("M2.Energy")!.length, "the energy readings after the rebirth");
    await new Promise((r) => setTimeout(r, 200));
    // Nothing lost: the messages after the gap were processed when the reorder timeout ran out.
    expect(received(ctx)).toEqual(want);
    expect(ctx.deadLetters).toEqual([]);
    expect(host.stats()).toMatchObject({ gaps: 1, rebirthRequests: 1 });
    expect(edge.rebirthRequests).toBe(1);
  });

  it("asks for a rebirth when DATA arrives before any BIRTH (host started after the edge)", async () => {
    const line = lineFor(uniqueName("G"));
    const edge = await startEdge(line);
    edge.play({ from: epoch + 200_000, speed: 10 });
    await new Promise((r) => setTimeout(r, 300)); // the births went out before the host listened
    const { host, ctx } = await startHost(line);
    await waitUntil(() => edge.rebirthRequests >= 1, "the rebirth request");
    await waitUntil(() => ctx.of("M1", "State").length > 0 && ctx.of("M2", "Energy").length > 2, "data after the rebirth");
    expect(host.stats().beforeBirth).toBeGreaterThanOrEqual(1);
    expect(ctx.deadLetters.every((d) => d.reason === "before_birth")).toBe(true);
    expect(host.stats().rebirthRequests).toBe(1);
  });

  it("marks every metric STALE when the edge node drops off (NDEATH will with the matching bdSeq)", async () => {
    const line = lineFor(uniqueName("G"));
    const { host, ctx } = await startHost(line);
    const edge = await startEdge(line);
    edge.play({ from: epoch + 300_000, speed: 5 });
    await waitUntil(() => ctx.of("M2", "Energy").length >= 3, "some data");
    await edge.disconnectAbruptly();
    await waitUntil(() => ctx.points.some((p) => p.quality === "stale"), "the STALE points");
    await new Promise((r) => setTimeout(r, 100));
    const stale = ctx.points.filter((p) => p.quality === "stale");
    expect(stale.map((p) => `${p.tags.machine}.${p.tags.signal}`).sort()).toEqual(
      line.machines.flatMap((m) => machineSignals.map((s) => `${m.id}.${s}`)).sort(),
    );
    expect(stale.every((p) => p.measurement === signalInfo[p.tags.signal as keyof typeof signalInfo].kind && !("value" in p.fields))).toBe(true);
    expect(host.nodes()[0]).toMatchObject({ online: false, devices: [{ online: false }, { online: false }] });
  });

  it("publishes a retained STATE birth and leaves a will with the same timestamp", async () => {
    const line = lineFor(uniqueName("G"));
    const { host, config } = await startHost(line);
    const watcher = await mqtt.connectAsync(mqttUrl!, { clientId: uniqueName("watch") });
    cleanup.push(() => watcher.endAsync());
    const states: Array<{ online: boolean; timestamp: number }> = [];
    watcher.on("message", (_t, payload) => states.push(JSON.parse(payload.toString())));
    await watcher.subscribeAsync(host.stateTopic, { qos: 1 });
    await waitUntil(() => states.length === 1, "the retained STATE");
    expect(states[0]).toMatchObject({ online: true });
    // Drop the host's connection without DISCONNECT: the broker publishes its will.
    const client = (host as unknown as { client: { stream: { destroy(): void }; options: { reconnectPeriod: number } } }).client;
    client.options.reconnectPeriod = 60_000;
    client.stream.destroy();
    await waitUntil(() => states.length === 2, "the will");
    expect(states[1]).toEqual({ online: false, timestamp: states[0].timestamp });
    expect(config.hostId).toBe(host.stateTopic.split("/")[2]);
  });

  it("holds QoS 1 acknowledgements until the points are durable", async () => {
    const line = lineFor(uniqueName("G"));
    const { host, ctx } = await startHost(line);
    ctx.holding = true;
    const sentBefore = host.ackStats.sent; // our own STATE message, received before the hold
    const edge = await startEdge(line, { qos: 1 });
    edge.play({ from: epoch + 400_000, speed: 5 });
    await waitUntil(() => host.ackStats.inFlight >= 5, "unacknowledged messages");
    expect(host.ackStats.sent).toBe(sentBefore);
    ctx.release();
    await waitUntil(() => host.ackStats.sent >= sentBefore + 5 && host.ackStats.inFlight <= 2, "the PUBACKs");
  });
});
