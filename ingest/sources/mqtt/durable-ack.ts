// QoS 1 PUBACK only once the message's points (or its dead letters) are durable — without serialising the
// stream to one fsync per message.
//
// mqtt.js processes incoming packets one at a time: for a QoS 1 PUBLISH it emits 'message', then calls
// `client.handleMessage(packet, cb)`, and only when `cb` runs does it send the PUBACK and move on to the next
// packet (node_modules/mqtt/build/lib/handlers/publish.js). Delaying `cb` until the spool commits would
// therefore stall the whole connection for one commit per message. Instead `cb` is called at once with a
// sentinel error — mqtt.js then skips its PUBACK and goes on reading — and the PUBACK is sent here when the
// pipeline acknowledges. So up to Receive Maximum messages are in flight while the group commit runs.
//
// PUBACKs go out in the order the PUBLISHes arrived (MQTT 5 §4.6), per network connection: a PUBACK for a
// message received on an earlier connection is never sent on a new one (its packet id may mean another
// message now); the broker redelivers such messages itself (persistent session), and at-least-once plus
// idempotent points makes the duplicate harmless.
//
// The PUBACKs a commit releases go out as one write of their bytes: through mqtt.js each is three writes into
// the socket stream plus a cork and a tick (measured: ~0.7 s of CPU per 50,000 PUBACKs, a sixth of the whole
// ingest's at 20 points per message). A PUBACK without properties and with reason code 0 is the same four
// bytes in MQTT 3.1.1 and 5 (0x40, remaining length 2, packet id; MQTT 5 §3.4.2.1 lets the reason code be
// omitted), which is also what mqtt-packet writes for it.
//
// This relies on two internals of mqtt.js 5 (the handleMessage error path and `client.stream`, the
// connection's socket); the integration test test/integration/ingest/mqtt-durable-ack.test.ts fails if an
// upgrade changes them.
import type { IPublishPacket, MqttClient } from "mqtt";
import type { Ack } from "../../core/types";

const DEFERRED = new Error("PUBACK deferred until the message is durable");

interface Pending {
  messageId: number;
  ready: boolean;
}

interface Connection {
  stream: unknown;
  queue: Pending[];
}

export class DurableAcks {
  private connection: Connection | null = null;
  /** Connections with acknowledgements not yet written: flushed once at the end of the tick. */
  private readonly toFlush = new Set<Connection>();
  /** PUBACKs sent, and acknowledgements that came too late for their connection (redelivered by the broker). */
  sent = 0;
  stale = 0;

  constructor(private readonly client: MqttClient) {
    const original = client.handleMessage.bind(client);
    client.handleMessage = (packet, callback) => {
      if (packet.cmd === "publish" && packet.qos === 1) {
        callback(DEFERRED); // mqtt.js: an error here means "no PUBACK now", and the next packet is read
        return;
      }
      original(packet, callback);
    };
  }

  /**
   * Call from the 'message' handler (synchronously, in arrival order). Returns the acknowledgement for a QoS 1
   * message, undefined for QoS 0.
   */
  take(packet: IPublishPacket): Ack | undefined {
    if (packet.qos !== 1 || packet.messageId === undefined) return undefined;
    const stream = (this.client as unknown as { stream: unknown }).stream;
    if (!this.connection || this.connection.stream !== stream) this.connection = { stream, queue: [] };
    const connection = this.connection;
    const entry: Pending = { messageId: packet.messageId, ready: false };
    connection.queue.push(entry);
    return () => {
      if (entry.ready) return;
      entry.ready = true;
      // A commit acknowledges its messages one after the other in one go: write their PUBACKs together.
      if (this.toFlush.size === 0) process.nextTick(this.flushAll);
      this.toFlush.add(connection);
    };
  }

  private readonly flushAll = (): void => {
    for (const connection of this.toFlush) this.flush(connection);
    this.toFlush.clear();
  };

  /** Messages received and not yet acknowledged on the current connection. */
  get inFlight(): number {
    return this.connection?.queue.length ?? 0;
  }

  private flush(connection: Connection): void {
    const queue = connection.queue;
    let ready = 0;
    while (ready < queue.length && queue[ready].ready) ready++;
    if (ready === 0) return;
    const client = this.client as unknown as {
      connected: boolean;
      stream: { destroyed?: boolean; writable?: boolean; write(chunk: Buffer): boolean };
    };
    // `connected` turns false only on the stream's 'close' event; a destroyed stream is already gone.
    const current =
      connection === this.connection &&
      client.connected &&
      client.stream === connection.stream &&
      !client.stream.destroyed &&
      client.stream.writable !== false;
    if (current) {
      const bytes = Buffer.allocUnsafe(4 * ready);
      for (let i = 0; i < ready; i++) {
        const id = queue[i].messageId;
        bytes[4 * i] = 0x40; // PUBACK
        bytes[4 * i + 1] = 2; // remaining length: the packet id only
        bytes[4 * i + 2] = id >> 8;
        bytes[4 * i + 3] = id & 0xff;
      }
      client.stream.write(bytes);
      this.sent += ready;
    } else this.stale += ready;
    queue.splice(0, ready);
  }
}
