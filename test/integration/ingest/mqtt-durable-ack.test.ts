// The PUBACK-after-durable mechanism against a real Mosquitto of this test's own: many messages in flight
// while none is acknowledged, unacknowledged ones redelivered after a reconnect, acknowledged ones not, and
// a broker restart that loses our session followed by a resubscribe (no "connected but silent").
// It also guards the two mqtt.js internals DurableAcks relies on (see ingest/sources/mqtt/durable-ack.ts).
import mqtt, { type IPublishPacket } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DurableAcks } from "../../../ingest/sources/mqtt/durable-ack";
import type { Ack } from "../../../ingest/core/types";
import { requireService, uniqueName } from "../../support/services";
import { embeddedStore, freePort, machineTopics, OwnMosquitto, plantSource, plantState, publishAll, publisher, reading, startInProcess, tempDir, until, untilPlantConnected } from "./support";

const mosquittoAvailable = requireService("mqtt"); // the binary comes with the test services
const T0 = Date.UTC(2025, 5, 15);
const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe.skipIf(!mosquittoAvailable)("QoS 1 acknowledgement after durability (own Mosquitto)", () => {
  let broker: OwnMosquitto;
  const temp = tempDir("zp-ack");
  beforeAll(async () => {
    broker = new OwnMosquitto(temp.dir, await freePort());
    await broker.start();
  });
  afterAll(async () => {
    await broker.stop();
    temp.remove();
  });

  async function subscriber(clientId: string, topic: string, receiveMaximum: number) {
    // Listen before connecting: a resumed session's redeliveries arrive right after the CONNACK.
    const client = mqtt.connect(broker.url, {
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 300, receiveMaximum },
      reconnectPeriod: 0,
      manualConnect: true,
    });
    const acks = new DurableAcks(client);
    const received: Array<{ payload: string; dup: boolean; ack: Ack }> = [];
    client.on("message", (_t, payload, packet: IPublishPacket) => received.push({ payload: payload.toString(), dup: packet.dup, ack: acks.take(packet)! }));
    const connected = new Promise((resolve) => client.once("connect", resolve));
    client.connect();
    await connected;
    await client.subscribeAsync(topic, { qos: 1 });
    return { client, acks, received };
  }

  it("keeps up to Receive Maximum messages in flight without acknowledging any, then acknowledges in order", async () => {
    const topic = uniqueName("ack/window");
    const sub = await subscriber(uniqueName("sub"), topic, 50);
    const pub = await publisher(broker.url, uniqueName("pub"));
    const published = publishAll(pub, Array.from({ length: 120 }, (_, i) => [topic, String(i)] as [string, string]), 120);
    await until("the first 50 to arrive", () => sub.received.length === 50);
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.received.length).toBe(50); // the broker waits for PUBACKs: nothing was acknowledged
    expect(sub.acks.inFlight).toBe(50);
    // Acknowledge out of order: PUBACKs still leave in arrival order, so the window opens only from the front.
    sub.received[1].ack();
    await new Promise((r) => setTimeout(r, 100));
    expect(sub.received.length).toBe(50);
    expect(sub.acks.sent).toBe(0);
    sub.received[0].ack();
    expect(sub.acks.sent).toBe(0); // written together at the end of the tick (one write for a commit's PUBACKs)
    await tick();
    expect(sub.acks.sent).toBe(2);
    // Mosquitto 2.0 then sends on (it enforces the window strictly only while nothing is acknowledged).
    await until("more after two PUBACKs", () => sub.received.length > 50);
    expect(sub.acks.sent).toBe(2);
    // Acknowledge everything as it comes: all 120 arrive, each once.
    const drain = setInterval(() => sub.received.forEach((r) => r.ack()), 5);
    await published;
    await until("all 120", () => sub.received.length === 120 && sub.acks.inFlight === 0);
    clearInterval(drain);
    expect(sub.received.map((r) => Number(r.payload))).toEqual(Array.from({ length: 120 }, (_, i) => i));
    await Promise.all([pub.endAsync(), sub.client.endAsync()]);
  });

  it("redelivers what was not acknowledged when the session resumes, and not what was", async () => {
    const topic = uniqueName("ack/redeliver");
    const clientId = uniqueName("sub");
    const first = await subscriber(clientId, topic, 100);
    const pub = await publisher(broker.url, uniqueName("pub"));
    await publishAll(pub, Array.from({ length: 10 }, (_, i) => [topic, String(i)] as [string, string]));
    await until("10 received", () => first.received.length === 10);
    for (const r of first.received.slice(0, 6)) r.ack();
    await tick();
    expect(first.acks.sent).toBe(6);
    // A QoS 1 round trip of our own: the broker handles packets in order, so our PUBACKs are processed.
    await first.client.publishAsync(uniqueName("ack/barrier"), "x", { qos: 1 });
    first.client.end(true); // connection lost before the last four were durable
    // Their acknowledgements arrive too late for that connection: they must not be sent on the next one.
    for (const r of first.received.slice(6)) r.ack();
    await tick();
    expect(first.acks.stale).toBe(4);

    const again = await subscriber(clientId, topic, 100);
    await until("4 redelivered", () => again.received.length === 4);
    await new Promise((r) => setTimeout(r, 200));
    expect(again.received.map((r) => [r.payload, r.dup])).toEqual([
      ["6", true],
      ["7", true],
      ["8", true],
      ["9", true],
    ]);
    again.received.forEach((r) => r.ack());
    await Promise.all([pub.endAsync(), again.client.endAsync()]);
  });

  it("resubscribes after a broker restart that lost the session, and data flows again", async () => {
    const prefix = uniqueName("restart");
    const dir = tempDir("zp-restart");
    const service = await startInProcess(dir.dir, {
      dataDir: dir.dir,
      http: { enabled: false },
      sources: [{ ...plantSource(broker.url, `${prefix}/#`), reconnectInitial: "100ms", reconnectMax: "500ms" }],
      sinks: [{ type: "embedded", flushInterval: "50ms" }],
      registry: machineTopics(`${prefix}/{machine}`),
    });
    const stored = () => embeddedStore(service).query({ measurement: "gauge" }).length;
    try {
      await untilPlantConnected(service);
      const pub1 = await publisher(broker.url, uniqueName("pub"));
      await publishAll(pub1, [[`${prefix}/m1`, reading(T0, 1)]]);
      await until("first point stored", () => stored() === 1);
      await pub1.endAsync();

      await broker.stop(); // persistence false: the broker forgets our session and subscription
      await until("source saw the loss", () => plantState(service) !== "connected");
      await broker.start();
      await until("reconnected", () => plantState(service) === "connected", 10_000);

      const pub2 = await publisher(broker.url, uniqueName("pub"));
      await publishAll(pub2, [[`${prefix}/m1`, reading(T0, 2)]]);
      await until("second point stored after the restart", () => stored() === 2);
      await pub2.endAsync();
    } finally {
      await service.stop();
      dir.remove();
    }
  });
});
