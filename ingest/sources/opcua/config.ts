// The `opcua` source's entry in ingest.yaml. Strict objects: a misspelt key is an error with its path.
import { z } from "zod";
import { parseNodeId } from "./node-id";

const nodeIdText = z
  .string()
  .transform((s) => s.trim())
  .superRefine((s, ctx) => {
    const parsed = parseNodeId(s);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  });

const deadband = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }).strict(),
  /** Report a change only when |new − last reported| > value (engineering units). */
  z.object({ type: z.literal("absolute"), value: z.number().min(0) }).strict(),
  /** … > value % of the item's EURange (AnalogItems only; the server rejects it elsewhere). */
  z.object({ type: z.literal("percent"), value: z.number().min(0).max(100) }).strict(),
]);

/** How the server samples and queues one monitored item (OPC 10000-4 §5.12). All optional: merged over defaults. */
const monitoring = z
  .object({
    /** 0 asks for every change (exception-based) where the server supports it. */
    samplingIntervalMs: z.number().min(0).max(86_400_000).optional(),
    /** Values the server keeps per item between publishes (the real buffer while the link is down). */
    queueSize: z.number().int().min(1).max(100_000).optional(),
    /** When the queue is full: drop the oldest (true) or the newest (false). */
    discardOldest: z.boolean().optional(),
    deadband: deadband.optional(),
    /** What counts as a change: status only, status or value, or also the source timestamp. */
    trigger: z.enum(["status", "statusValue", "statusValueTimestamp"]).optional(),
  })
  .strict();

const nodeEntry = z.union([nodeIdText, z.object({ nodeId: nodeIdText }).extend(monitoring.shape).strict()]);

const group = z
  .object({
    name: z.string().min(1).max(100).optional(),
    monitoring: monitoring.optional(),
    nodes: z.array(nodeEntry).min(1),
  })
  .strict();

const signalKind = z.enum(["gauge", "counter", "state", "flag", "text"]);

const discovery = z
  .object({
    /** Browse from here (e.g. the line's folder). */
    root: nodeIdText,
    /** How many levels below the root to look. */
    maxDepth: z.number().int().min(1).max(10).default(3),
    /** Regular expression a Variable's browse name must match (default: all). */
    include: z.string().optional(),
    /** Regular expression of browse names to skip. */
    exclude: z.string().optional(),
    /**
     * Names for the browse-path segments below the root, e.g. ["machine", "signal"]: the first segment is
     * the machine, the rest (joined with ".") the signal. Passed to the registry as address parts, beside
     * `assign` (fixed parts such as enterprise and line).
     */
    levels: z.array(z.string().regex(/^[a-z_]+$/)).min(1).default(["machine", "signal"]),
    assign: z.record(z.string(), z.string()).default({}),
    /** Kind by browse-name pattern (first match wins); otherwise from the OPC UA data type. */
    kinds: z.array(z.object({ match: z.string(), kind: signalKind }).strict()).default([]),
    monitoring: monitoring.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    for (const key of ["include", "exclude"] as const) {
      const pattern = d[key];
      if (pattern === undefined) continue;
      try {
        new RegExp(pattern);
      } catch (e) {
        ctx.addIssue({ code: "custom", path: [key], message: `not a regular expression: ${(e as Error).message}` });
      }
    }
    d.kinds.forEach((k, i) => {
      try {
        new RegExp(k.match);
      } catch (e) {
        ctx.addIssue({ code: "custom", path: ["kinds", i, "match"], message: `not a regular expression: ${(e as Error).message}` });
      }
    });
  });

const secret = z
  .object({ password: z.string().optional(), passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional() })
  .strict();

const auth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("anonymous") }).strict(),
  z
    .object({ type: z.literal("username"), username: z.string().min(1) })
    .extend(secret.shape)
    .strict()
    .refine((a) => (a.password === undefined) !== (a.passwordEnv === undefined), {
      message: "give exactly one of password or passwordEnv",
      path: ["password"],
    }),
  /** X.509 user identity: files relative to ingest.yaml's folder. */
  z.object({ type: z.literal("certificate"), certificateFile: z.string().min(1), privateKeyFile: z.string().min(1) }).strict(),
]);

export const opcuaConfigSchema = z
  .object({
    endpoint: z.string().regex(/^opc\.tcp:\/\/[^\s/:]+(:\d{1,5})?(\/\S*)?$/, "expected opc.tcp://host:port[/path]"),
    securityMode: z.enum(["None", "Sign", "SignAndEncrypt"]).default("None"),
    securityPolicy: z
      .enum(["None", "Basic128Rsa15", "Basic256", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"])
      .default("None"),
    auth: auth.default({ type: "anonymous" }),
    pki: z
      .object({
        /** The client's PKI folder (relative to ingest.yaml); default <dataDir>/<source name>/pki. */
        folder: z.string().optional(),
        /** Trust any server certificate (demo, first commissioning). Off: only certificates in trusted/. */
        acceptUnknownServerCertificates: z.boolean().default(false),
        /** Server certificates (DER or PEM files) to put into trusted/ at start. */
        trustServerCertificates: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ acceptUnknownServerCertificates: false, trustServerCertificates: [] }),
    subscription: z
      .object({
        publishingIntervalMs: z.number().min(10).max(3_600_000).default(1000),
        maxKeepAliveCount: z.number().int().min(1).max(1000).default(10),
        /** At least 3 × maxKeepAliveCount (OPC 10000-4 §5.13.2). */
        lifetimeCount: z.number().int().min(3).max(100_000).default(60),
        /** Caps one publish response, so thousands of items never make a message too large. */
        maxNotificationsPerPublish: z.number().int().min(1).max(100_000).default(10_000),
        priority: z.number().int().min(0).max(255).default(0),
      })
      .strict()
      .refine((s) => s.lifetimeCount >= 3 * s.maxKeepAliveCount, {
        message: "lifetimeCount must be at least 3 × maxKeepAliveCount",
        path: ["lifetimeCount"],
      })
      .default({ publishingIntervalMs: 1000, maxKeepAliveCount: 10, lifetimeCount: 60, maxNotificationsPerPublish: 10_000, priority: 0 }),
    monitoring: monitoring.default({}),
    nodes: z.array(nodeEntry).default([]),
    groups: z.array(group).default([]),
    discovery: z.array(discovery).default([]),
    /** Largest CreateMonitoredItems / Read / Browse call we make, whatever the server allows. */
    maxItemsPerCall: z.number().int().min(1).max(100_000).default(1000),
    reconnect: z
      .object({
        initialDelayMs: z.number().int().min(10).max(60_000).default(500),
        maxDelayMs: z.number().int().min(100).max(600_000).default(10_000),
        /** No keep-alive and no data for this long → the subscription is dead: rebuild client, session, items. */
        silenceMs: z.number().int().min(1000).max(3_600_000).optional(),
        /** Retry nodes the server refused (unknown node, bad filter…) this often. */
        retryFailedNodesMs: z.number().int().min(1000).max(86_400_000).default(60_000),
      })
      .strict()
      .default({ initialDelayMs: 500, maxDelayMs: 10_000, retryFailedNodesMs: 60_000 }),
    /**
     * Points handed to the pipeline but not yet durable. Above `pauseAt` publishing is switched off (the
     * server's queues hold the data); above `dropAt` points are dropped and counted as dead letters.
     */
    backpressure: z
      .object({ pauseAt: z.number().int().min(100).default(50_000), dropAt: z.number().int().min(200).default(250_000) })
      .strict()
      .refine((b) => b.dropAt > b.pauseAt, { message: "dropAt must exceed pauseAt", path: ["dropAt"] })
      .default({ pauseAt: 50_000, dropAt: 250_000 }),
  })
  .strict()
  .refine((c) => c.nodes.length > 0 || c.groups.length > 0 || c.discovery.length > 0, {
    message: "give nodes, groups or discovery: there is nothing to subscribe to",
    path: ["nodes"],
  })
  .refine((c) => (c.securityMode === "None") === (c.securityPolicy === "None"), {
    message: "securityMode None goes with securityPolicy None, and Sign/SignAndEncrypt need a policy",
    path: ["securityPolicy"],
  });

export type OpcuaConfig = z.output<typeof opcuaConfigSchema>;
export type OpcuaConfigInput = z.input<typeof opcuaConfigSchema>;
export type Monitoring = z.output<typeof monitoring>;
export type Discovery = z.output<typeof discovery>;

export const monitoringDefaults: Required<Monitoring> = {
  samplingIntervalMs: 1000,
  queueSize: 10,
  discardOldest: true,
  deadband: { type: "none" },
  trigger: "statusValue",
};
