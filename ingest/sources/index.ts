// Source types by the `type` key of a `sources:` entry in ingest.yaml. One line per source plugin.
import type { SourcePlugin } from "../core/types";
import { mqttSource } from "./mqtt";

export const sourcePlugins: Record<string, SourcePlugin> = {
  [mqttSource.type]: mqttSource,
};
