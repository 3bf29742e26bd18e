// Source types by the `type` key of a `sources:` entry in ingest.yaml. One line per source plugin.
import type { SourcePlugin } from "../core/types";
import { mqttSource } from "./mqtt";
import { opcuaPlugin } from "./opcua";
import { simulatorPlugin } from "./simulator";
import { sparkplugPlugin } from "./sparkplug";

export const sourcePlugins: Record<string, SourcePlugin> = {
  [mqttSource.type]: mqttSource,
  [opcuaPlugin.type]: opcuaPlugin,
  [sparkplugPlugin.type]: sparkplugPlugin,
  [simulatorPlugin.type]: simulatorPlugin,
};
