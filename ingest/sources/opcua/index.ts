// The `opcua` source plugin: subscribes to OPC UA servers (node-opcua client). See README.md.
import { signalPoint } from "../../core/point";
import type { DeadLetterEntry, Point, SourcePlugin } from "../../core/types";
import { opcuaConfigSchema, type OpcuaConfig } from "./config";
import { qualityOf } from "./quality";
import { OpcuaSource } from "./source";
import { toFieldValue } from "./variant";

export const opcuaPlugin: SourcePlugin<OpcuaConfig> = {
  type: "opcua",
  configSchema: opcuaConfigSchema,
  create: (config, deps) => new OpcuaSource(config, deps),
  /** A dead-lettered value (unregistered node, wrong type) decoded again with today's registry. */
  replay(_config, deps, entry) {
    const source = deps.name ?? "opcua";
    const points: Point[] = [];
    const deadLetters: DeadLetterEntry[] = [];
    let raw: { nodeId?: unknown; dataType?: unknown; value?: unknown; status?: unknown; time?: unknown };
    try {
      raw = JSON.parse(Buffer.from(entry.raw).toString("utf8"));
    } catch {
      return { points, deadLetters: [{ source, reason: "malformed", detail: "dead letter raw is not JSON", origin: entry.origin }] };
    }
    const { nodeId, dataType, value, status, time } = raw;
    if (typeof nodeId !== "string" || typeof dataType !== "number" || typeof status !== "number" || typeof time !== "number") {
      return { points, deadLetters: [{ source, reason: "malformed", detail: "dead letter raw lacks nodeId/dataType/status/time", origin: entry.origin }] };
    }
    const ref = deps.registry.resolve("opcua", nodeId, { parts: { node_id: nodeId } });
    if (!ref) return { points, deadLetters: [{ source, reason: "unregistered", detail: `${nodeId} is not in the registry`, origin: nodeId, raw: entry.raw }] };
    const quality = qualityOf(status);
    if (quality === "bad") return { points: [signalPoint(ref, null, time, quality, status)], deadLetters };
    const converted = toFieldValue(ref.kind, { dataType, value });
    if (!converted.ok) return { points, deadLetters: [{ source, reason: converted.reason, detail: `${nodeId}: ${converted.detail}`, origin: nodeId, raw: entry.raw }] };
    points.push(signalPoint(ref, converted.value, time, quality, status === 0 ? undefined : status));
    return { points, deadLetters };
  },
};

export { OpcuaSource } from "./source";
export type { OpcuaConfig, OpcuaConfigInput } from "./config";
export default opcuaPlugin;
