// Sparkplug B payloads (protobuf, Eclipse Tahu's schema from the sparkplug-payload package). We use the
// generated protobuf classes directly instead of sparkplug-payload's encode/decode helpers, because those
// lose what a host needs: an alias-only DATA metric decodes to `value: null` without its BIRTH datatype, a
// UInt64 given as BigInt is silently encoded as 0, and an alias-only metric cannot be encoded at all. Here
// the value is read from whichever protobuf field is present, by the datatype the BIRTH declared.
import Long from "long";
import * as generated from "sparkplug-payload/lib/sparkplugPayloadProto";
import type { FieldValue, SignalKind } from "../../core/types";

type Root = typeof generated;
const root: Root = (generated as unknown as { default?: Root }).default ?? generated;
const Payload = root.org.eclipse.tahu.protobuf.Payload;
type ProtoMetric = import("sparkplug-payload/lib/sparkplugPayloadProto").org.eclipse.tahu.protobuf.Payload.IMetric;

/** Sparkplug B 3.0 §6.4.16 datatypes. */
export const DataType = {
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
  UUID: 15,
  DataSet: 16,
  Bytes: 17,
  File: 18,
  Template: 19,
} as const;
export type DataTypeName = keyof typeof DataType;
const dataTypeNames = Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k])) as Record<number, DataTypeName>;
export const dataTypeName = (n: number): string => dataTypeNames[n] ?? `datatype ${n}`;

const INTEGER_TYPES = new Set<number>([1, 2, 3, 4, 5, 6, 7, 8]);

/** What one metric of a decoded payload carries (fields present on the wire only). */
export interface DecodedMetric {
  name?: string;
  alias?: bigint;
  timestamp?: number;
  datatype?: number;
  isNull: boolean;
  raw: ProtoMetric;
}

export interface DecodedPayload {
  timestamp?: number;
  seq?: number;
  metrics: DecodedMetric[];
}

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const toBigInt = (v: Long | number): bigint => (typeof v === "number" ? BigInt(Math.trunc(v)) : BigInt(v.toUnsigned().toString()));
const toNumber = (v: Long | number): number => (typeof v === "number" ? v : v.toNumber());

/** Decodes a payload; throws (with protobuf's message) on bytes that are not one. */
export function decodePayload(bytes: Uint8Array): DecodedPayload {
  const p = Payload.decode(bytes);
  return {
    timestamp: own(p, "timestamp") ? toNumber(p.timestamp as Long) : undefined,
    seq: own(p, "seq") ? toNumber(p.seq as Long) : undefined,
    metrics: (p.metrics ?? []).map((m) => ({
      name: own(m, "name") ? (m.name as string) : undefined,
      alias: own(m, "alias") ? toBigInt(m.alias as Long) : undefined,
      timestamp: own(m, "timestamp") ? toNumber(m.timestamp as Long) : undefined,
      datatype: own(m, "datatype") ? (m.datatype as number) : undefined,
      isNull: m.isNull === true,
      raw: m,
    })),
  };
}

export type MetricValue = number | bigint | boolean | string | null;
export type ReadValue = { ok: true; value: MetricValue } | { ok: false; reason: string; detail: string };

/** The metric's value read as `datatype` (from the BIRTH for alias-only metrics). */
export function readValue(m: DecodedMetric, datatype: number): ReadValue {
  if (m.isNull) return { ok: true, value: null };
  const r = m.raw;
  const integer = (): bigint | undefined => {
    if (own(r, "longValue") && r.longValue !== null && r.longValue !== undefined) return toBigInt(r.longValue as Long);
    if (own(r, "intValue") && r.intValue !== null && r.intValue !== undefined) return BigInt((r.intValue as number) >>> 0);
    return undefined;
  };
  const missing = (): ReadValue => ({ ok: false, reason: "missing_value", detail: `no ${dataTypeName(datatype)} value in the metric` });
  switch (datatype) {
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32: {
      const v = integer();
      return v === undefined ? missing() : { ok: true, value: Number(BigInt.asIntN(32, v)) };
    }
    case DataType.UInt8:
    case DataType.UInt16:
    case DataType.UInt32: {
      const v = integer();
      return v === undefined ? missing() : { ok: true, value: Number(BigInt.asUintN(32, v)) };
    }
    case DataType.Int64: {
      const v = integer();
      return v === undefined ? missing() : { ok: true, value: BigInt.asIntN(64, v) };
    }
    case DataType.UInt64: {
      const v = integer();
      return v === undefined ? missing() : { ok: true, value: BigInt.asUintN(64, v) };
    }
    case DataType.DateTime: {
      const v = integer();
      return v === undefined ? missing() : { ok: true, value: Number(v) };
    }
    case DataType.Float:
      return own(r, "floatValue") ? { ok: true, value: r.floatValue as number } : missing();
    case DataType.Double:
      return own(r, "doubleValue") ? { ok: true, value: r.doubleValue as number } : missing();
    case DataType.Boolean:
      return own(r, "booleanValue") ? { ok: true, value: r.booleanValue as boolean } : missing();
    case DataType.String:
    case DataType.Text:
    case DataType.UUID:
      return own(r, "stringValue") ? { ok: true, value: r.stringValue as string } : missing();
    default:
      return { ok: false, reason: "unsupported_type", detail: `${dataTypeName(datatype)} metrics are not stored` };
  }
}

/** The kind a datatype suggests to the registry's conventions (integers: a measured gauge). */
export function kindHint(datatype: number): SignalKind | undefined {
  if (datatype === DataType.Boolean) return "flag";
  if (INTEGER_TYPES.has(datatype) || datatype === DataType.Float || datatype === DataType.Double) return "gauge";
  if (datatype === DataType.String || datatype === DataType.Text || datatype === DataType.UUID || datatype === DataType.DateTime) return "text";
  return undefined;
}

export type Converted = { ok: true; value: FieldValue } | { ok: false; reason: string; detail: string };

/** A metric value as a field of the registered kind (DateTime read as epoch ms). */
export function toFieldValue(kind: SignalKind, value: Exclude<MetricValue, null>, datatype: number): Converted {
  const mismatch = (): Converted => ({ ok: false, reason: "type_mismatch", detail: `${dataTypeName(datatype)} ${String(value)} is not a ${kind} value` });
  switch (kind) {
    case "gauge":
      if (typeof value === "number") return { ok: true, value };
      if (typeof value === "bigint") return { ok: true, value: Number(value) };
      return mismatch();
    case "counter":
    case "state":
      if (typeof value === "bigint") return { ok: true, value };
      if (typeof value === "number" && Number.isInteger(value)) return { ok: true, value: BigInt(value) };
      return mismatch();
    case "flag":
      if (typeof value === "boolean") return { ok: true, value };
      if (value === 0 || value === 1 || value === 0n || value === 1n) return { ok: true, value: value === 1 || value === 1n };
      return mismatch();
    case "text":
      if (datatype === DataType.DateTime && typeof value === "number") return { ok: true, value: new Date(value).toISOString() };
      return { ok: true, value: String(value) };
  }
}

// ---------------------------------------------------------------- encoding (edge nodes, dead letters, tests)

export interface MetricOut {
  name?: string;
  alias?: number | bigint;
  /** Omitted in DATA messages (the BIRTH declared it). */
  datatype?: number;
  timestamp?: number;
  /** Written into the protobuf field the datatype (or `as`) calls for. */
  value: MetricValue;
  /** The datatype that picks the field, when `datatype` is omitted. */
  as?: number;
}

const longOf = (v: number | bigint): Long => Long.fromString(BigInt.asUintN(64, BigInt(v)).toString(), true);

function metricOut(m: MetricOut): ProtoMetric {
  const out: Record<string, unknown> = {};
  if (m.name !== undefined) out.name = m.name;
  if (m.alias !== undefined) out.alias = longOf(m.alias);
  if (m.timestamp !== undefined) out.timestamp = longOf(m.timestamp);
  if (m.datatype !== undefined) out.datatype = m.datatype;
  const type = m.datatype ?? m.as;
  if (m.value === null) out.isNull = true;
  else if (type !== undefined) {
    const v = m.value;
    if (type === DataType.Int64 || type === DataType.UInt64 || type === DataType.DateTime) out.longValue = longOf(typeof v === "boolean" ? Number(v) : (v as number | bigint));
    else if (INTEGER_TYPES.has(type)) out.intValue = Number(BigInt.asUintN(32, BigInt(v as number | bigint)));
    else if (type === DataType.Float) out.floatValue = v;
    else if (type === DataType.Double) out.doubleValue = v;
    else if (type === DataType.Boolean) out.booleanValue = v;
    else out.stringValue = String(v);
  }
  return Payload.Metric.create(out);
}

export function encodePayload(p: { timestamp?: number; seq?: number; metrics: MetricOut[] }): Uint8Array {
  const out: Record<string, unknown> = { metrics: p.metrics.map(metricOut) };
  if (p.timestamp !== undefined) out.timestamp = longOf(p.timestamp);
  if (p.seq !== undefined) out.seq = longOf(p.seq);
  return Payload.encode(Payload.create(out)).finish();
}
