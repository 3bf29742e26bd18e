// The `sparkplug` source plugin: a Sparkplug B 3.0 host application. See README.md.
import { signalPoint } from "../../core/point";
import type { DeadLetterEntry, Point, SourcePlugin } from "../../core/types";
import { decodePayload, kindHint, readValue, toFieldValue } from "./codec";
import { sparkplugConfigSchema, type SparkplugConfig } from "./config";
import { SparkplugHost } from "./host";
import { parseTopic } from "./topic";

export const sparkplugPlugin: SourcePlugin<SparkplugConfig> = {
  type: "sparkplug",
  configSchema: sparkplugConfigSchema,
  create: (config, deps) => new SparkplugHost(config, deps),
  /**
   * A dead letter decoded again with today's registry. Metrics that carry their name and datatype (every
   * BIRTH metric, and the self-describing payload this source writes for unregistered or mistyped values)
   * can be; alias-only DATA cannot, without the BIRTH of its time.
   */
  replay(_config, deps, entry) {
    const source = deps.name ?? "sparkplug";
    const points: Point[] = [];
    const deadLetters: DeadLetterEntry[] = [];
    const topic = entry.origin ?? "";
    const parsed = parseTopic(topic);
    if (typeof parsed === "string" || parsed.kind !== "message") {
      return { points, deadLetters: [{ source, reason: "not_sparkplug", detail: typeof parsed === "string" ? parsed : "a STATE message", origin: topic, raw: entry.raw }] };
    }
    let payload;
    try {
      payload = decodePayload(entry.raw);
    } catch (err) {
      return { points, deadLetters: [{ source, reason: "malformed", detail: (err as Error).message, origin: topic, raw: entry.raw }] };
    }
    for (const m of payload.metrics) {
      if (m.name === undefined || m.datatype === undefined) {
        deadLetters.push({ source, reason: "alias_only", detail: `alias ${m.alias}: cannot be decoded without its BIRTH`, origin: topic, raw: entry.raw });
        continue;
      }
      const datatype = m.datatype;
      if (/^(bdSeq$|Node Control\/|Device Control\/|Properties\/)/.test(m.name)) continue;
      const address = parsed.device === undefined ? `${parsed.group}/${parsed.edge}/${m.name}` : `${parsed.group}/${parsed.edge}/${parsed.device}/${m.name}`;
      const ref = deps.registry.resolve("sparkplug", address, {
        kind: kindHint(datatype),
        parts: { group: parsed.group, edge_node: parsed.edge, device: parsed.device, metric: m.name },
      });
      if (!ref) {
        deadLetters.push({ source, reason: "unregistered", detail: `${address} is not in the registry`, origin: topic, raw: entry.raw });
        continue;
      }
      const read = readValue(m, datatype);
      const time = m.timestamp ?? payload.timestamp ?? entry.time ?? Date.now();
      if (!read.ok) {
        deadLetters.push({ source, reason: read.reason, detail: `${m.name}: ${read.detail}`, origin: topic, raw: entry.raw });
        continue;
      }
      if (read.value === null) {
        points.push(signalPoint(ref, null, time, "bad"));
        continue;
      }
      const value = toFieldValue(ref.kind, read.value, datatype);
      if (!value.ok) deadLetters.push({ source, reason: value.reason, detail: `${m.name}: ${value.detail}`, origin: topic, raw: entry.raw });
      else points.push(signalPoint(ref, value.value, time, "good"));
    }
    return { points, deadLetters };
  },
};

export { SparkplugHost } from "./host";
export type { SparkplugConfig, SparkplugConfigInput } from "./config";
export default sparkplugPlugin;
