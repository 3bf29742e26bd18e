// The OPC UA source's pure parts: status → quality, node id parsing, value conversion per kind, sequence
// record (repeats and gaps), discovery naming and the config schema's error paths.
import { DataType, NodeId, NodeIdType, Variant, VariantArrayType } from "node-opcua";
import { describe, expect, it } from "vitest";
import { formatPath, zodIssues } from "../../../ingest/core/config-errors";
import { opcuaConfigSchema } from "../../../ingest/sources/opcua/config";
import { partsFor } from "../../../ingest/sources/opcua/discovery";
import { formatNodeId, parseNodeId, toNodeId } from "../../../ingest/sources/opcua/node-id";
import { hasOverflowBit, qualityOf } from "../../../ingest/sources/opcua/quality";
import { MAX_REPUBLISH, SequenceRecord } from "../../../ingest/sources/opcua/sequence";
import { kindHint, toFieldValue } from "../../../ingest/sources/opcua/variant";

describe("status code → quality (severity bits 31–30)", () => {
  it.each([
    [0x00000000, "good"], // Good
    [0x00000480, "good"], // Good with the overflow info bits
    [0x002d0000, "good"], // GoodSubscriptionTransferred
    [0x40000000, "uncertain"], // Uncertain
    [0x40900000, "uncertain"], // UncertainLastUsableValue
    [0x80000000, "bad"], // Bad
    [0x808c0000, "bad"], // BadSensorFailure
    [0x80340000, "bad"], // BadNodeIdUnknown
    [0xc0000000, "bad"], // reserved severity 11: treated as bad, not as "0xC0 is not bad" nor as good
  ])("0x%s is %s", (code, quality) => {
    expect(qualityOf(code)).toBe(quality);
  });

  it("recognises the overflow bit only with InfoType DataValue", () => {
    expect(hasOverflowBit(0x00000480)).toBe(true);
    expect(hasOverflowBit(0x40900480)).toBe(true);
    expect(hasOverflowBit(0x00000400)).toBe(false); // InfoType set, no overflow
    expect(hasOverflowBit(0x00000080)).toBe(false); // bit 7 without InfoType DataValue means nothing
  });
});

describe("node ids as configured", () => {
  it("parses ns= and nsu= with every identifier type", () => {
    expect(parseNodeId("ns=2;s=Line1.M1.State")).toEqual({ text: "ns=2;s=Line1.M1.State", namespace: { index: 2 }, identifierType: "s", identifier: "Line1.M1.State" });
    expect(parseNodeId("nsu=urn:zhiping:simulator;s=A;B")).toMatchObject({ namespace: { uri: "urn:zhiping:simulator" }, identifier: "A;B" });
    expect(parseNodeId("ns=0;i=2258")).toMatchObject({ identifierType: "i", identifier: "2258" });
    expect(parseNodeId("ns=3;g=09087e75-8e5e-499b-954f-f2a9603db28a")).toMatchObject({ identifierType: "g" });
    expect(parseNodeId("ns=3;b=AAEC")).toMatchObject({ identifierType: "b" });
  });

  it("says what is wrong with a bad one", () => {
    expect(parseNodeId("s=Line1.M1")).toMatch(/has no namespace: write ns=<index>;s=Line1.M1/);
    expect(parseNodeId("ns=2;x=1")).toMatch(/is not a node id/);
    expect(parseNodeId("ns=70000;i=1")).toMatch(/namespace index must be at most 65535/);
    expect(parseNodeId("ns=1;i=-4")).toMatch(/i= takes an integer/);
    expect(parseNodeId("ns=1;g=nope")).toMatch(/g= takes a GUID/);
    expect(parseNodeId("ns=1;s=")).toMatch(/s= needs a name/);
  });

  it("resolves nsu= through the server's namespace array, whatever index it has today", () => {
    const parsed = parseNodeId("nsu=urn:zhiping:simulator;s=Line1.M1.State");
    if (typeof parsed === "string") throw new Error(parsed);
    const a = toNodeId(parsed, ["http://opcfoundation.org/UA/", "urn:x", "urn:zhiping:simulator"]) as NodeId;
    const b = toNodeId(parsed, ["http://opcfoundation.org/UA/", "urn:x", "urn:y", "urn:zhiping:simulator"]) as NodeId;
    expect([a.namespace, a.value]).toEqual([2, "Line1.M1.State"]);
    expect(b.namespace).toBe(3);
    expect(toNodeId(parsed, ["http://opcfoundation.org/UA/"])).toMatch(/namespace urn:zhiping:simulator is not served/);
  });

  it("writes discovered node ids in the root's form", () => {
    const like = parseNodeId("nsu=urn:a;s=Root");
    const likeIndex = parseNodeId("ns=1;s=Root");
    if (typeof like === "string" || typeof likeIndex === "string") throw new Error("parse");
    const nodeId = new NodeId(NodeIdType.NUMERIC, 42, 1);
    expect(formatNodeId(nodeId, ["http://opcfoundation.org/UA/", "urn:a"], like)).toBe("nsu=urn:a;i=42");
    expect(formatNodeId(nodeId, ["http://opcfoundation.org/UA/", "urn:a"], likeIndex)).toBe("ns=1;i=42");
  });
});

describe("values of each kind", () => {
  const v = (dataType: DataType, value: unknown) =>
    dataType === DataType.UInt64 || dataType === DataType.Int64 ? { dataType, value } : new Variant({ dataType, value });
  it("keeps integers integral for counters and states, including 64-bit ones", () => {
    expect(toFieldValue("counter", v(DataType.UInt32, 4_000_000_000))).toEqual({ ok: true, value: 4_000_000_000n });
    // UInt64 2^53 + 1 travels as [high, low] words and must not be rounded.
    expect(toFieldValue("counter", v(DataType.UInt64, [0x00200000, 1]))).toEqual({ ok: true, value: 9_007_199_254_740_993n });
    expect(toFieldValue("counter", v(DataType.Int64, [0xffffffff, 0xfffffffe]))).toEqual({ ok: true, value: -2n });
    expect(toFieldValue("state", v(DataType.Double, 3))).toEqual({ ok: true, value: 3n });
    expect(toFieldValue("counter", v(DataType.Double, 3.5))).toEqual({ ok: false, reason: "type_mismatch", detail: "Double 3.5 is not a counter value" });
  });

  it("turns numbers into floats for gauges, keeps NaN for the pipeline to count", () => {
    expect(toFieldValue("gauge", v(DataType.Float, 1.5))).toEqual({ ok: true, value: 1.5 });
    expect(toFieldValue("gauge", v(DataType.Int16, -7))).toEqual({ ok: true, value: -7 });
    const nan = toFieldValue("gauge", v(DataType.Double, Number.NaN));
    expect(nan.ok && Number.isNaN(nan.value as number)).toBe(true);
    expect(toFieldValue("gauge", v(DataType.String, "12"))).toMatchObject({ ok: false, reason: "type_mismatch" });
  });

  it("accepts booleans (and 0/1) for flags, anything scalar for text", () => {
    expect(toFieldValue("flag", v(DataType.Boolean, true))).toEqual({ ok: true, value: true });
    expect(toFieldValue("flag", v(DataType.Byte, 0))).toEqual({ ok: true, value: false });
    expect(toFieldValue("flag", v(DataType.Byte, 2))).toMatchObject({ ok: false, reason: "type_mismatch" });
    expect(toFieldValue("text", v(DataType.LocalizedText, { text: "运行中", locale: "zh-CN" }))).toEqual({ ok: true, value: "运行中" });
    expect(toFieldValue("text", v(DataType.DateTime, new Date(Date.UTC(2026, 0, 2))))).toEqual({ ok: true, value: "2026-01-02T00:00:00.000Z" });
  });

  it("refuses arrays, null and structures with a reason", () => {
    const array = new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: new Float64Array([1, 2]) });
    expect(toFieldValue("gauge", array)).toMatchObject({ ok: false, reason: "unsupported_type" });
    expect(toFieldValue("gauge", new Variant({ dataType: DataType.Null }))).toMatchObject({ ok: false, reason: "null_value" });
    expect(toFieldValue("text", v(DataType.ByteString, Buffer.from("x")))).toMatchObject({ ok: false, reason: "unsupported_type" });
  });

  it("suggests a kind from the data type (integers are measured gauges unless the registry says otherwise)", () => {
    expect([DataType.Boolean, DataType.UInt32, DataType.Double, DataType.String, DataType.ByteString].map(kindHint)).toEqual([
      "flag",
      "gauge",
      "gauge",
      "text",
      undefined,
    ]);
  });
});

describe("notification sequence numbers", () => {
  it("delivers each data message once and lists the numbers never received", () => {
    const r = new SequenceRecord();
    expect(r.accept(7, 1, true)).toEqual({ deliver: true, missing: [] });
    expect(r.accept(7, 2, true)).toEqual({ deliver: true, missing: [] });
    expect(r.accept(7, 5, true)).toEqual({ deliver: true, missing: [3, 4] });
    expect(r.accept(7, 2, true)).toEqual({ deliver: false, missing: [] }); // sent again after a broken link
    expect(r.accept(7, 3, true)).toEqual({ deliver: true, missing: [] }); // republished late: welcome
    expect(r.has(7, 4)).toBe(false);
    // Another subscription (recreated: numbering restarts) is a separate record.
    expect(r.accept(8, 1, true)).toEqual({ deliver: true, missing: [] });
  });

  it("learns of a lost data message from the next keep-alive", () => {
    const r = new SequenceRecord();
    r.accept(1, 10, true);
    expect(r.accept(1, 11, false)).toEqual({ deliver: true, missing: [] }); // next will be 11: nothing lost
    expect(r.accept(1, 12, false)).toEqual({ deliver: true, missing: [11] }); // 11 was sent and never came
  });

  it("caps a long gap so the caller can report the rest lost", () => {
    const r = new SequenceRecord();
    r.accept(1, 1, true);
    expect(r.accept(1, 500, true).missing).toHaveLength(MAX_REPUBLISH + 1);
  });
});

describe("discovery naming", () => {
  const rule = { root: "ns=2;s=Line1", maxDepth: 3, levels: ["machine", "signal"], assign: { enterprise: "demo", line: "line1" }, kinds: [] };
  it("names the machine by the first segment and the signal by the rest", () => {
    expect(partsFor(rule, ["M1", "Spindle", "Speed"])).toEqual({
      enterprise: "demo",
      line: "line1",
      machine: "M1",
      signal: "Spindle.Speed",
      browse_path: "M1/Spindle/Speed",
    });
    expect(partsFor(rule, ["Temperature"])).toBeUndefined(); // too shallow to name a machine
  });
});

describe("config", () => {
  const errors = (input: unknown) => {
    const r = opcuaConfigSchema.safeParse(input);
    return r.success ? [] : zodIssues(r.error).map((i) => `${formatPath(i.path)}: ${i.message}`);
  };
  it("fills defaults for a minimal entry", () => {
    const c = opcuaConfigSchema.parse({ endpoint: "opc.tcp://plc1:4840", nodes: ["ns=2;s=A"] });
    expect(c).toMatchObject({
      securityMode: "None",
      auth: { type: "anonymous" },
      pki: { acceptUnknownServerCertificates: false },
      subscription: { publishingIntervalMs: 1000, lifetimeCount: 60, maxKeepAliveCount: 10 },
      maxItemsPerCall: 1000,
    });
  });

  it("names the key path of every mistake", () => {
    expect(
      errors({
        endpoint: "http://plc1",
        nodes: ["s=A", { nodeId: "ns=2;s=B", deadband: { type: "percent", value: 150 } }],
        subscriptionn: {},
        securityMode: "SignAndEncrypt",
      }),
    ).toEqual([
      "endpoint: expected opc.tcp://host:port[/path]",
      'nodes[0]: "s=A" has no namespace: write ns=<index>;s=A or nsu=<uri>;s=A',
      "nodes[1].deadband.value: Too big: expected number to be <=100",
      "subscriptionn: unknown key",
      "securityPolicy: securityMode None goes with securityPolicy None, and Sign/SignAndEncrypt need a policy",
    ]);
    expect(errors({ endpoint: "opc.tcp://h:4840", nodes: ["ns=1;i=1"], securityMode: "Sign" })).toEqual([
      "securityPolicy: securityMode None goes with securityPolicy None, and Sign/SignAndEncrypt need a policy",
    ]);
    expect(errors({ endpoint: "opc.tcp://h:4840" })).toEqual(["nodes: give nodes, groups or discovery: there is nothing to subscribe to"]);
    expect(errors({ endpoint: "opc.tcp://h:4840", nodes: ["ns=1;i=1"], auth: { type: "username", username: "op" } })).toEqual([
      "auth.password: give exactly one of password or passwordEnv",
    ]);
    expect(errors({ endpoint: "opc.tcp://h:4840", discovery: [{ root: "ns=1;i=85", include: "([" }] })[0]).toMatch(/^discovery\[0\]\.include: not a regular expression/);
  });
});
