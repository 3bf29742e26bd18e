// The `embedded` sink: the SQLite telemetry store (ingest/sinks/embedded/store.ts).
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import type { Point, Sink, SinkPlugin, WriteOutcome } from "../../core/types";
import { TelemetryStore } from "./store";

export const embeddedConfigSchema = z.strictObject({
  /** The store's file; relative to ingest.yaml's folder. Default: telemetry.sqlite in the ingest dataDir. */
  path: z.string().min(1).optional(),
  /** full: a written batch survives power loss; normal: survives a crash of the process only. */
  sync: z.enum(["full", "normal"]).default("full"),
});

export type EmbeddedSinkConfig = z.infer<typeof embeddedConfigSchema>;

export class EmbeddedSink implements Sink {
  constructor(
    readonly name: string,
    readonly store: TelemetryStore,
  ) {}

  async write(batch: Point[]): Promise<WriteOutcome> {
    try {
      const rejected = this.store.write(batch);
      return rejected.length ? { kind: "partial", rejected } : { kind: "ok" };
    } catch (err) {
      // Disk full, database locked by a long reader…: nothing was committed; the spool keeps the batch.
      return { kind: "retry", error: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    this.store.close();
  }
}

export function embeddedStorePath(config: EmbeddedSinkConfig, dataDir: string, configDir?: string): string {
  if (!config.path) return join(dataDir, "telemetry.sqlite");
  return isAbsolute(config.path) ? config.path : resolve(configDir ?? process.cwd(), config.path);
}

export const embeddedSink: SinkPlugin<EmbeddedSinkConfig> = {
  type: "embedded",
  configSchema: embeddedConfigSchema,
  create: (config, deps) => new EmbeddedSink(deps.name ?? "embedded", new TelemetryStore(embeddedStorePath(config, deps.dataDir, deps.configDir), { sync: config.sync })),
};
