// The Sparkplug B host's rules without a broker: codec (BIRTH datatypes, UInt64 exactness), alias tables,
// seq checks with the reorder window, rebirth requests (rate-limited), STALE on NDEATH/DDEATH.
import { describe, expect, it } from "vitest";
import pino from "pino";
import { createRegistry, registrySchema } from "../../../ingest/core/registry";
import { DataType, decodePayload, encodePayload, readValue, toFieldValue, type MetricOut } from "../../../ingest/sources/sparkplug/codec";
import { sparkplugConfigSchema } from "../../../ingest/sources/sparkplug/config";
import { sparkplugPlugin } from "../../../ingest/sources/sparkplug/index";
import { HostState, type Inbound, type Outcome } from "../../../ingest/sources/sparkplug/state";
import { parseTopic } from "../../../ingest/sources/sparkplug/topic";

const registry = createRegistry(
  registrySchema.parse({
    enterprises: [
      {
        id: "demo",
        lines: [
          {
            id: "L1",
            machines: [
              {
                id: "M1",
                signals: [
                  { id: "count", kind: "counter", addresses: { sparkplug: "G/E/M1/Count" } },
                  { id: "temp", kind: "gauge", addresses: { sparkplug: "G/E/M1/Temp" } },
                  { id: "run", kind: "flag", addresses: { sparkplug: "G/E/M1/Running" } },
                ],
              },
              { id: "edge", signals: [{ id: "uptime", kind: "gauge", addresses: { sparkplug: "G/E/Uptime" } }] },
            ],
          },
        ],
      },
    ],
  }),
);

const host = (reorderTimeoutMs = 1000, rebirthMinIntervalMs = 5000) =>
  new HostState({ source: "sp", registry, reorderTimeoutMs, rebirthMinIntervalMs });

let clock = 1_000_000;
function message(topic: string, payload: { seq?: number; timestamp?: number; metrics: MetricOut[] }): Inbound {
  const raw = encodePayload(payload);
  const parsed = parseTopic(topic);
  if (typeof parsed === "string" || parsed.kind !== "message") throw new Error(String(parsed));
  return { topic, parsed, payload: decodePayload(raw), raw, receivedAt: clock };
}

const nbirth = (seq = 0, bdSeq = 7n) =>
  message("spBv1.0/G/NBIRTH/E", {
    seq,
    timestamp: clock,
    metrics: [
      { name: "bdSeq", datatype: DataType.Int64, value: bdSeq },
      { name: "Node Control/Rebirth", datatype: DataType.Boolean, value: false },
      { name: "Uptime", alias: 1, datatype: DataType.Double, value: 12.5, timestamp: 500 },
    ],
  });
const dbirth = (seq: number, aliasBase = 10) =>
  message("spBv1.0/G/DBIRTH/E/M1", {
    seq,
    timestamp: 600,
    metrics: [
      { name: "Count", alias: aliasBase + 1, datatype: DataType.UInt64, value: 2n ** 53n + 1n },
      { name: "Temp", alias: aliasBase + 2, datatype: DataType.Float, value: 21.5 },
      { name: "Running", alias: aliasBase + 3, datatype: DataType.Boolean, value: true },
    ],
  });
const ddata = (seq: number, metrics: MetricOut[], timestamp = 700) => message("spBv1.0/G/DDATA/E/M1", { seq, timestamp, metrics });

const points = (o: Outcome) => o.handled.flatMap((h) => h.points);
const reasons = (o: Outcome) => o.handled.flatMap((h) => h.deadLetters.map((d) => d.reason));
const values = (o: Outcome) => points(o).map((p) => [p.tags.signal, p.fields.value ?? null, p.quality, p.time]);

describe("codec", () => {
  it("decodes alias-only DATA with the BIRTH's datatype, keeping UInt64 exact", () => {
    const bytes = encodePayload({ seq: 3, metrics: [{ alias: 11, value: 18_446_744_073_709_551_615n, as: DataType.UInt64 }] });
    const [m] = decodePayload(bytes).metrics;
    expect(m.datatype).toBeUndefined();
    expect(m.name).toBeUndefined();
    expect(readValue(m, DataType.UInt64)).toEqual({ ok: true, value: 18_446_744_073_709_551_615n });
    expect(readValue(m, DataType.Int64)).toEqual({ ok: true, value: -1n });
  });

  it("reads signed small integers, floats, booleans, strings and DateTime", () => {
    const p = decodePayload(
      encodePayload({
        metrics: [
          { name: "a", datatype: DataType.Int8, value: -5 },
          { name: "b", datatype: DataType.Float, value: 0.1 },
          { name: "c", datatype: DataType.Boolean, value: false },
          { name: "d", datatype: DataType.String, value: "运行" },
          { name: "e", datatype: DataType.DateTime, value: 1_700_000_000_123 },
          { name: "f", datatype: DataType.Double, value: null },
        ],
      }),
    );
    expect(p.metrics.map((m) => readValue(m, m.datatype!))).toEqual([
      { ok: true, value: -5 },
      { ok: true, value: Math.fround(0.1) },
      { ok: true, value: false },
      { ok: true, value: "运行" },
      { ok: true, value: 1_700_000_000_123 },
      { ok: true, value: null },
    ]);
    expect(toFieldValue("text", 1_700_000_000_123, DataType.DateTime)).toEqual({ ok: true, value: "2023-11-14T22:13:20.123Z" });
    expect(readValue(p.metrics[0], DataType.DataSet)).toMatchObject({ ok: false, reason: "unsupported_type" });
  });

  it("parses topics and refuses the rest with a reason", () => {
    expect(parseTopic("spBv1.0/G/DDATA/E/M1")).toEqual({ kind: "message", type: "DDATA", group: "G", edge: "E", device: "M1" });
    expect(parseTopic("spBv1.0/STATE/host-1")).toEqual({ kind: "state", hostId: "host-1" });
    expect(parseTopic("spBv1.0/G/NDATA/E/extra")).toBe("NDATA has no device level");
    expect(parseTopic("spBv1.0/G/DDATA/E")).toBe("DDATA needs a device level");
    expect(parseTopic("spAv1.0/G/NDATA/E")).toBe("not in the spBv1.0 namespace");
  });
});

describe("host state", () => {
  it("takes values from BIRTHs and decodes DATA by alias with the BIRTH's datatype", () => {
    const h = host();
    expect(values(h.receive(nbirth(), clock))).toEqual([["uptime", 12.5, "good", 500]]);
    expect(values(h.receive(dbirth(1), clock))).toEqual([
      ["count", 2n ** 53n + 1n, "good", 600],
      ["temp", 21.5, "good", 600],
      ["run", true, "good", 600],
    ]);
    const data = h.receive(ddata(2, [{ alias: 11, value: 2n ** 53n + 2n, as: DataType.UInt64, timestamp: 650 }, { alias: 12, value: 22.25, as: DataType.Float }]), clock);
    // The metric's own timestamp when it has one, else the payload's.
    expect(values(data)).toEqual([
      ["count", 2n ** 53n + 2n, "good", 650],
      ["temp", 22.25, "good", 700],
    ]);
    expect(data.rebirth).toEqual([]);
  });

  it("asks for a rebirth when DATA comes before any BIRTH, and never guesses", () => {
    const h = host();
    const o = h.receive(ddata(5, [{ alias: 11, value: 3n, as: DataType.UInt64 }]), clock);
    expect(points(o)).toEqual([]);
    expect(reasons(o)).toEqual(["before_birth"]);
    expect(o.rebirth).toEqual([{ group: "G", edge: "E" }]);
    // Rate-limited: a second one within rebirthMinInterval asks nothing.
    expect(h.receive(ddata(6, []), clock + 1000).rebirth).toEqual([]);
    expect(h.receive(ddata(7, []), clock + 6000).rebirth).toEqual([{ group: "G", edge: "E" }]);
    expect(h.stats).toMatchObject({ beforeBirth: 3, rebirthRequests: 2, rebirthSuppressed: 1 });
  });

  it("waits for a message that arrives late, then processes in order", () => {
    const h = host();
    h.receive(nbirth(), clock);
    h.receive(dbirth(1), clock);
    const early = h.receive(ddata(3, [{ alias: 12, value: 30, as: DataType.Float }]), clock);
    expect(points(early)).toEqual([]); // held: seq 2 is missing
    expect(h.nextDeadline()).toBe(clock + 1000);
    const late = h.receive(ddata(2, [{ alias: 12, value: 29, as: DataType.Float }]), clock + 200);
    expect(values(late).map((v) => v[1])).toEqual([29, 30]);
    expect(late.rebirth).toEqual([]);
    expect(h.nextDeadline()).toBeUndefined();
    expect(h.stats.reordered).toBe(1);
  });

  it("after the reorder timeout, processes what came after a gap and asks for a rebirth", () => {
    const h = host();
    h.receive(nbirth(), clock);
    h.receive(dbirth(1), clock);
    h.receive(ddata(4, [{ alias: 12, value: 31, as: DataType.Float }]), clock);
    h.receive(ddata(5, [{ alias: 12, value: 32, as: DataType.Float }]), clock + 10);
    expect(h.expire(clock + 999).handled).toEqual([]);
    const o = h.expire(clock + 1000);
    expect(values(o).map((v) => v[1])).toEqual([31, 32]);
    expect(o.rebirth).toEqual([{ group: "G", edge: "E" }]);
    expect(h.stats.gaps).toBe(1);
    // The sequence continues from the last processed message.
    expect(values(h.receive(ddata(6, [{ alias: 12, value: 33, as: DataType.Float }]), clock + 1100)).map((v) => v[1])).toEqual([33]);
  });

  it("wraps seq from 255 to 0", () => {
    const h = host();
    h.receive(nbirth(), clock);
    h.receive(dbirth(1), clock);
    for (let seq = 2; seq <= 255; seq++) h.receive(ddata(seq, []), clock);
    const o = h.receive(ddata(0, [{ alias: 13, value: false, as: DataType.Boolean }]), clock);
    expect(values(o)).toEqual([["run", false, "good", 700]]);
    expect(h.stats.gaps).toBe(0);
    expect(h.nextDeadline()).toBeUndefined();
  });

  it("uses the newest BIRTH's aliases after a rebirth", () => {
    const h = host();
    h.receive(nbirth(), clock);
    h.receive(dbirth(1, 10), clock);
    h.receive(nbirth(0), clock);
    h.receive(dbirth(1, 500), clock);
    // Alias 11 meant Count in the old birth; now nothing. Alias 501 is Count.
    const old = h.receive(ddata(2, [{ alias: 11, value: 1n, as: DataType.UInt64 }]), clock);
    expect(reasons(old)).toEqual(["unknown_metric"]);
    expect(old.rebirth).toEqual([{ group: "G", edge: "E" }]);
    expect(values(h.receive(ddata(3, [{ alias: 501, value: 9n, as: DataType.UInt64 }]), clock))).toEqual([["count", 9n, "good", 700]]);
  });

  it("marks every metric of the node and its devices STALE on NDEATH with the matching bdSeq", () => {
    const h = host();
    h.receive(nbirth(0, 7n), clock);
    h.receive(dbirth(1), clock);
    const wrong = message("spBv1.0/G/NDEATH/E", { metrics: [{ name: "bdSeq", datatype: DataType.Int64, value: 6n }] });
    expect(points(h.receive(wrong, clock))).toEqual([]); // a will from an older session
    expect(h.stats.staleDeaths).toBe(1);
    clock += 5000;
    const death = message("spBv1.0/G/NDEATH/E", { metrics: [{ name: "bdSeq", datatype: DataType.Int64, value: 7n }] });
    const o = h.receive(death, clock);
    expect(values(o)).toEqual([
      ["uptime", null, "stale", clock],
      ["count", null, "stale", clock],
      ["temp", null, "stale", clock],
      ["run", null, "stale", clock],
    ]);
    expect(points(o).every((p) => !("value" in p.fields) && p.fields.quality === "stale")).toBe(true);
    // DATA after the death, before a new birth: a rebirth request, not a guess.
    expect(reasons(h.receive(ddata(2, []), clock))).toEqual(["before_birth"]);
    expect(h.status()).toMatchObject([{ group: "G", edge: "E", online: false, bdSeq: "7", devices: [{ id: "M1", online: false }] }]);
  });

  it("marks a device's metrics STALE on DDEATH, and its DATA before a new DBIRTH is refused", () => {
    const h = host();
    h.receive(nbirth(), clock);
    h.receive(dbirth(1), clock);
    const o = h.receive(message("spBv1.0/G/DDEATH/E/M1", { seq: 2, timestamp: 800, metrics: [] }), clock);
    expect(values(o)).toEqual([
      ["count", null, "stale", 800],
      ["temp", null, "stale", 800],
      ["run", null, "stale", 800],
    ]);
    expect(reasons(h.receive(ddata(3, [{ alias: 12, value: 1, as: DataType.Float }]), clock))).toEqual(["before_birth"]);
  });

  it("dead-letters unregistered and mistyped metrics with a payload a replay can decode", () => {
    const h = host();
    h.receive(nbirth(), clock);
    const birth = message("spBv1.0/G/DBIRTH/E/M1", {
      seq: 1,
      timestamp: 600,
      metrics: [
        { name: "Vibration", alias: 40, datatype: DataType.Double, value: 0.7 },
        { name: "Count", alias: 41, datatype: DataType.Double, value: 3.5 },
      ],
    });
    const o = h.receive(birth, clock);
    expect(points(o)).toEqual([]);
    const letters = o.handled.flatMap((x) => x.deadLetters);
    expect(letters.map((d) => [d.reason, d.detail])).toEqual([
      ["unregistered", "G/E/M1/Vibration is not in the registry"],
      ["type_mismatch", "Count: Double 3.5 is not a counter value"],
    ]);
    // With the registry fixed, a replay decodes the dead letter without the BIRTH.
    const fixed = createRegistry(
      registrySchema.parse({ conventions: [{ source: "sparkplug", enterprise: "demo", line: "{edge_node}", machine: "{device}", signal: "{metric}" }] }),
    );
    const replay = sparkplugPlugin.replay!(
      sparkplugConfigSchema.parse({ url: "mqtt://127.0.0.1:1883", clientId: "x", hostId: "h" }),
      { registry: fixed, logger: pino({ level: "silent" }), dataDir: "/tmp" },
      { raw: letters[0].raw as Uint8Array, origin: letters[0].origin },
    );
    expect(replay.deadLetters).toEqual([]);
    expect(replay.points).toEqual([
      {
        measurement: "gauge",
        tags: { enterprise: "demo", line: "E", machine: "M1", signal: "Vibration" },
        fields: { quality: "good", value: 0.7 },
        time: 600,
        quality: "good",
      },
    ]);
  });
});

describe("config", () => {
  it("names wrong keys and ids by path", () => {
    const r = sparkplugConfigSchema.safeParse({ url: "mqtt://b:1883", clientId: "c", hostId: "a/b", groups: ["x#"], reorderTimeout: "5 lightyears" });
    expect(r.success).toBe(false);
    const issues = r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toEqual([
      "hostId: hostId must not contain '/', '+' or '#'",
      expect.stringMatching(/^groups\.0: /),
      'reorderTimeout: expected a duration like 500ms, 1s, 5m or a number of ms, got "5 lightyears"',
    ]);
  });
});
