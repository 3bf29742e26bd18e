// JSON payload → points. A mapping says where the records are, where each value is (fixed paths or
// name/value records such as Kepware's `{"id":…,"v":…,"q":…,"t":…}`), its JSON type, the timestamp and
// quality paths. Every value is resolved through the registry (address `topic#path`) to a signal; what
// cannot become a point is returned as a dead letter with its reason — per address, so fixing the registry
// and replaying re-emits exactly that address — while the other values of the message go on.
import { z } from "zod";
import { signalPoint } from "../../core/point";
import { SIGNAL_KINDS } from "../../core/registry";
import type { DeadLetterEntry, FieldValue, Point, Quality, Registry, SignalKind, SignalRef } from "../../core/types";
import { getPath, MISSING, parsePath, type PathKey } from "./json-path";
import { parseTimestamp, TIMESTAMP_FORMATS, type TimestampFormat } from "./timestamp";

const path = z.string().superRefine((p, ctx) => {
  try {
    parsePath(p);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `invalid JSON path: ${(err as Error).message}` });
  }
});
export const VALUE_TYPES = ["float", "int", "bool", "string"] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

const fieldSchema = z.strictObject({
  path,
  type: z.enum(VALUE_TYPES),
  /** The signal name passed to the registry's conventions (default: the path). */
  signal: z.string().min(1).optional(),
  /** Kind hint for conventions (default from type: float→gauge, int→counter, bool→flag, string→text). */
  kind: z.enum(SIGNAL_KINDS).optional(),
  unit: z.string().min(1).optional(),
  /** A missing value is normal (report-by-exception payloads): skip it instead of dead-lettering. */
  optional: z.boolean().default(false),
});

export const jsonMappingSchema = z
  .strictObject({
    /** Path to an array of records; default: the payload itself (an array payload is a list of records). */
    records: path.optional(),
    /** Per record; without it points get the receive time (then a redelivered message is not idempotent). */
    timestamp: z
      .strictObject({ path, format: z.enum(TIMESTAMP_FORMATS), required: z.boolean().default(true) })
      .optional(),
    /** Per record: true/false, "good"/"uncertain"/"bad"/"stale", or an OPC UA StatusCode number. */
    quality: z.strictObject({ path }).optional(),
    fields: z.array(fieldSchema).default([]),
    namedValues: z
      .strictObject({
        /** Path (in the record) to the signal name; the address is `topic#<name>`. */
        name: path,
        value: path,
        type: z.enum(VALUE_TYPES),
        kind: z.enum(SIGNAL_KINDS).optional(),
        unit: z.string().min(1).optional(),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.fields.length === 0 && !m.namedValues) ctx.addIssue({ code: "custom", path: ["fields"], message: "map at least one field (or namedValues)" });
  });

export type JsonMapping = z.infer<typeof jsonMappingSchema>;

const KIND_OF_TYPE: Record<ValueType, SignalKind> = { float: "gauge", int: "counter", bool: "flag", string: "text" };

export interface DecodeResult {
  points: Point[];
  deadLetters: DeadLetterEntry[];
}

interface CompiledField {
  path: string;
  keys: PathKey[];
  type: ValueType;
  signal: string;
  kind: SignalKind;
  unit?: string;
  optional: boolean;
}

type Failure = { address: string; reason: string; details: string[] };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const REF_CACHE_LIMIT = 10_000;

export class JsonDecoder {
  private readonly records: PathKey[] | null;
  private readonly timestamp: { keys: PathKey[]; path: string; format: TimestampFormat; required: boolean } | null;
  private readonly quality: { keys: PathKey[]; path: string } | null;
  private readonly fields: CompiledField[];
  private readonly named: (NonNullable<JsonMapping["namedValues"]> & { nameKeys: PathKey[]; valueKeys: PathKey[] }) | null;
  /** topic → registry answer per fixed field: the registry is pure, and topics repeat. */
  private readonly refs = new Map<string, Array<SignalRef | undefined>>();

  constructor(
    mapping: JsonMapping,
    private readonly registry: Registry,
    private readonly source: string,
    private readonly sourceType = "mqtt",
  ) {
    this.records = mapping.records !== undefined ? parsePath(mapping.records) : null;
    this.timestamp = mapping.timestamp ? { ...mapping.timestamp, keys: parsePath(mapping.timestamp.path) } : null;
    this.quality = mapping.quality ? { path: mapping.quality.path, keys: parsePath(mapping.quality.path) } : null;
    this.fields = mapping.fields.map((f) => ({
      path: f.path,
      keys: parsePath(f.path),
      type: f.type,
      signal: f.signal ?? f.path,
      kind: f.kind ?? KIND_OF_TYPE[f.type],
      unit: f.unit,
      optional: f.optional,
    }));
    this.named = mapping.namedValues
      ? { ...mapping.namedValues, nameKeys: parsePath(mapping.namedValues.name), valueKeys: parsePath(mapping.namedValues.value) }
      : null;
  }

  /**
   * Decode one message. With `only` (a dead letter's origin: `topic` or `topic#address`), emit and report
   * only that address — a replay must not duplicate dead letters of the message's other addresses.
   */
  decode(topic: string, payload: Uint8Array, receivedAt: number, only?: string): DecodeResult {
    const points: Point[] = [];
    const failures = new Map<string, Failure>();
    const fail = (address: string, reason: string, detail: string) => {
      const key = `${reason}\u0000${address}`;
      const f = failures.get(key);
      if (f) f.details.push(detail);
      else failures.set(key, { address, reason, details: [detail] });
    };
    const onlyAddress = only !== undefined && only.includes("#") ? only : undefined;

    let root: unknown;
    try {
      root = JSON.parse(utf8.decode(payload));
    } catch (err) {
      fail(topic, "malformed_json", (err as Error).message);
      return { points, deadLetters: this.letters(failures, payload) };
    }
    let records: unknown[];
    if (this.records) {
      const r = getPath(root, this.records);
      if (r === MISSING) fail(topic, "missing_path", `records path ${pathText(this.records)} not found`);
      else if (!Array.isArray(r)) fail(topic, "wrong_type", `records path ${pathText(this.records)} is not an array`);
      records = Array.isArray(r) ? r : [];
    } else records = Array.isArray(root) ? root : [root];

    const refs = this.fixedRefs(topic);
    for (let r = 0; r < records.length; r++) {
      const record = records[r];
      const at = records.length > 1 ? `record ${r}: ` : "";
      // Record-level problems (timestamp, quality) fail each of the record's values, per address.
      let time = receivedAt;
      let recordProblem: { reason: string; detail: string } | null = null;
      if (this.timestamp) {
        const raw = getPath(record, this.timestamp.keys);
        if (raw === MISSING) {
          if (this.timestamp.required) recordProblem = { reason: "bad_timestamp", detail: `${at}timestamp ${this.timestamp.path} missing` };
        } else {
          const parsed = parseTimestamp(raw, this.timestamp.format);
          if (typeof parsed === "string") recordProblem = { reason: "bad_timestamp", detail: `${at}timestamp ${this.timestamp.path}: ${parsed}` };
          else time = parsed;
        }
      }
      let quality: Quality = "good";
      let status: number | undefined;
      if (this.quality && !recordProblem) {
        const raw = getPath(record, this.quality.keys);
        if (raw !== MISSING) {
          const q = parseQuality(raw);
          if (typeof q === "string") recordProblem = { reason: "wrong_type", detail: `${at}quality ${this.quality.path}: ${q}` };
          else ({ quality, status } = q);
        }
      }

      const emit = (address: string, ref: SignalRef | undefined, raw: unknown, type: ValueType, label: string) => {
        if (!ref) return fail(address, "unregistered", `${at}${address} is not in the registry`);
        if (recordProblem) return fail(address, recordProblem.reason, recordProblem.detail);
        if (raw === null) {
          points.push(signalPoint(ref, null, time, quality === "stale" ? "stale" : "bad", status));
          return;
        }
        const typed = readTyped(raw, type);
        if (typeof typed === "object" && typed !== null && "error" in typed) return fail(address, "wrong_type", `${at}${label}: ${typed.error}`);
        const value = toKind(typed as FieldValue, ref.kind);
        if (typeof value === "object" && value !== null && "error" in value) return fail(address, "wrong_type", `${at}${label}: ${value.error}`);
        points.push(signalPoint(ref, value as FieldValue, time, quality, status));
      };

      for (let i = 0; i < this.fields.length; i++) {
        const f = this.fields[i];
        const address = `${topic}#${f.path}`;
        if (onlyAddress && address !== onlyAddress) continue;
        const raw = getPath(record, f.keys);
        if (raw === MISSING) {
          if (!f.optional) fail(address, "missing_path", `${at}${f.path} missing`);
          continue;
        }
        emit(address, refs[i], raw, f.type, f.path);
      }

      if (this.named) {
        const n = this.named;
        const name = getPath(record, n.nameKeys);
        if (name === MISSING || name === null || (typeof name !== "string" && typeof name !== "number") || name === "") {
          const address = `${topic}#${n.name}`;
          if (!onlyAddress || onlyAddress === address)
            fail(address, name === MISSING ? "missing_path" : "wrong_type", `${at}name ${n.name} ${name === MISSING ? "missing" : "is not a non-empty string"}`);
          continue;
        }
        const signal = String(name);
        const address = `${topic}#${signal}`;
        if (onlyAddress && address !== onlyAddress) continue;
        const raw = getPath(record, n.valueKeys);
        if (raw === MISSING) {
          fail(address, "missing_path", `${at}${n.value} missing for ${signal}`);
          continue;
        }
        const ref = this.registry.resolve(this.sourceType, address, {
          kind: n.kind ?? KIND_OF_TYPE[n.type],
          unit: n.unit,
          parts: { topic, path: signal, signal },
        });
        emit(address, ref, raw, n.type, signal);
      }
    }
    return { points, deadLetters: this.letters(failures, payload) };
  }

  private fixedRefs(topic: string): Array<SignalRef | undefined> {
    let refs = this.refs.get(topic);
    if (refs) return refs;
    refs = this.fields.map((f) =>
      this.registry.resolve(this.sourceType, `${topic}#${f.path}`, { kind: f.kind, unit: f.unit, parts: { topic, path: f.path, signal: f.signal } }),
    );
    if (this.refs.size >= REF_CACHE_LIMIT) this.refs.clear();
    this.refs.set(topic, refs);
    return refs;
  }

  private letters(failures: Map<string, Failure>, payload: Uint8Array): DeadLetterEntry[] {
    const out: DeadLetterEntry[] = [];
    for (const f of failures.values()) {
      const shown = f.details.slice(0, 10).join("; ");
      out.push({
        source: this.source,
        reason: f.reason,
        detail: f.details.length > 10 ? `${shown}; … ${f.details.length - 10} more` : shown,
        origin: f.address,
        raw: payload,
      });
    }
    return out;
  }
}

function pathText(keys: PathKey[]): string {
  return keys.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("").replace(/^\./, "") || "$";
}

type Typed = number | bigint | boolean | string | { error: string };

/** Read a JSON value as the mapping's declared type. */
export function readTyped(v: unknown, type: ValueType): Typed {
  switch (type) {
    case "float":
      if (typeof v === "number") return v;
      if (typeof v === "string" && /^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
      return { error: `expected a number, got ${describe(v)}` };
    case "int":
      if (typeof v === "number") {
        if (!Number.isInteger(v)) return { error: `expected an integer, got ${v}` };
        if (!Number.isSafeInteger(v)) return { error: `${v} is beyond 2^53 as a JSON number: send it as a string` };
        return BigInt(v);
      }
      if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) return BigInt(v.trim());
      return { error: `expected an integer, got ${describe(v)}` };
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === 0 || v === 1) return v === 1;
      if (v === "true" || v === "false") return v === "true";
      return { error: `expected a boolean, got ${describe(v)}` };
    case "string":
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      return { error: `expected a string, got ${describe(v)}` };
  }
}

/** Convert to the field type of the signal's kind (the registry decides the measurement and its type). */
export function toKind(v: FieldValue, kind: SignalKind): FieldValue | { error: string } {
  switch (kind) {
    case "gauge":
      if (typeof v === "number") return v;
      if (typeof v === "bigint") return Number(v);
      return { error: `a gauge needs a number, got ${typeof v}` };
    case "counter":
    case "state":
      if (typeof v === "bigint") return v;
      if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
      return { error: `a ${kind} needs an integer, got ${typeof v === "number" ? v : typeof v}` };
    case "flag":
      if (typeof v === "boolean") return v;
      if (v === 0 || v === 1 || v === 0n || v === 1n) return v === 1 || v === 1n;
      return { error: `a flag needs a boolean, got ${typeof v === "string" ? "a string" : String(v)}` };
    case "text":
      return typeof v === "string" ? v : String(v);
  }
}

/** Quality from a payload: boolean, a quality name, or an OPC UA StatusCode (severity in bits 30–31). */
export function parseQuality(v: unknown): { quality: Quality; status?: number } | string {
  if (typeof v === "boolean") return { quality: v ? "good" : "bad" };
  if (typeof v === "string") {
    const q = v.toLowerCase();
    if (q === "good" || q === "uncertain" || q === "bad" || q === "stale") return { quality: q };
    return `"${v.slice(0, 20)}" is not good/uncertain/bad/stale`;
  }
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
    const severity = v >>> 30;
    return { quality: severity === 0 ? "good" : severity === 1 ? "uncertain" : "bad", status: v };
  }
  return `expected a boolean, quality name or status code, got ${describe(v)}`;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `"${v.slice(0, 30)}"`;
  if (typeof v === "object") return "an object";
  return String(v);
}
