// Broker connection settings shared by the MQTT sources (mqtt JSON, and Sparkplug B can reuse it): URL, fixed
// client id with a persistent MQTT 5 session, credentials, TLS files, Receive Maximum, reconnect backoff.
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { IClientOptions, MqttClient } from "mqtt";
import { z } from "zod";
import { duration } from "../../core/config-types";

export const mqttConnectionShape = {
  url: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\/[^\s]+$/, "must be an mqtt://, mqtts://, ws:// or wss:// URL"),
  /** Fixed, so the broker keeps the session (subscriptions and unacknowledged messages) across restarts. */
  clientId: z.string().min(1).max(256),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  tls: z
    .strictObject({
      /** PEM files; relative paths are relative to ingest.yaml. */
      ca: z.string().min(1).optional(),
      cert: z.string().min(1).optional(),
      key: z.string().min(1).optional(),
      rejectUnauthorized: z.boolean().default(true),
      servername: z.string().min(1).optional(),
    })
    .optional(),
  protocolVersion: z.union([z.literal(5), z.literal(4)]).default(5),
  /** MQTT 5 session expiry: how long the broker keeps the session (and queues messages) while we are away. */
  sessionExpiry: duration({ max: 4294967295 * 1000 }).default(86_400_000),
  /** MQTT 5 Receive Maximum: QoS 1 messages in flight before the broker waits for our PUBACKs. */
  receiveMaximum: z.number().int().min(1).max(65535).default(2000),
  keepalive: duration({ min: 0, max: 65535 * 1000 }).default(30_000),
  connectTimeout: duration({ min: 100 }).default(10_000),
  /** First reconnect delay; doubles per failed attempt up to reconnectMax, back to this after a connect. */
  reconnectInitial: duration({ min: 10 }).default(500),
  reconnectMax: duration({ min: 10 }).default(10_000),
};

export const mqttConnectionSchema = z.strictObject(mqttConnectionShape);
export type MqttConnection = z.infer<typeof mqttConnectionSchema>;

/** Cross-field rules, for `.superRefine` on a schema built from mqttConnectionShape. */
export function checkConnection(c: Partial<MqttConnection>, ctx: z.RefinementCtx): void {
  if (c.password !== undefined && c.username === undefined) ctx.addIssue({ code: "custom", path: ["password"], message: "password without username" });
  if (c.tls?.cert && !c.tls.key) ctx.addIssue({ code: "custom", path: ["tls", "key"], message: "a client certificate needs its key" });
  if (c.reconnectMax !== undefined && c.reconnectInitial !== undefined && c.reconnectMax < c.reconnectInitial)
    ctx.addIssue({ code: "custom", path: ["reconnectMax"], message: "must not be smaller than reconnectInitial" });
}

/** mqtt.js options for a persistent, manually acknowledged session. TLS files are read here (errors name them). */
export function clientOptions(c: MqttConnection, configDir: string = process.cwd()): IClientOptions {
  const file = (p: string, what: string) => {
    const full = isAbsolute(p) ? p : resolve(configDir, p);
    try {
      return readFileSync(full);
    } catch (err) {
      throw new Error(`tls.${what}: cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const options: IClientOptions = {
    clientId: c.clientId,
    protocolVersion: c.protocolVersion,
    clean: false,
    keepalive: Math.round(c.keepalive / 1000),
    connectTimeout: c.connectTimeout,
    reconnectPeriod: c.reconnectInitial,
    reconnectOnConnackError: true,
    // We resubscribe ourselves, after checking the CONNACK's sessionPresent (see MqttJsonSource).
    resubscribe: false,
    username: c.username,
    password: c.password,
  };
  if (c.protocolVersion === 5)
    options.properties = { sessionExpiryInterval: Math.round(c.sessionExpiry / 1000), receiveMaximum: c.receiveMaximum };
  if (c.tls) {
    if (c.tls.ca) options.ca = file(c.tls.ca, "ca");
    if (c.tls.cert) options.cert = file(c.tls.cert, "cert");
    if (c.tls.key) options.key = file(c.tls.key, "key");
    options.rejectUnauthorized = c.tls.rejectUnauthorized;
    if (c.tls.servername) options.servername = c.tls.servername;
  }
  return options;
}

/** Exponential reconnect backoff on top of mqtt.js's fixed reconnectPeriod. */
export function reconnectBackoff(client: MqttClient, initial: number, max: number): void {
  client.on("reconnect", () => {
    // Read by mqtt.js when it schedules the next attempt (after this one fails).
    client.options.reconnectPeriod = Math.min(max, Math.max(initial, (client.options.reconnectPeriod ?? initial) * 2));
  });
  client.on("connect", () => {
    client.options.reconnectPeriod = initial;
  });
}
