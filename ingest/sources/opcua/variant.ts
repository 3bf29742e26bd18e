// OPC UA values → point field values of the registered kind. A value that does not fit its kind is an
// error with a reason (dead-lettered with the raw value), never silently coerced into something else.
import { DataType, VariantArrayType, type Variant } from "node-opcua";
import type { FieldValue, SignalKind } from "../../core/types";

export type Converted = { ok: true; value: FieldValue } | { ok: false; reason: string; detail: string };

const integerTypes = new Set([DataType.SByte, DataType.Byte, DataType.Int16, DataType.UInt16, DataType.Int32, DataType.UInt32]);
const floatTypes = new Set([DataType.Float, DataType.Double]);

/** The kind a data type suggests when the registry has no explicit entry (integers: a measured gauge). */
export function kindHint(dataType: DataType): SignalKind | undefined {
  if (dataType === DataType.Boolean) return "flag";
  if (integerTypes.has(dataType) || floatTypes.has(dataType) || dataType === DataType.Int64 || dataType === DataType.UInt64) return "gauge";
  if (dataType === DataType.String || dataType === DataType.LocalizedText || dataType === DataType.DateTime) return "text";
  return undefined;
}

/** node-opcua carries 64-bit integers as [high, low] 32-bit words. */
function int64(value: unknown, signed: boolean): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "string" && /^-?\d{1,20}$/.test(value)) return signed ? BigInt.asIntN(64, BigInt(value)) : BigInt.asUintN(64, BigInt(value));
  if (Array.isArray(value) && value.length === 2 && value.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
    const unsigned = (BigInt(value[0]) << 32n) | BigInt(value[1]);
    return signed ? BigInt.asIntN(64, unsigned) : unsigned;
  }
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return undefined;
}

/** The variant's scalar as a JavaScript number/bigint/boolean/string, or undefined for unsupported types. */
/** The parts of a Variant we read; a dead letter's raw JSON has the same shape. */
export type VariantLike = Pick<Variant, "dataType" | "value"> & { arrayType?: VariantArrayType };

function scalar(variant: VariantLike): number | bigint | boolean | string | undefined {
  const { dataType, value } = variant;
  if (dataType === DataType.Boolean) return typeof value === "boolean" ? value : undefined;
  if (integerTypes.has(dataType) || floatTypes.has(dataType)) return typeof value === "number" ? value : undefined;
  if (dataType === DataType.Int64) return int64(value, true);
  if (dataType === DataType.UInt64) return int64(value, false);
  if (dataType === DataType.String) return typeof value === "string" ? value : undefined;
  if (dataType === DataType.LocalizedText) return typeof value === "string" ? value : typeof value?.text === "string" ? value.text : "";
  if (dataType === DataType.DateTime) return value instanceof Date ? value.toISOString() : typeof value === "string" ? value : undefined;
  return undefined;
}

export function toFieldValue(kind: SignalKind, variant: VariantLike): Converted {
  const typeName = DataType[variant.dataType] ?? String(variant.dataType);
  if (variant.arrayType !== undefined && variant.arrayType !== VariantArrayType.Scalar) {
    return { ok: false, reason: "unsupported_type", detail: `${typeName} array: configure one signal per element` };
  }
  if (variant.dataType === DataType.Null) return { ok: false, reason: "null_value", detail: "a good status with no value" };
  const v = scalar(variant);
  if (v === undefined) return { ok: false, reason: "unsupported_type", detail: `${typeName} values cannot be stored` };
  const mismatch = (): Converted => ({ ok: false, reason: "type_mismatch", detail: `${typeName} ${String(v)} is not a ${kind} value` });
  switch (kind) {
    case "gauge":
      if (typeof v === "number") return { ok: true, value: v };
      if (typeof v === "bigint") return { ok: true, value: Number(v) };
      return mismatch();
    case "counter":
    case "state":
      if (typeof v === "bigint") return { ok: true, value: v };
      if (typeof v === "number" && Number.isInteger(v)) return { ok: true, value: BigInt(v) };
      return mismatch();
    case "flag":
      if (typeof v === "boolean") return { ok: true, value: v };
      if (v === 0 || v === 1 || v === 0n || v === 1n) return { ok: true, value: v === 1 || v === 1n };
      return mismatch();
    case "text":
      return { ok: true, value: String(v) };
  }
}

/** A JSON-safe copy of a variant's scalar for dead letters (bigint → string). */
export function rawValue(variant: VariantLike): unknown {
  const v = scalar(variant);
  if (typeof v === "bigint") return v.toString();
  if (v !== undefined) return v;
  try {
    return JSON.parse(JSON.stringify(variant.value ?? null, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
  } catch {
    return String(variant.value);
  }
}
