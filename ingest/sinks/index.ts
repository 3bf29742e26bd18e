// Sink types by the `type` key of a `sinks:` entry in ingest.yaml.
import type { SinkPlugin } from "../core/types";
import { embeddedSink } from "./embedded";
import { influxSink } from "./influx";

export const sinkPlugins: Record<string, SinkPlugin> = {
  [influxSink.type]: influxSink,
  [embeddedSink.type]: embeddedSink,
};
