// The `simulator` source plugin: runs the simulated 数字化车间 line inside the ingest process — an OPC UA
// server and/or a Sparkplug edge node (with an embedded MQTT broker when no broker is given) — so the demo
// needs nothing installed. It produces no points itself: the `opcua` and `sparkplug` sources subscribe to it
// like to any plant. Optionally it first writes the line's history into the pipeline. See README.md.
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { duration } from "../../core/config-types";
import type { PluginDeps, Source, SourceContext, SourcePlugin } from "../../core/types";
import { backfill } from "./backfill";
import { LineEdge } from "./edge";
import { demoMachines } from "./presets";
import { LineServer } from "./server";
import { machineSpecSchema, parseLineSpec, type LineSpec } from "./spec";
import { routeNodeOpcuaLogs } from "../opcua/library-log";

const identifier = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "letters, digits, '_' or '-', starting with a letter");

const lineChoice = z.union([
  z.strictObject({
    preset: z.literal("demo"),
    enterprise: identifier,
    line: identifier,
    machines: z.number().int().min(1).max(200).default(5),
  }),
  z.strictObject({
    enterprise: identifier,
    line: identifier,
    sampleIntervalS: z.number().int().positive().default(1),
    machines: z.array(machineSpecSchema).min(1),
  }),
]);

export const simulatorConfigSchema = z
  .strictObject({
    line: lineChoice,
    seed: z.number().int().default(1),
    /** Where the history begins: "now" (the start, to the second) or an ISO date. */
    epoch: z.union([z.literal("now"), z.iso.datetime({ offset: true })]).default("now"),
    /** History before the start to write into the pipeline first (e.g. "7d"); the epoch moves back by it. */
    history: duration({ min: 0, max: 366 * 86_400_000 }).default(0),
    /** Model ms per wall ms while playing live. Above 1 the timestamps run ahead of the clock. */
    speed: z.number().positive().max(1000).default(1),
    opcua: z
      .strictObject({
        port: z.number().int().min(0).max(65535).default(4840),
        host: z.string().default("127.0.0.1"),
        securityModes: z.array(z.enum(["None", "Sign", "SignAndEncrypt"])).min(1).default(["None", "SignAndEncrypt"]),
        allowAnonymous: z.boolean().default(true),
        users: z.array(z.strictObject({ username: z.string().min(1), password: z.string().min(1) })).default([]),
        acceptUnknownClientCertificates: z.boolean().default(true),
        load: z.strictObject({ variables: z.number().int().min(1).max(100_000), minimumSamplingIntervalMs: z.number().int().min(0).default(100) }).optional(),
      })
      .optional(),
    sparkplug: z
      .strictObject({
        /** A broker to publish to; without it an embedded broker listens on host:port. */
        url: z.string().regex(/^mqtts?:\/\/\S+$/).optional(),
        host: z.string().default("127.0.0.1"),
        /** Port of the embedded broker (MQTT 3.1.1). Not 1883, so it does not clash with a broker on the machine. */
        port: z.number().int().min(0).max(65535).default(11883),
        group: identifier.optional(),
        edgeNode: identifier.optional(),
        qos: z.union([z.literal(0), z.literal(1)]).default(0),
        /** Publish only while this Sparkplug host (the ingest's sparkplug source hostId) is online. */
        primaryHostId: z.string().min(1).optional(),
      })
      .optional(),
  })
  .refine((c) => c.opcua || c.sparkplug || c.history > 0, {
    message: "give opcua, sparkplug or history: otherwise the simulator does nothing",
    path: ["opcua"],
  });

export type SimulatorConfig = z.output<typeof simulatorConfigSchema>;

/** The line spec a simulator config describes, with its epoch fixed at `startedAt` (ms). */
export function lineFromConfig(config: SimulatorConfig, startedAt: number): LineSpec {
  const start = Math.floor(startedAt / 1000) * 1000;
  const epoch = config.epoch === "now" ? start - Math.ceil(config.history / 1000) * 1000 : Date.parse(config.epoch);
  const machines = "preset" in config.line ? demoMachines(config.line.machines) : config.line.machines;
  const sampleIntervalS = "preset" in config.line ? 1 : config.line.sampleIntervalS;
  return parseLineSpec({ enterprise: config.line.enterprise, line: config.line.line, seed: config.seed, epoch: Math.floor(epoch / 1000) * 1000, sampleIntervalS, machines }, ["line"]);
}

export class SimulatorSource implements Source {
  readonly name: string;
  server: LineServer | undefined;
  edge: LineEdge | undefined;
  line: LineSpec | undefined;
  private broker: { close(): Promise<void>; port: number } | undefined;
  private stopping = false;

  constructor(
    readonly config: SimulatorConfig,
    private readonly deps: PluginDeps,
  ) {
    this.name = deps.name ?? "simulator";
    routeNodeOpcuaLogs(deps.logger);
  }

  async start(ctx: SourceContext): Promise<void> {
    const c = this.config;
    const startedAt = Date.now();
    const line = lineFromConfig(c, startedAt);
    this.line = line;
    const liveFrom = Math.max(line.epoch, Math.floor(startedAt / 1000) * 1000);
    const serving: string[] = [];
    ctx.setState("connecting", "starting the simulated line");
    if (c.opcua) {
      this.server = new LineServer({
        line,
        port: c.opcua.port,
        host: c.opcua.host,
        pkiFolder: path.join(this.deps.dataDir, "pki-server"),
        securityModes: c.opcua.securityModes,
        securityPolicies: c.opcua.securityModes.some((m) => m !== "None") ? ["None", "Basic256Sha256"] : ["None"],
        allowAnonymous: c.opcua.allowAnonymous,
        users: c.opcua.users,
        acceptUnknownClientCertificates: c.opcua.acceptUnknownClientCertificates,
        load: c.opcua.load,
      });
      await this.server.start();
      this.server.play({ from: liveFrom, speed: c.speed });
      serving.push(this.server.endpointUrl);
    }
    if (c.sparkplug) {
      let url = c.sparkplug.url;
      if (!url) {
        this.broker = await embeddedBroker(c.sparkplug.host, c.sparkplug.port);
        url = `mqtt://${c.sparkplug.host}:${this.broker.port}`;
      }
      this.edge = new LineEdge({
        line,
        url,
        group: c.sparkplug.group,
        edgeNode: c.sparkplug.edgeNode,
        qos: c.sparkplug.qos,
        primaryHostId: c.sparkplug.primaryHostId,
        clientId: `zhiping-simulator-${this.name}`,
      });
      await this.edge.start();
      this.edge.play({ from: liveFrom, speed: c.speed });
      serving.push(`Sparkplug ${url} (spBv1.0/${this.edge.group}/…/${this.edge.edgeNode})`);
    }
    ctx.setState("connected", serving.length ? `serving ${serving.join(" and ")}` : "history only");
    if (liveFrom > line.epoch) {
      // Not awaited: the start of the ingest does not wait for days of history; emit's backpressure paces it.
      void backfill(line, line.epoch, liveFrom, async (points) => {
        if (!this.stopping) await ctx.emit(points);
      }).then(
        (r) => this.deps.logger.info({ source: this.name, points: r.points }, "simulator: history written"),
        (err: Error) => ctx.setState("error", `history: ${err.message}`),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.edge?.stop();
    await this.server?.close();
    await this.broker?.close();
  }
}

/** An aedes MQTT broker in this process (the demo's default: nothing to install). */
async function embeddedBroker(host: string, port: number): Promise<{ close(): Promise<void>; port: number }> {
  const { Aedes } = await import("aedes");
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle as unknown as (socket: net.Socket) => void);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

export const simulatorPlugin: SourcePlugin<SimulatorConfig> = {
  type: "simulator",
  configSchema: simulatorConfigSchema,
  create: (config, deps) => new SimulatorSource(config, deps),
};

export { backfill } from "./backfill";
export { LineEdge } from "./edge";
export { LineServer } from "./server";
export { simulateLine, simulateMachine, snapshotAt, windowTotals } from "./model";
export { simulatorRegistry } from "./registry";
export { lineSpecSchema, MachineryItemState, parseLineSpec } from "./spec";
export default simulatorPlugin;
