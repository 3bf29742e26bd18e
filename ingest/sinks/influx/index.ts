// The `influx` sink: InfluxDB through its v1 HTTP API (1.x, 2.x with DBRP mapping, 3.x Core).
import { z } from "zod";
import { checkInfluxCredentials, influxConnectionFields } from "../../core/influx-connection";
import { duration } from "../../core/config-types";
import type { LineProtocolBatch, Sink, SinkPlugin } from "../../core/types";
import { InfluxWriter, type InfluxTarget } from "./writer";

export const influxConfigSchema = z
  .strictObject({
    ...influxConnectionFields,
    /** Create the database when a write says it is missing (needs admin rights on 1.x). */
    createDatabase: z.boolean().default(false),
    timeout: duration({ min: 100, max: 600_000 }).default(10_000),
    gzip: z.boolean().default(false),
  })
  .superRefine(checkInfluxCredentials);

export type InfluxSinkConfig = z.infer<typeof influxConfigSchema>;

export class InfluxSink implements Sink {
  readonly writer: InfluxWriter;
  constructor(
    readonly name: string,
    config: InfluxSinkConfig,
  ) {
    const target: InfluxTarget = { ...config, timeoutMs: config.timeout };
    this.writer = new InfluxWriter(target);
  }
  write(batch: Parameters<Sink["write"]>[0]) {
    return this.writer.write(batch);
  }
  writeLineProtocol(batch: LineProtocolBatch) {
    return this.writer.writeLineProtocol(batch);
  }
  async close(): Promise<void> {}
}

export const influxSink: SinkPlugin<InfluxSinkConfig> = {
  type: "influx",
  configSchema: influxConfigSchema,
  create: (config, deps) => new InfluxSink(deps.name ?? "influx", config),
};
