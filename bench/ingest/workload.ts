// What a gateway publishes in one bench run, as a pure function of the message index, so the publisher (in
// its own process) and the counter of landed points (in the bench) agree on every point without talking:
// message i goes to machine i mod machines, carries the timestamp t0 + round(i × spacingMs) and
// `pointsPerMessage` values. A series (machine, signal) never repeats a timestamp, so InfluxDB keeps every
// point and a COUNT is exact.
import { DataType, encodePayload, type MetricOut } from "../../ingest/sources/sparkplug/codec";

export type Protocol = "json" | "sparkplug";

export interface Workload {
  protocol: Protocol;
  /** JSON: topics `${topicPrefix}/m<k>`. Sparkplug: group and edge node ids, devices `m<k>`. */
  topicPrefix: string;
  group: string;
  edgeNode: string;
  messages: number;
  pointsPerMessage: number;
  machines: number;
  /** Timestamp of message 0 (epoch ms). */
  t0: number;
  spacingMs: number;
  /** true: message i leaves at its timestamp (a steady rate, for latency); false: as fast as the window allows. */
  paced: boolean;
  /** QoS 1 publishes awaiting their PUBACK at most. */
  inFlight: number;
}

export const messageTime = (w: Workload, i: number): number => w.t0 + Math.round(i * w.spacingMs);
export const machineOf = (w: Workload, i: number): string => `m${i % w.machines}`;
export const signalNames = (w: Workload): string[] => (w.pointsPerMessage === 1 ? ["v"] : Array.from({ length: w.pointsPerMessage }, (_, k) => `s${k}`));

/** A value that differs per message and signal (so nothing could be deduplicated by accident). */
const valueOf = (i: number, k: number): number => i + k / 100 + 0.5;

/**
 * Machines needed so that one machine's consecutive messages are ≥ 2 ms apart: timestamps are whole ms,
 * and two messages of one series in the same ms would overwrite each other.
 */
export function machinesFor(ratePerSec: number, atLeast = 10): number {
  return Math.max(atLeast, Math.ceil((2 * ratePerSec) / 1000));
}

export function jsonTopic(w: Workload, i: number): string {
  return `${w.topicPrefix}/${machineOf(w, i)}`;
}

export function jsonPayload(w: Workload, i: number): string {
  const ts = messageTime(w, i);
  if (w.pointsPerMessage === 1) return `{"ts":${ts},"v":${valueOf(i, 0)}}`;
  let out = `{"ts":${ts}`;
  for (let k = 0; k < w.pointsPerMessage; k++) out += `,"s${k}":${valueOf(i, k)}`;
  return `${out}}`;
}

// ------------------------------------------------------------------ Sparkplug B

export const sparkplugTopic = (w: Workload, type: string, device?: string) => `spBv1.0/${w.group}/${type}/${w.edgeNode}${device ? `/${device}` : ""}`;
const aliasOf = (machine: number, k: number) => 1000 + machine * 64 + k;

/** NBIRTH (seq 0) and one DBIRTH per device declaring every metric as a Double with its alias. */
export function sparkplugBirths(w: Workload, bdSeq: number): Array<{ topic: string; payload: Uint8Array }> {
  const now = Date.now();
  const out = [
    {
      topic: sparkplugTopic(w, "NBIRTH"),
      payload: encodePayload({
        timestamp: now,
        seq: 0,
        metrics: [
          { name: "bdSeq", datatype: DataType.Int64, value: BigInt(bdSeq) },
          { name: "Node Control/Rebirth", datatype: DataType.Boolean, value: false },
        ],
      }),
    },
  ];
  const names = signalNames(w);
  for (let m = 0; m < w.machines; m++) {
    // Birth values are stored as points too: give them a time before t0 so they never count as data.
    const metrics: MetricOut[] = names.map((name, k) => ({ name, alias: aliasOf(m, k), datatype: DataType.Double, timestamp: w.t0 - 60_000, value: 0 }));
    out.push({ topic: sparkplugTopic(w, "DBIRTH", `m${m}`), payload: encodePayload({ timestamp: now, seq: (m + 1) % 256, metrics }) });
  }
  return out;
}

/** DDATA for message i: metrics by alias only (no name, no datatype), as edges send them. `seq` continues after the births. */
export function sparkplugData(w: Workload, i: number): { topic: string; payload: Uint8Array } {
  const m = i % w.machines;
  const ts = messageTime(w, i);
  const metrics: MetricOut[] = new Array(w.pointsPerMessage);
  for (let k = 0; k < w.pointsPerMessage; k++) metrics[k] = { alias: aliasOf(m, k), timestamp: ts, value: valueOf(i, k), as: DataType.Double };
  return { topic: sparkplugTopic(w, "DDATA", `m${m}`), payload: encodePayload({ timestamp: ts, seq: (w.machines + 1 + i) % 256, metrics }) };
}
