// PUBACK-after-durable, on the wire: the acknowledgements of one tick leave as one write of their bytes, in
// arrival order, only from the front of the queue, and never on a connection other than the message's own.
// (The broker side — Mosquitto taking these bytes as PUBACKs — is in test/integration/ingest/mqtt-durable-ack.test.ts.)
import type { IPublishPacket, MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { DurableAcks } from "../../../ingest/sources/mqtt/durable-ack";

const tick = () => new Promise<void>((resolve) => process.nextTick(resolve));

/** What DurableAcks touches of an mqtt.js client: handleMessage, connected, and the connection's stream. */
function fakeClient() {
  const stream = () => ({ writes: [] as number[][], destroyed: false, writable: true, write(b: Buffer) { this.writes.push([...b]); return true; } });
  const client = { connected: true, stream: stream(), handleMessage: (_p: unknown, cb: (err?: Error) => void) => cb() };
  return { client, newStream: () => (client.stream = stream()) };
}

const publish = (messageId: number): IPublishPacket => ({ cmd: "publish", qos: 1, messageId, topic: "t", payload: Buffer.alloc(0), dup: false, retain: false });

describe("DurableAcks", () => {
  it("writes the PUBACKs acknowledged in one tick as one write, in arrival order, 4 bytes each", async () => {
    const { client } = fakeClient();
    const acks = new DurableAcks(client as unknown as MqttClient);
    const [a, b, c, d] = [1, 258, 65535, 7].map((id) => acks.take(publish(id))!);
    c();
    b();
    await tick();
    expect(client.stream.writes).toEqual([]); // the first message is not durable yet: nothing may leave
    a();
    expect(client.stream.writes).toEqual([]); // not before the end of the tick
    await tick();
    expect(client.stream.writes).toEqual([[0x40, 2, 0, 1, 0x40, 2, 1, 2, 0x40, 2, 0xff, 0xff]]);
    expect([acks.sent, acks.inFlight]).toEqual([3, 1]);
    d();
    d(); // twice is once
    await tick();
    expect(client.stream.writes.slice(1)).toEqual([[0x40, 2, 0, 7]]);
    expect([acks.sent, acks.inFlight, acks.stale]).toEqual([4, 0, 0]);
  });

  it("defers mqtt.js's own PUBACK for QoS 1 and has none to give for QoS 0", () => {
    const { client } = fakeClient();
    const acks = new DurableAcks(client as unknown as MqttClient);
    const errors: Array<Error | undefined> = [];
    client.handleMessage(publish(3), (err) => errors.push(err));
    client.handleMessage({ ...publish(4), qos: 0 }, (err) => errors.push(err));
    expect(errors[0]?.message).toBe("PUBACK deferred until the message is durable");
    expect(errors[1]).toBeUndefined();
    expect(acks.take({ ...publish(5), qos: 0 })).toBeUndefined();
  });

  it("counts an acknowledgement that comes after its connection was lost as stale and sends nothing on the new one", async () => {
    const { client, newStream } = fakeClient();
    const acks = new DurableAcks(client as unknown as MqttClient);
    const old = acks.take(publish(1))!;
    const first = client.stream;
    newStream(); // reconnected: the broker redelivers message 1 itself
    const fresh = acks.take(publish(1))!;
    old();
    fresh();
    await tick();
    expect(first.writes).toEqual([]);
    expect(client.stream.writes).toEqual([[0x40, 2, 0, 1]]);
    expect([acks.sent, acks.stale]).toEqual([1, 1]);
  });
});
