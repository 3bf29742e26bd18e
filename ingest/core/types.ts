// The one currency of ingest: a telemetry point. Sources turn their protocol into points; sinks write
// points; the pipeline in between knows no protocol.

/** OPC UA-style quality, kept beside every value so a bad reading is never shown as the last good one. */
export type Quality = "good" | "uncertain" | "bad" | "stale";

export type FieldValue = number | string | boolean | bigint;

export interface Point {
  /** e.g. "machine" — a bounded set, chosen by the registry, never derived from payload text. */
  measurement: string;
  /** Bounded tag set: enterprise, line, machine, signal… Values are strings. */
  tags: Record<string, string>;
  /** At least one field. Integers that must stay integers are bigint (written with the `i` suffix). */
  fields: Record<string, FieldValue>;
  /** Source timestamp in epoch milliseconds when the protocol carries one, else the receive time. */
  time: number;
  quality: Quality;
}

/** Called by the pipeline once the points handed over with it are durable in the spool. */
export type Ack = () => void;

/** Input that can never become a point, kept with its reason (countable, listable, replayable). */
export interface DeadLetterEntry {
  source: string;
  reason: string;
  detail?: string;
  /** Where the raw input came from (MQTT topic, node id…): a replay needs it to decode `raw` again. */
  origin?: string;
  raw?: string | Uint8Array;
}

export interface SourceContext {
  /**
   * Hand points to the pipeline. The returned promise resolves once they are durable (then `ack`, if
   * given, has been called). While the spool is over its disk budget the promise stays pending: that is the
   * backpressure a source must respect (an MQTT source simply does not acknowledge).
   * Everything handed over earlier (points and dead letters) becomes durable first, so `emit([], ack)` is a
   * barrier: it acknowledges a message whose only outcome was a dead letter once that dead letter is durable.
   */
  emit(points: Point[], ack?: Ack): Promise<void>;
  /** Input that can never become a point (malformed payload, unknown alias…): counted and kept with its reason. */
  deadLetter(entry: DeadLetterEntry): void;
  /** Connection state for /metrics and /healthz. */
  setState(state: "connecting" | "connected" | "disconnected" | "error", detail?: string): void;
}

/** Every input implements this (Telegraf-style: one folder per source with README and sample config). */
export interface Source {
  readonly name: string;
  start(ctx: SourceContext): Promise<void>;
  stop(): Promise<void>;
}

export type WriteOutcome =
  | { kind: "ok" }
  /**
   * Nothing was written that must not be written again; try the same batch later (5xx, network).
   * `alarm` names a condition an operator must fix (e.g. "unauthorized", "database_missing").
   */
  | { kind: "retry"; error: string; alarm?: string }
  /** Some points can never be written (400 type conflict…). The rest were written or are retried by the sink. */
  | { kind: "partial"; rejected: Array<{ point: Point; reason: string }> };

/**
 * A batch as the spool holds it: InfluxDB line protocol, one point per line (spool chunk format 3). A sink
 * that speaks line protocol sends the bodies as they are; `points()` decodes them for anything else.
 */
export interface LineProtocolBatch {
  /** Points (= lines) in the batch. */
  readonly count: number;
  /** The chunks' line protocol in spool order; every line ends with a newline. */
  bodies(): Buffer[];
  /** The same points as objects, decoded on the first call. */
  points(): Point[];
}

/** Every output implements this. */
export interface Sink {
  readonly name: string;
  write(batch: Point[]): Promise<WriteOutcome>;
  /**
   * Optional: write the spool's line protocol as it is. The delivery prefers it to `write`, which then costs
   * a decode per point. Same outcomes as `write` (rejected points as objects: they become dead letters).
   */
  writeLineProtocol?(batch: LineProtocolBatch): Promise<WriteOutcome>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- registry

/**
 * What a signal is, by kind. The kind picks the measurement, so each measurement has one field type
 * (InfluxDB rejects a field whose type changes): gauge → float `value`, counter → integer `value`,
 * state → integer `value` (e.g. MachineryItemState 0–3), flag → boolean `value`, text → string `value`.
 */
export type SignalKind = "gauge" | "counter" | "state" | "flag" | "text";

/** Where a signal belongs. These become the point's tags (bounded: registered signals only). */
export interface SignalRef {
  enterprise: string;
  line: string;
  machine: string;
  signal: string;
  kind: SignalKind;
  unit?: string;
}

/**
 * Maps a source's own address of a value to the registered signal. Address forms:
 *  - opcua:     the node id as configured (`ns=2;s=Line1.M1.Temperature` or `nsu=urn:…;s=…`)
 *  - sparkplug: `group/edge_node/metric` or `group/edge_node/device/metric`
 *  - mqtt:      `topic#json.path` (the topic as received, the path inside the JSON payload)
 */
export interface Registry {
  /**
   * `source` is the source *type* (opcua, sparkplug, mqtt…). `hint` carries what the source knows beyond
   * the address: the kind its protocol implies (Sparkplug datatype, JSON mapping type) and named parts of
   * the address (sparkplug: group, edge_node, device, metric; mqtt: topic, path, signal) that convention
   * rules can use. Explicit registry entries win over conventions.
   */
  resolve(source: string, address: string, hint?: ResolveHint): SignalRef | undefined;
}

export interface ResolveHint {
  kind?: SignalKind;
  unit?: string;
  parts?: Record<string, string | undefined>;
}

// ---------------------------------------------------------------- plugins

/** What the ingest process gives every source and sink it creates. */
export interface PluginDeps {
  registry: Registry;
  logger: import("pino").Logger;
  /** A folder the plugin may keep state in (certificates, session ids…). */
  dataDir: string;
  /** The entry's `name` from ingest.yaml (set by the ingest process; defaults to the type). */
  name?: string;
  /** The folder of ingest.yaml: relative paths in a plugin's config (TLS files…) resolve against it. */
  configDir?: string;
}

/**
 * A source type: its config schema (validated as part of ingest.yaml) and a factory. The schema sees the
 * entry without the keys every source has (`type`, `name`); the name arrives as `deps.name`. Use strict
 * objects so a misspelt key is an error with its path.
 */
export interface SourcePlugin<C = any> {
  type: string;
  configSchema: import("zod").ZodType<C>;
  create(config: C, deps: PluginDeps): Source;
  /**
   * Optional: decode a dead letter's raw input again with the current config and registry
   * (`zhiping ingest dead-letters replay`, after a registry entry or mapping was fixed). `origin` says which
   * part of the input the dead letter stands for (e.g. one address); only that part is to be re-emitted and
   * re-dead-lettered. `time` is when the input was received (for inputs without their own timestamps;
   * the ingest always passes it).
   */
  replay?(config: C, deps: PluginDeps, entry: { raw: Uint8Array; origin?: string; time?: number }): {
    points: Point[];
    deadLetters: DeadLetterEntry[];
  };
}

/** A sink type; its schema sees the entry without the keys every sink has (type, name, batching, retry). */
export interface SinkPlugin<C = any> {
  type: string;
  configSchema: import("zod").ZodType<C>;
  create(config: C, deps: PluginDeps): Sink;
}
