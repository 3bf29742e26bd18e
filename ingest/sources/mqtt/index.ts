// The `mqtt` source: JSON over MQTT 5 — topic filters with wildcards, shared subscriptions, QoS 1 on a
// persistent session with a fixed client id, PUBACK only once durable, topic levels → tags via the registry.
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { z } from "zod";
import type { Ack, PluginDeps, Registry, Source, SourceContext, SourcePlugin } from "../../core/types";
import { checkConnection, clientOptions, mqttConnectionShape, reconnectBackoff, type MqttConnection } from "./connection";
import { DurableAcks } from "./durable-ack";
import { JsonDecoder, jsonMappingSchema } from "./json-mapping";
import { filterProblem, parseFilter, topicMatches } from "./topic";

const subscriptionSchema = z.strictObject({
  /** Topic filter with + and #; `$share/<group>/<filter>` to split one stream among several ingest workers. */
  topic: z.string().superRefine((t, ctx) => {
    const problem = filterProblem(t);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  /** 1 (default): nothing is lost. 0: the broker may drop messages when we lag — only for data you can lose. */
  qos: z.union([z.literal(0), z.literal(1)]).default(1),
  /** How the JSON payload becomes points (see json-mapping.ts and the README). */
  json: jsonMappingSchema,
});

export const mqttConfigSchema = z
  .strictObject({ ...mqttConnectionShape, subscriptions: z.array(subscriptionSchema).min(1) })
  .superRefine(checkConnection);

export type MqttSourceConfig = z.infer<typeof mqttConfigSchema>;

interface Route {
  filter: string;
  topic: string;
  qos: 0 | 1;
  decoder: JsonDecoder;
}

function routes(config: MqttSourceConfig, registry: Registry, name: string): Route[] {
  return config.subscriptions.map((s) => ({
    filter: parseFilter(s.topic).filter,
    topic: s.topic,
    qos: s.qos,
    decoder: new JsonDecoder(s.json, registry, name),
  }));
}

function routeFor(all: Route[], topic: string): Route | undefined {
  return all.find((r) => topicMatches(r.filter, topic));
}

export class MqttJsonSource implements Source {
  private client: MqttClient | null = null;
  private acks: DurableAcks | null = null;
  private readonly routes: Route[];
  private subscribedOnce = false;
  private stopping = false;
  private readonly options: IClientOptions;

  constructor(
    readonly name: string,
    private readonly config: MqttSourceConfig,
    deps: PluginDeps,
    private readonly logger: Logger = deps.logger,
  ) {
    this.routes = routes(config, deps.registry, name);
    // Reads the TLS files now, so a missing one stops the start with its name instead of failing later.
    this.options = clientOptions(config as MqttConnection, deps.configDir);
  }

  async start(ctx: SourceContext): Promise<void> {
    ctx.setState("connecting", this.config.url);
    const client = mqtt.connect(this.config.url, { ...this.options, manualConnect: true });
    this.client = client;
    this.acks = new DurableAcks(client);
    reconnectBackoff(client, this.config.reconnectInitial, this.config.reconnectMax);

    client.on("connect", (connack) => {
      // A broker that lost our session (restart without persistence, expiry) has no subscriptions for us:
      // subscribe again, or we would sit connected and silent (Telegraf's failure). The first connect of
      // this process always subscribes, in case ingest.yaml changed the filters.
      if (!this.subscribedOnce || !connack.sessionPresent) this.subscribe(ctx, client);
      else ctx.setState("connected", `session resumed (${this.config.url})`);
    });
    client.on("message", (topic, payload, packet) => this.onMessage(ctx, topic, payload, packet));
    client.on("offline", () => {
      if (!this.stopping) ctx.setState("disconnected", "connection lost; reconnecting");
    });
    client.on("reconnect", () => ctx.setState("connecting", this.config.url));
    client.on("error", (err) => {
      // Refused connection (bad credentials, not authorised…) or a protocol error: keep retrying, report it.
      ctx.setState("error", err.message);
    });
    client.connect();
  }

  private subscribe(ctx: SourceContext, client: MqttClient): void {
    const wanted = Object.fromEntries(this.routes.map((r) => [r.topic, { qos: r.qos }]));
    client.subscribe(wanted, (err, granted) => {
      if (err) {
        ctx.setState("error", `subscribe failed: ${err.message}`);
        return;
      }
      const refused = (granted ?? []).filter((g) => g.qos >= 0x80);
      if (refused.length) {
        ctx.setState("error", `broker refused subscription to ${refused.map((g) => g.topic).join(", ")}`);
        return;
      }
      const downgraded = (granted ?? []).filter((g) => g.qos < (wanted[g.topic]?.qos ?? 0));
      if (downgraded.length) this.logger.warn({ source: this.name, topics: downgraded.map((g) => g.topic) }, "broker granted a lower QoS than asked");
      this.subscribedOnce = true;
      ctx.setState("connected", this.config.url);
    });
  }

  private onMessage(ctx: SourceContext, topic: string, payload: Buffer, packet: IPublishPacket): void {
    const ack: Ack | undefined = this.acks!.take(packet);
    const route = routeFor(this.routes, topic);
    if (!route) {
      ctx.deadLetter({ source: this.name, reason: "unmatched_topic", detail: "no subscription's filter matches the topic", origin: topic, raw: payload });
      void ctx.emit([], ack);
      return;
    }
    const { points, deadLetters } = route.decoder.decode(topic, payload, Date.now());
    for (const d of deadLetters) ctx.deadLetter(d);
    // Resolves after the dead letters queued just before are durable too: a poison message is acknowledged
    // once its dead letter is on disk, so it never stalls the stream.
    void ctx.emit(points, ack);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    if (!client) return;
    // A clean DISCONNECT keeps the session (clean: false): what we did not acknowledge is redelivered.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => client.end(true, () => resolve()), 2000);
      client.end(false, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Acknowledgement bookkeeping, for tests and diagnostics. */
  get ackStats(): { sent: number; stale: number; inFlight: number } {
    return { sent: this.acks?.sent ?? 0, stale: this.acks?.stale ?? 0, inFlight: this.acks?.inFlight ?? 0 };
  }
}

export const mqttSource: SourcePlugin<MqttSourceConfig> = {
  type: "mqtt",
  configSchema: mqttConfigSchema,
  create: (config, deps) => new MqttJsonSource(deps.name ?? "mqtt", config, deps),
  replay(config, deps, entry) {
    const topic = (entry.origin ?? "").split("#", 1)[0];
    const route = routeFor(routes(config, deps.registry, deps.name ?? "mqtt"), topic);
    if (!route) return { points: [], deadLetters: [{ source: deps.name ?? "mqtt", reason: "unmatched_topic", origin: topic, raw: entry.raw }] };
    return route.decoder.decode(topic, entry.raw, entry.time ?? Date.now(), entry.origin);
  },
};
