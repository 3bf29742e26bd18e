import { describe, expect, it } from "vitest";
import { ConfiguredRegistry, registrySchema } from "../../../ingest/core/registry";
import { getPath, MISSING, parsePath } from "../../../ingest/sources/mqtt/json-path";
import { JsonDecoder, jsonMappingSchema, parseQuality, readTyped, toKind } from "../../../ingest/sources/mqtt/json-mapping";
import { parseTimestamp } from "../../../ingest/sources/mqtt/timestamp";
import { filterProblem, parseFilter, topicMatches } from "../../../ingest/sources/mqtt/topic";

const registry = new ConfiguredRegistry(
  registrySchema.parse({
    enterprises: [
      {
        id: "works",
        lines: [{ id: "L1", machines: [{ id: "press-1", signals: [{ id: "state", kind: "state", addresses: { mqtt: "plant/L1/press-1#st" } }] }] }],
      },
    ],
    conventions: [{ source: "mqtt", match: "plant/{line}/{machine}", enterprise: "works" }],
  }),
);
const T0 = Date.UTC(2024, 4, 1, 8, 0, 0);
const bytes = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));
const decoder = (mapping: unknown) => new JsonDecoder(jsonMappingSchema.parse(mapping), registry, "plant");

describe("JSON paths", () => {
  it("parses dots, indexes, quoted keys and the root", () => {
    expect(parsePath("a.b[2].c")).toEqual(["a", "b", 2, "c"]);
    expect(parsePath('["key.with dots"][0]')).toEqual(["key.with dots", 0]);
    expect(parsePath("$.a")).toEqual(["a"]);
    expect(parsePath("$")).toEqual([]);
    expect(() => parsePath("a..b")).toThrow("empty key at position 2");
    expect(() => parsePath("a[x]")).toThrow('expected [number] or ["key"] at position 1');
  });

  it("tells a missing step from a null value", () => {
    const doc = { a: { b: [10, null] } };
    expect(getPath(doc, ["a", "b", 0])).toBe(10);
    expect(getPath(doc, ["a", "b", 1])).toBeNull();
    expect(getPath(doc, ["a", "b", 2])).toBe(MISSING);
    expect(getPath(doc, ["a", "x"])).toBe(MISSING);
    expect(getPath(doc, ["a", "b", "length"])).toBe(MISSING);
  });
});

describe("timestamps", () => {
  it.each([
    [1714550400, "unix_s", T0],
    ["1714550400.123", "unix_s", T0 + 123],
    [1714550400.123, "unix_s", T0 + 123],
    [1714550400123, "unix_ms", T0 + 123],
    [1714550400123.9, "unix_ms", T0 + 123],
    [1714550400123456, "unix_us", T0 + 123],
    ["1714550400123456789", "unix_ns", T0 + 123],
    ["2024-05-01T08:00:00.123Z", "rfc3339", T0 + 123],
    ["2024-05-01T16:00:00+08:00", "rfc3339", T0],
    ["2024-05-01 08:00:00Z", "rfc3339", T0],
  ] as const)("reads %s as %s", (raw, format, expected) => {
    expect(parseTimestamp(raw, format)).toBe(expected);
  });

  it.each([
    ["2024-05-01T08:00:00", "rfc3339", '"2024-05-01T08:00:00" is not RFC 3339 (e.g. 2024-05-01T08:00:00.123Z)'],
    ["2024-13-01T08:00:00Z", "rfc3339", '"2024-13-01T08:00:00Z" has a field out of range'],
    [1714550400, "rfc3339", "expected an RFC 3339 string, got number"],
    ["12:00", "unix_ms", '"12:00" is not a number'],
    [true, "unix_s", "expected a number, got boolean"],
  ] as const)("refuses %s as %s with a reason", (raw, format, message) => {
    expect(parseTimestamp(raw, format)).toBe(message);
  });
});

describe("types and kinds", () => {
  it("reads declared JSON types strictly", () => {
    expect(readTyped("41.5", "float")).toBe(41.5);
    expect(readTyped("abc", "float")).toEqual({ error: 'expected a number, got "abc"' });
    expect(readTyped(7, "int")).toBe(7n);
    expect(readTyped("9007199254740993", "int")).toBe(9007199254740993n);
    expect(readTyped(2.5, "int")).toEqual({ error: "expected an integer, got 2.5" });
    expect(readTyped(1, "bool")).toBe(true);
    expect(readTyped("yes", "bool")).toEqual({ error: 'expected a boolean, got "yes"' });
    expect(readTyped(12, "string")).toBe("12");
    expect(readTyped({}, "string")).toEqual({ error: "expected a string, got an object" });
  });

  it("converts to the registered kind's field type or says why not", () => {
    expect(toKind(3n, "gauge")).toBe(3);
    expect(toKind(3, "counter")).toBe(3n);
    expect(toKind(3.5, "state")).toEqual({ error: "a state needs an integer, got 3.5" });
    expect(toKind(1n, "flag")).toBe(true);
    expect(toKind(2.5, "text")).toBe("2.5");
  });

  it("maps payload quality: booleans, names, OPC UA status codes by severity", () => {
    expect(parseQuality(false)).toEqual({ quality: "bad" });
    expect(parseQuality("Uncertain")).toEqual({ quality: "uncertain" });
    expect(parseQuality(0)).toEqual({ quality: "good", status: 0 });
    expect(parseQuality(0x40920000)).toEqual({ quality: "uncertain", status: 0x40920000 });
    expect(parseQuality(0x80340000)).toEqual({ quality: "bad", status: 0x80340000 });
    expect(parseQuality("meh")).toBe('"meh" is not good/uncertain/bad/stale');
  });
});

describe("topic filters", () => {
  it("matches + and # as MQTT does, including the parent level for #", () => {
    expect(topicMatches("a/+/c", "a/b/c")).toBe(true);
    expect(topicMatches("a/+/c", "a/b/x/c")).toBe(false);
    expect(topicMatches("a/#", "a")).toBe(true);
    expect(topicMatches("a/#", "a/b/c")).toBe(true);
    expect(topicMatches("#", "$SYS/broker")).toBe(false);
    expect(topicMatches("+/x", "$SYS/x")).toBe(false);
  });

  it("strips the shared-subscription prefix and checks filters", () => {
    expect(parseFilter("$share/zhiping/plant/#")).toEqual({ filter: "plant/#", shareGroup: "zhiping" });
    expect(filterProblem("$share/zhiping/plant/#")).toBeNull();
    expect(filterProblem("$share/zhiping")).toBe("a shared subscription is $share/<group>/<filter>");
    expect(filterProblem("a/#/b")).toBe("# must be a whole level and the last one");
    expect(filterProblem("a/b+")).toBe("+ must be a whole level");
  });
});

describe("JSON payload → points", () => {
  const mapping = {
    timestamp: { path: "ts", format: "unix_ms" },
    fields: [
      { path: "spindle.rpm", type: "float", signal: "spindle_speed" },
      { path: "parts", type: "int" },
      { path: "st", type: "int" },
    ],
  };

  it("maps fields through the registry: topic levels become tags, the kind picks measurement and type", () => {
    const out = decoder(mapping).decode("plant/L1/press-1", bytes({ ts: T0, spindle: { rpm: 1200 }, parts: 17, st: 3 }), 0);
    expect(out.deadLetters).toEqual([]);
    const tags = { enterprise: "works", line: "L1", machine: "press-1" };
    expect(out.points).toEqual([
      { measurement: "gauge", tags: { ...tags, signal: "spindle_speed" }, fields: { quality: "good", value: 1200 }, time: T0, quality: "good" },
      { measurement: "counter", tags: { ...tags, signal: "parts" }, fields: { quality: "good", value: 17n }, time: T0, quality: "good" },
      // The explicit registry entry wins for `st`: a state, not a counter.
      { measurement: "state", tags: { ...tags, signal: "state" }, fields: { quality: "good", value: 3n }, time: T0, quality: "good" },
    ]);
  });

  it("keeps going past a bad value: the others of the message become points", () => {
    const out = decoder(mapping).decode("plant/L1/press-1", bytes({ ts: T0, spindle: { rpm: "fast" }, st: 1 }), 0);
    expect(out.points.map((p) => p.tags.signal)).toEqual(["state"]);
    expect(out.deadLetters).toEqual([
      { source: "plant", reason: "wrong_type", detail: 'spindle.rpm: expected a number, got "fast"', origin: "plant/L1/press-1#spindle.rpm", raw: expect.any(Buffer) },
      { source: "plant", reason: "missing_path", detail: "parts missing", origin: "plant/L1/press-1#parts", raw: expect.any(Buffer) },
    ]);
  });

  it("dead-letters malformed JSON once per message, with the raw payload", () => {
    const out = decoder(mapping).decode("plant/L1/press-1", bytes("{not json"), 0);
    expect(out.points).toEqual([]);
    expect(out.deadLetters).toHaveLength(1);
    expect(out.deadLetters[0]).toMatchObject({ reason: "malformed_json", origin: "plant/L1/press-1" });
    expect(Buffer.from(out.deadLetters[0].raw as Uint8Array).toString()).toBe("{not json");
  });

  it("refuses invalid UTF-8 as malformed", () => {
    const out = decoder(mapping).decode("plant/L1/press-1", Buffer.from([0x7b, 0xff, 0x7d]), 0);
    expect(out.deadLetters.map((d) => d.reason)).toEqual(["malformed_json"]);
  });

  it("dead-letters values of an unregistered topic as unregistered, per address", () => {
    const out = decoder(mapping).decode("elsewhere/x", bytes({ ts: T0, spindle: { rpm: 1 }, parts: 1, st: 1 }), 0);
    expect(out.points).toEqual([]);
    expect(out.deadLetters.map((d) => [d.reason, d.origin])).toEqual([
      ["unregistered", "elsewhere/x#spindle.rpm"],
      ["unregistered", "elsewhere/x#parts"],
      ["unregistered", "elsewhere/x#st"],
    ]);
  });

  it("uses the receive time when no timestamp is mapped, and a null value becomes a bad-quality point without value", () => {
    const out = decoder({ fields: [{ path: "t", type: "float" }] }).decode("plant/L1/press-1", bytes({ t: null }), 1234);
    expect(out.points).toEqual([
      { measurement: "gauge", tags: { enterprise: "works", line: "L1", machine: "press-1", signal: "t" }, fields: { quality: "bad" }, time: 1234, quality: "bad" },
    ]);
  });

  it("reads many records per payload; a bad timestamp fails only its own record", () => {
    const m = decoder({ records: "readings", timestamp: { path: "t", format: "rfc3339" }, fields: [{ path: "v", type: "float", signal: "temp" }] });
    const out = m.decode(
      "plant/L1/press-1",
      bytes({ readings: [{ t: "2024-05-01T08:00:00Z", v: 1 }, { t: "yesterday", v: 2 }, { t: "2024-05-01T08:00:01Z", v: 3 }] }),
      0,
    );
    expect(out.points.map((p) => [p.time, p.fields.value])).toEqual([
      [T0, 1],
      [T0 + 1000, 3],
    ]);
    expect(out.deadLetters.map((d) => [d.reason, d.origin, d.detail])).toEqual([
      ["bad_timestamp", "plant/L1/press-1#v", 'record 1: timestamp t: "yesterday" is not RFC 3339 (e.g. 2024-05-01T08:00:00.123Z)'],
    ]);
  });

  it("reads name/value records with their quality (Kepware-style)", () => {
    const m = decoder({
      records: "values",
      timestamp: { path: "t", format: "unix_ms" },
      quality: { path: "q" },
      namedValues: { name: "id", value: "v", type: "float" },
    });
    const out = m.decode("plant/L1/press-1", bytes({ values: [{ id: "oil_temp", v: 55.5, q: true, t: T0 }, { id: "pressure", v: 3, q: false, t: T0 }] }), 0);
    expect(out.deadLetters).toEqual([]);
    expect(out.points.map((p) => [p.tags.signal, p.fields, p.quality])).toEqual([
      ["oil_temp", { quality: "good", value: 55.5 }, "good"],
      ["pressure", { quality: "bad" }, "bad"],
    ]);
  });

  it("a root array payload is a list of records; optional fields may be absent", () => {
    const m = decoder({ fields: [{ path: "a", type: "float" }, { path: "b", type: "float", optional: true }] });
    const out = m.decode("plant/L1/press-1", bytes([{ a: 1 }, { a: 2, b: 3 }]), 5);
    expect(out.deadLetters).toEqual([]);
    expect(out.points.map((p) => `${p.tags.signal}=${p.fields.value}`)).toEqual(["a=1", "a=2", "b=3"]);
  });

  it("replays only the dead letter's own address", () => {
    const payload = bytes({ ts: T0, spindle: { rpm: "fast" }, parts: "x", st: 2 });
    const out = decoder(mapping).decode("plant/L1/press-1", payload, 0, "plant/L1/press-1#parts");
    expect(out.points).toEqual([]);
    expect(out.deadLetters.map((d) => d.origin)).toEqual(["plant/L1/press-1#parts"]);
    const whole = decoder(mapping).decode("plant/L1/press-1", payload, 0, "plant/L1/press-1");
    expect(whole.points.map((p) => p.tags.signal)).toEqual(["state"]);
    expect(whole.deadLetters).toHaveLength(2);
  });

  it("rejects a mapping without values, with the key path", () => {
    const r = jsonMappingSchema.safeParse({ fields: [] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["fields", "map at least one field (or namedValues)"]]);
  });
});
