// The Sparkplug B host application over MQTT (mqtt.js 5): STATE birth and will, subscriptions, PUBACK only
// once durable (the mqtt source's DurableAcks), the reorder timer, and Rebirth requests as NCMD. The rules of
// what each message means live in state.ts.
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import type { Logger } from "pino";
import type { Ack, PluginDeps, Source, SourceContext } from "../../core/types";
import { clientOptions, reconnectBackoff, type MqttConnection } from "../mqtt/connection";
import { DurableAcks } from "../mqtt/durable-ack";
import { DataType, decodePayload, encodePayload } from "./codec";
import type { SparkplugConfig } from "./config";
import { HostState, type HostStats, type NodeStatus, type Outcome } from "./state";
import { NAMESPACE, parseTopic } from "./topic";

export class SparkplugHost implements Source {
  readonly name: string;
  private readonly log: Logger;
  private readonly state: HostState;
  private readonly options: IClientOptions;
  private client: MqttClient | undefined;
  private acks: DurableAcks | undefined;
  private ctx: SourceContext | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stateTimestamp = 0;
  private stopping = false;
  private pendingPoints = 0;
  private dropped = 0;
  private rebirthsSent = 0;
  private readyResolve!: () => void;
  /** Resolves once subscribed and STATE online is published (tests wait for it). */
  readonly ready: Promise<void>;

  constructor(
    private readonly config: SparkplugConfig,
    deps: PluginDeps,
  ) {
    this.name = deps.name ?? "sparkplug";
    this.log = deps.logger.child({ source: this.name });
    this.state = new HostState({
      source: this.name,
      registry: deps.registry,
      reorderTimeoutMs: config.reorderTimeout,
      rebirthMinIntervalMs: config.rebirthMinInterval,
    });
    const base = clientOptions(config as MqttConnection, deps.configDir);
    // MQTT 5: Clean Start with Session Expiry 0; MQTT 3.1.1 (e.g. the embedded aedes broker): Clean Session.
    this.options = !config.cleanStart
      ? base
      : config.protocolVersion === 5
        ? { ...base, clean: true, properties: { ...base.properties, sessionExpiryInterval: 0 } }
        : { ...base, clean: true };
    this.ready = new Promise((r) => (this.readyResolve = r));
  }

  get stateTopic(): string {
    return `${NAMESPACE}/STATE/${this.config.hostId}`;
  }

  stats(): HostStats & { droppedPoints: number; pendingPoints: number; rebirthsSent: number } {
    return { ...this.state.stats, droppedPoints: this.dropped, pendingPoints: this.pendingPoints, rebirthsSent: this.rebirthsSent };
  }

  /** QoS 1 acknowledgement bookkeeping (PUBACKs wait until the points are durable). */
  get ackStats(): { sent: number; stale: number; inFlight: number } {
    return { sent: this.acks?.sent ?? 0, stale: this.acks?.stale ?? 0, inFlight: this.acks?.inFlight ?? 0 };
  }

  /** Edge nodes and devices seen, online or not (for /healthz and the web app). */
  nodes(): NodeStatus[] {
    return this.state.status();
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    ctx.setState("connecting", this.config.url);
    this.stateTimestamp = Date.now();
    const client = mqtt.connect(this.config.url, { ...this.options, will: this.will(), manualConnect: true });
    this.client = client;
    this.acks = new DurableAcks(client);
    reconnectBackoff(client, this.config.reconnectInitial, this.config.reconnectMax);
    client.on("connect", (connack) => void this.onConnect(client, connack.sessionPresent));
    client.on("message", (topic, payload, packet) => this.onMessage(topic, payload, packet));
    client.on("reconnect", () => {
      // 3.0: the will and the birth that follows carry the same, new timestamp.
      this.stateTimestamp = Date.now();
      client.options.will = this.will();
      ctx.setState("connecting", this.config.url);
    });
    client.on("offline", () => {
      if (!this.stopping) ctx.setState("disconnected", "connection lost; reconnecting");
    });
    client.on("error", (err) => ctx.setState("error", err.message));
    client.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    if (!client) return;
    if (this.config.publishState && client.connected) {
      await client.publishAsync(this.stateTopic, this.statePayload(false), { qos: 1, retain: true }).catch(() => undefined);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => client.end(true, () => resolve()), 2000);
      client.end(false, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.ctx?.setState("disconnected", "stopped");
  }

  // ------------------------------------------------------------ connection

  private will(): IClientOptions["will"] {
    if (!this.config.publishState) return undefined;
    return { topic: this.stateTopic, payload: this.statePayload(false), qos: 1, retain: true };
  }

  private statePayload(online: boolean): Buffer {
    return Buffer.from(JSON.stringify({ online, timestamp: this.stateTimestamp }));
  }

  private async onConnect(client: MqttClient, sessionPresent: boolean): Promise<void> {
    try {
      if (!sessionPresent || this.config.cleanStart) {
        const filters: Record<string, { qos: 0 | 1 }> = {};
        for (const group of this.config.groups) filters[`${NAMESPACE}/${group}/#`] = { qos: 1 };
        if (this.config.publishState) filters[this.stateTopic] = { qos: 1 };
        const granted = await client.subscribeAsync(filters);
        const refused = granted.filter((g) => g.qos >= 0x80);
        if (refused.length) throw new Error(`broker refused subscription to ${refused.map((g) => g.topic).join(", ")}`);
      }
      if (this.config.publishState) await client.publishAsync(this.stateTopic, this.statePayload(true), { qos: 1, retain: true });
      this.ctx?.setState("connected", this.config.url);
      this.readyResolve();
    } catch (err) {
      this.ctx?.setState("error", (err as Error).message);
    }
  }

  // ------------------------------------------------------------ messages

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const ack = this.acks!.take(packet);
    const ctx = this.ctx!;
    const parsed = parseTopic(topic);
    if (typeof parsed === "string") {
      ctx.deadLetter({ source: this.name, reason: "not_sparkplug", detail: parsed, origin: topic, raw: payload });
      void ctx.emit([], ack);
      return;
    }
    if (parsed.kind === "state") {
      this.onState(parsed.hostId, payload);
      void ctx.emit([], ack);
      return;
    }
    let decoded;
    try {
      decoded = decodePayload(payload);
    } catch (err) {
      ctx.deadLetter({ source: this.name, reason: "malformed", detail: `not a Sparkplug B payload: ${(err as Error).message}`, origin: topic, raw: payload });
      void ctx.emit([], ack);
      return;
    }
    this.apply(this.state.receive({ topic, parsed, payload: decoded, raw: payload, receivedAt: Date.now(), ack }, Date.now()));
  }

  /** Our own STATE reported offline while we are connected (an old will): say we are online (3.0 §7.5). */
  private onState(hostId: string, payload: Buffer): void {
    if (hostId !== this.config.hostId || !this.config.publishState || this.stopping) return;
    try {
      const state = JSON.parse(payload.toString("utf8")) as { online?: unknown };
      if (state.online === false && this.client?.connected) {
        this.client.publish(this.stateTopic, this.statePayload(true), { qos: 1, retain: true });
      }
    } catch {
      // Someone else's malformed retained message on our topic: our next birth replaces it.
    }
  }

  private apply(outcome: Outcome): void {
    const ctx = this.ctx!;
    for (const h of outcome.handled) {
      for (const d of h.deadLetters) ctx.deadLetter(d);
      this.emit(h.points, h.ack);
    }
    for (const node of outcome.rebirth) this.requestRebirth(node.group, node.edge);
    this.schedule();
  }

  private emit(points: import("../../core/types").Point[], ack: Ack | undefined): void {
    const ctx = this.ctx!;
    if (points.length > 0 && this.pendingPoints + points.length > this.config.maxPendingPoints) {
      // QoS 0 data cannot be held back at the broker: what the pipeline cannot take is counted, not hidden.
      this.dropped += points.length;
      ctx.deadLetter({ source: this.name, reason: "overflow", detail: `${points.length} points dropped: ${this.pendingPoints} earlier points are not durable yet` });
      void ctx.emit([], ack);
      return;
    }
    this.pendingPoints += points.length;
    ctx.emit(points, ack).then(
      () => (this.pendingPoints -= points.length),
      (err: Error) => {
        this.pendingPoints -= points.length;
        this.log.error({ err }, "sparkplug: the pipeline refused points");
      },
    );
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.state.nextDeadline();
    if (next === undefined || this.stopping) return;
    this.timer = setTimeout(() => this.apply(this.state.expire(Date.now())), Math.max(0, next - Date.now()));
  }

  private requestRebirth(group: string, edge: string): void {
    const client = this.client;
    if (!client?.connected) return;
    const topic = `${NAMESPACE}/${group}/NCMD/${edge}`;
    const payload = encodePayload({ timestamp: Date.now(), metrics: [{ name: "Node Control/Rebirth", datatype: DataType.Boolean, value: true }] });
    client.publish(topic, Buffer.from(payload), { qos: 0 });
    this.rebirthsSent++;
    this.log.info({ group, edge }, "sparkplug: asked for a rebirth");
  }
}
