// The simulated line as a Sparkplug B edge node: one edge node per line, one device per machine. It plays the
// pure model like the OPC UA server does: NBIRTH (bdSeq, Node Control/Rebirth), a DBIRTH per machine with
// every metric's name, alias, datatype and current value, then DDATA by alias only; it answers a Rebirth NCMD
// and leaves NDEATH as its MQTT will. Test hooks make it misbehave the way real edges do: skip sequence
// numbers, drop off the network without a DISCONNECT, declare a device dead, renumber aliases on a rebirth.
import { EventEmitter } from "node:events";
import mqtt, { type MqttClient } from "mqtt";
import { DataType, decodePayload, encodePayload, type MetricOut } from "../sparkplug/codec";
import { NAMESPACE } from "../sparkplug/topic";
import type { SignalChange } from "./model";
import { LinePlayer, type PlayOptions } from "./player";
import { machineSignals, type LineSpec, type MachineSignal } from "./spec";

/** The Sparkplug datatype of each machine signal (the counters are UInt64 — hosts must not lose them to floats). */
export const metricDataType: Record<MachineSignal, number> = {
  State: DataType.Int32,
  GoodCount: DataType.UInt64,
  BadCount: DataType.UInt64,
  IdealCycleTime: DataType.Double,
  SpindleSpeed: DataType.Double,
  Temperature: DataType.Double,
  Energy: DataType.Double,
};

export interface LineEdgeOptions {
  line: LineSpec;
  /** Broker URL (mqtt://…). */
  url: string;
  /** Sparkplug group id; default the line's enterprise. */
  group?: string;
  /** Edge node id; default the line id. */
  edgeNode?: string;
  clientId?: string;
  username?: string;
  password?: string;
  /** QoS of BIRTH and DATA messages. Sparkplug says 0; 1 exercises a host's durable acknowledgement. */
  qos?: 0 | 1;
  /** Give metrics new aliases at every (re)birth: a host must decode with the newest BIRTH only. */
  renumberAliasesOnBirth?: boolean;
  /**
   * Sparkplug 3.0 primary host: publish births and data only while this host's STATE says online (a birth when
   * it comes online, an NDEATH when it goes offline), so a host that starts after the edge misses nothing.
   */
  primaryHostId?: string;
}

interface Current {
  value: number;
  time: number;
}

export class LineEdge extends EventEmitter {
  readonly group: string;
  readonly edgeNode: string;
  private client: MqttClient | undefined;
  private player: LinePlayer | undefined;
  private readonly current = new Map<string, Current>();
  private readonly offline = new Set<string>();
  private aliases = new Map<string, number>();
  private seq = 0;
  /** Incremented for every MQTT session; the NDEATH will carries it. */
  bdSeq = -1;
  births = 0;
  rebirthRequests = 0;
  published = 0;
  private skip = 0;
  private subscribed = false;
  private hostOnline = false;
  private hostTimestamp = 0;

  constructor(readonly options: LineEdgeOptions) {
    super();
    this.group = options.group ?? options.line.enterprise;
    this.edgeNode = options.edgeNode ?? options.line.line;
  }

  private topic(type: string, device?: string): string {
    return `${NAMESPACE}/${this.group}/${type}/${this.edgeNode}${device ? `/${device}` : ""}`;
  }

  /** Connects (a new session: bdSeq + 1) and publishes the births once connected. */
  async start(): Promise<void> {
    this.bdSeq++;
    const will = this.deathPayload();
    const client = mqtt.connect(this.options.url, {
      clientId: this.options.clientId ?? `zhiping-edge-${this.group}-${this.edgeNode}`,
      username: this.options.username,
      password: this.options.password,
      clean: true,
      reconnectPeriod: 1000,
      // Data from before a reconnect would reach the host before the new NBIRTH: never queue it.
      queueQoSZero: false,
      will: { topic: this.topic("NDEATH"), payload: Buffer.from(will), qos: 1, retain: false },
    });
    this.client = client;
    client.on("reconnect", () => {
      // A new MQTT session: a new bdSeq, and the will that announces its death carries it.
      this.bdSeq++;
      client.options.will = { ...client.options.will!, payload: Buffer.from(this.deathPayload()) };
    });
    client.on("message", (topic, payload) => this.onCommand(topic, payload));
    client.on("connect", () => {
      this.subscribed = false;
      const topics = [this.topic("NCMD"), ...(this.options.primaryHostId ? [this.hostStateTopic()] : [])];
      client.subscribe(topics, { qos: 1 }, () => {
        this.subscribed = true;
        if (this.gateOpen()) this.birth();
      });
    });
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
  }

  /** Play the model: DDATA for each machine's changes. Values in effect at `from` go out in the births. */
  play(options: PlayOptions & { autostart?: boolean } = {}): LinePlayer {
    this.player?.stop();
    const player = new LinePlayer(this.options.line, (changes) => this.publishChanges(changes), options);
    this.current.clear();
    for (const [machine, snapshot] of Object.entries(player.snapshot())) {
      for (const signal of machineSignals) this.current.set(`${machine}.${signal}`, { value: snapshot[signal], time: player.from });
    }
    this.player = player;
    // Once subscribed to NCMD the births follow at once; before that, the subscription's callback sends them.
    if (this.client?.connected && this.subscribed && this.gateOpen()) this.birth();
    if (options.autostart !== false) player.start();
    return player;
  }

  /** Clean shutdown: NDEATH published by us, then DISCONNECT (the broker discards the will). */
  async stop(): Promise<void> {
    this.player?.stop();
    this.player = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) await client.publishAsync(this.topic("NDEATH"), Buffer.from(this.deathPayload()), { qos: 1 }).catch(() => undefined);
    await client.endAsync(false).catch(() => undefined);
  }

  private deathPayload(): Uint8Array {
    return encodePayload({ timestamp: Date.now(), metrics: [{ name: "bdSeq", datatype: DataType.Int64, value: BigInt(this.bdSeq) }] });
  }

  // ------------------------------------------------------------ test hooks

  /** The next `count` sequence numbers are used up without a message: the host sees a gap. */
  skipSequence(count = 1): void {
    this.skip += count;
  }

  /** Drops off the network without DISCONNECT (and stays off): the broker publishes the NDEATH will. */
  async disconnectAbruptly(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    (client as unknown as { stream: { destroy(): void } }).stream.destroy();
    await client.endAsync(true).catch(() => undefined);
  }

  /** A machine goes away (DDEATH); its DDATA stop until `deviceBirth`. */
  deviceDeath(machine: string): void {
    this.offline.add(machine);
    this.publish(this.topic("DDEATH", machine), { timestamp: Date.now(), metrics: [] });
  }

  deviceBirth(machine: string): void {
    this.offline.delete(machine);
    this.publishDeviceBirth(machine);
  }

  /** The alias a machine's signal has in the current births. */
  aliasOf(machine: string, signal: MachineSignal): number {
    return this.aliases.get(`${machine}.${signal}`)!;
  }

  // ------------------------------------------------------------ messages

  private nextSeq(): number {
    this.seq = (this.seq + 1 + this.skip) % 256;
    this.skip = 0;
    return this.seq;
  }

  private hostStateTopic(): string {
    return `${NAMESPACE}/STATE/${this.options.primaryHostId}`;
  }

  /** Without a primary host always open; with one, only while it is online. */
  private gateOpen(): boolean {
    return !this.options.primaryHostId || this.hostOnline;
  }

  private publish(topic: string, payload: { timestamp: number; metrics: MetricOut[] }, seq = this.nextSeq()): void {
    const client = this.client;
    if (!client?.connected || !this.gateOpen()) return;
    client.publish(topic, Buffer.from(encodePayload({ ...payload, seq })), { qos: this.options.qos ?? 0 });
    this.published++;
  }

  private birth(): void {
    this.births++;
    const line = this.options.line;
    const base = this.options.renumberAliasesOnBirth ? this.births * 1000 : 0;
    this.aliases = new Map();
    line.machines.forEach((m, mi) => machineSignals.forEach((s, si) => this.aliases.set(`${m.id}.${s}`, base + 16 + mi * 16 + si)));
    this.seq = 0;
    this.skip = 0;
    this.publish(
      this.topic("NBIRTH"),
      {
        timestamp: Date.now(),
        metrics: [
          { name: "bdSeq", datatype: DataType.Int64, value: BigInt(this.bdSeq) },
          { name: "Node Control/Rebirth", alias: base + 1, datatype: DataType.Boolean, value: false },
        ],
      },
      0,
    );
    for (const m of line.machines) if (!this.offline.has(m.id)) this.publishDeviceBirth(m.id);
  }

  private publishDeviceBirth(machine: string): void {
    if (this.current.size === 0) return; // nothing played yet: the births follow play()
    this.publish(this.topic("DBIRTH", machine), {
      timestamp: Date.now(),
      metrics: machineSignals.map((signal) => {
        const c = this.current.get(`${machine}.${signal}`)!;
        return { name: signal, alias: this.aliasOf(machine, signal), datatype: metricDataType[signal], timestamp: c.time, value: valueFor(signal, c.value) };
      }),
    });
  }

  private publishChanges(changes: SignalChange[]): void {
    const byMachine = new Map<string, MetricOut[]>();
    for (const c of changes) {
      this.current.set(`${c.machine}.${c.signal}`, { value: c.value, time: c.time });
      if (this.offline.has(c.machine)) continue;
      const metrics = byMachine.get(c.machine) ?? [];
      // DATA by alias only, without name or datatype: the host decodes with the DBIRTH.
      metrics.push({ alias: this.aliasOf(c.machine, c.signal), timestamp: c.time, value: valueFor(c.signal, c.value), as: metricDataType[c.signal] });
      byMachine.set(c.machine, metrics);
    }
    for (const [machine, metrics] of byMachine) this.publish(this.topic("DDATA", machine), { timestamp: Date.now(), metrics });
  }

  private onHostState(payload: Buffer): void {
    let state: { online?: unknown; timestamp?: unknown };
    try {
      state = JSON.parse(payload.toString("utf8"));
    } catch {
      return;
    }
    const timestamp = typeof state.timestamp === "number" ? state.timestamp : 0;
    if (timestamp < this.hostTimestamp) return; // an older message than the last one seen (3.0 §5.4)
    this.hostTimestamp = timestamp;
    if (state.online === true && !this.hostOnline) {
      this.hostOnline = true;
      this.birth();
    } else if (state.online === false && this.hostOnline) {
      // Our host is gone: say so and publish nothing until it is back (then a new birth).
      this.client?.publish(this.topic("NDEATH"), Buffer.from(this.deathPayload()), { qos: 1 });
      this.hostOnline = false;
    }
  }

  private onCommand(topic: string, payload: Buffer): void {
    if (this.options.primaryHostId && topic === this.hostStateTopic()) return this.onHostState(payload);
    if (topic !== this.topic("NCMD")) return;
    try {
      const command = decodePayload(payload);
      const rebirth = command.metrics.find((m) => m.name === "Node Control/Rebirth");
      if (rebirth && rebirth.raw.booleanValue === true) {
        this.rebirthRequests++;
        this.emit("rebirth");
        this.birth();
      }
    } catch {
      // Not a Sparkplug payload: an edge node ignores it.
    }
  }
}

function valueFor(signal: MachineSignal, value: number): number | bigint {
  return metricDataType[signal] === DataType.UInt64 ? BigInt(value) : value;
}
