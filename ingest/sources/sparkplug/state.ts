// What a Sparkplug B 3.0 host application knows about each edge node, and what it does with each message —
// without any I/O, so every rule is unit-tested: BIRTH alias tables (name, alias, datatype), `seq` 0 at NBIRTH
// and +1 (mod 256) per message, a reorder window for messages that arrive out of order, a Rebirth request
// when a gap is not filled in time or DATA arrives before any BIRTH (never guess an alias), STALE for every
// metric of a node on its NDEATH (with the matching bdSeq) and for a device's on DDEATH.
import { signalPoint } from "../../core/point";
import type { Ack, DeadLetterEntry, Point, Registry, SignalRef } from "../../core/types";
import { DataType, encodePayload, kindHint, readValue, toFieldValue, type DecodedMetric, type DecodedPayload } from "./codec";
import type { ParsedTopic } from "./topic";

export interface MetricDef {
  name: string;
  alias?: bigint;
  datatype: number;
  /** undefined: not looked up yet; null: not in the registry. */
  ref?: SignalRef | null;
}

/** A BIRTH's metric definitions, found by alias (DATA) or name. */
export class AliasTable {
  private readonly byAlias = new Map<bigint, MetricDef>();
  private readonly byName = new Map<string, MetricDef>();

  define(def: MetricDef): void {
    this.byName.set(def.name, def);
    if (def.alias !== undefined) this.byAlias.set(def.alias, def);
  }

  find(m: DecodedMetric): MetricDef | undefined {
    if (m.alias !== undefined) {
      const def = this.byAlias.get(m.alias);
      if (def) return def;
    }
    return m.name !== undefined ? this.byName.get(m.name) : undefined;
  }

  all(): MetricDef[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }
}

type Message = Extract<ParsedTopic, { kind: "message" }>;

export interface Inbound {
  topic: string;
  parsed: Message;
  payload: DecodedPayload;
  raw: Uint8Array;
  receivedAt: number;
  /** The MQTT acknowledgement, called by the pipeline once this message's points are durable. */
  ack?: Ack;
}

/** The result of one message: its points and dead letters, to be emitted with its acknowledgement. */
export interface Handled {
  points: Point[];
  deadLetters: DeadLetterEntry[];
  ack?: Ack;
}

export interface Outcome {
  handled: Handled[];
  /** Edge nodes to send `Node Control/Rebirth = true` (already rate-limited). */
  rebirth: Array<{ group: string; edge: string }>;
}

interface DeviceState {
  table: AliasTable;
  online: boolean;
}

interface NodeState {
  group: string;
  edge: string;
  online: boolean;
  bdSeq?: bigint;
  /** Last sequence number processed. */
  seq: number;
  table: AliasTable;
  devices: Map<string, DeviceState>;
  /** Messages that arrived ahead of a gap, by seq, waiting for the reorder timeout. */
  pending: Map<number, Inbound>;
  deadline?: number;
  lastRebirthAt?: number;
  births: number;
}

export interface HostStats {
  messages: number;
  points: number;
  deadLetters: number;
  /** Gaps in `seq` not filled within the reorder timeout. */
  gaps: number;
  /** Messages processed after waiting for the ones before them. */
  reordered: number;
  rebirthRequests: number;
  /** Rebirth requests not sent because one went out less than rebirthMinIntervalMs before. */
  rebirthSuppressed: number;
  /** DATA/DBIRTH/DDEATH from a node (or device) whose BIRTH we have not seen. */
  beforeBirth: number;
  /** NDEATHs whose bdSeq did not match the node's NBIRTH (a will from an older session): ignored. */
  staleDeaths: number;
}

export interface NodeStatus {
  group: string;
  edge: string;
  online: boolean;
  bdSeq?: string;
  seq: number;
  births: number;
  devices: Array<{ id: string; online: boolean; metrics: number }>;
  metrics: number;
}

/** Metrics that describe the session, not the machine. */
const INTERNAL = /^(bdSeq$|Node Control\/|Device Control\/|Properties\/)/;

export interface HostOptions {
  source: string;
  registry: Registry;
  reorderTimeoutMs: number;
  rebirthMinIntervalMs: number;
}

export class HostState {
  private readonly nodes = new Map<string, NodeState>();
  readonly stats: HostStats = {
    messages: 0,
    points: 0,
    deadLetters: 0,
    gaps: 0,
    reordered: 0,
    rebirthRequests: 0,
    rebirthSuppressed: 0,
    beforeBirth: 0,
    staleDeaths: 0,
  };

  constructor(private readonly options: HostOptions) {}

  receive(msg: Inbound, now: number): Outcome {
    this.stats.messages++;
    const out: Outcome = { handled: [], rebirth: [] };
    const { type, group, edge } = msg.parsed;
    const key = `${group}/${edge}`;
    let node = this.nodes.get(key);
    if (type === "NBIRTH") {
      if (node) this.flushPending(node, out, false);
      this.birth(key, msg, out);
      return out;
    }
    if (type === "NDEATH") {
      if (node) this.flushPending(node, out, false);
      this.death(node, msg, out);
      return out;
    }
    if (type === "NCMD" || type === "DCMD") {
      out.handled.push({ points: [], deadLetters: [], ack: msg.ack });
      return out;
    }
    if (!node || !node.online) {
      if (!node) this.nodes.set(key, (node = this.emptyNode(group, edge)));
      this.stats.beforeBirth++;
      out.handled.push(this.reject(msg, "before_birth", `${type} from ${key} before its NBIRTH: asking for a rebirth`));
      this.requestRebirth(node, now, out);
      return out;
    }
    const seq = msg.payload.seq;
    if (seq === undefined) {
      // 3.0 requires seq on every message but NDEATH; without one there is no order to keep.
      this.process(node, msg, out, now);
      return out;
    }
    const expected = (node.seq + 1) % 256;
    if (seq === expected) {
      this.process(node, msg, out, now);
      node.seq = seq;
      this.drain(node, out, now);
      return out;
    }
    const behind = (expected - seq + 256) % 256;
    if (behind > 0 && behind < 128) {
      // Older than what we processed (a late message after we gave up on it): its data is still valid.
      this.process(node, msg, out, now);
      return out;
    }
    node.pending.set(seq, msg);
    if (node.deadline === undefined) node.deadline = now + this.options.reorderTimeoutMs;
    return out;
  }

  /** Gaps whose reorder timeout has passed: process what came after them, and ask for a rebirth. */
  expire(now: number): Outcome {
    const out: Outcome = { handled: [], rebirth: [] };
    for (const node of this.nodes.values()) {
      if (node.deadline === undefined || node.deadline > now) continue;
      this.stats.gaps++;
      this.flushPending(node, out, true);
      this.requestRebirth(node, now, out);
    }
    return out;
  }

  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const node of this.nodes.values()) if (node.deadline !== undefined && (next === undefined || node.deadline < next)) next = node.deadline;
    return next;
  }

  status(): NodeStatus[] {
    return [...this.nodes.values()].map((n) => ({
      group: n.group,
      edge: n.edge,
      online: n.online,
      bdSeq: n.bdSeq?.toString(),
      seq: n.seq,
      births: n.births,
      metrics: n.table.size,
      devices: [...n.devices.entries()].map(([id, d]) => ({ id, online: d.online, metrics: d.table.size })),
    }));
  }

  // ------------------------------------------------------------ message types

  private emptyNode(group: string, edge: string): NodeState {
    return { group, edge, online: false, seq: 0, table: new AliasTable(), devices: new Map(), pending: new Map(), births: 0 };
  }

  private birth(key: string, msg: Inbound, out: Outcome): void {
    const { group, edge } = msg.parsed;
    const previous = this.nodes.get(key);
    const node = this.emptyNode(group, edge);
    node.lastRebirthAt = previous?.lastRebirthAt;
    node.births = (previous?.births ?? 0) + 1;
    const handled: Handled = { points: [], deadLetters: [], ack: msg.ack };
    const table = this.defineTable(msg, handled);
    const bdSeq = msg.payload.metrics.find((m) => m.name === "bdSeq");
    if (bdSeq) {
      const v = readValue(bdSeq, bdSeq.datatype ?? DataType.Int64);
      if (v.ok && (typeof v.value === "bigint" || typeof v.value === "number")) node.bdSeq = BigInt(v.value);
    }
    node.table = table;
    node.online = true;
    node.seq = msg.payload.seq ?? 0;
    this.nodes.set(key, node);
    this.values(node, undefined, table, msg, handled);
    this.finish(handled, out);
  }

  private death(node: NodeState | undefined, msg: Inbound, out: Outcome): void {
    const handled: Handled = { points: [], deadLetters: [], ack: msg.ack };
    const bdSeqMetric = msg.payload.metrics.find((m) => m.name === "bdSeq");
    const read = bdSeqMetric ? readValue(bdSeqMetric, bdSeqMetric.datatype ?? DataType.Int64) : undefined;
    const bdSeq = read?.ok && read.value !== null && typeof read.value !== "boolean" && typeof read.value !== "string" ? BigInt(read.value) : undefined;
    if (!node || !node.online || (node.bdSeq !== undefined && bdSeq !== undefined && bdSeq !== node.bdSeq)) {
      // A will from an earlier session (its bdSeq is not the current NBIRTH's): the node is alive.
      this.stats.staleDeaths++;
      this.finish(handled, out);
      return;
    }
    node.online = false;
    node.pending.clear();
    node.deadline = undefined;
    this.stale(node.table, handled, msg.receivedAt, node, undefined);
    for (const [id, device] of node.devices) {
      if (device.online) this.stale(device.table, handled, msg.receivedAt, node, id);
      device.online = false;
    }
    this.finish(handled, out);
  }

  private process(node: NodeState, msg: Inbound, out: Outcome, now: number): void {
    const { type, device } = msg.parsed;
    const handled: Handled = { points: [], deadLetters: [], ack: msg.ack };
    if (type === "DBIRTH") {
      const table = this.defineTable(msg, handled);
      node.devices.set(device!, { table, online: true });
      this.values(node, device, table, msg, handled);
    } else if (type === "NDATA") {
      if (this.values(node, undefined, node.table, msg, handled) > 0) this.requestRebirth(node, now, out);
    } else if (type === "DDATA" || type === "DDEATH") {
      const state = node.devices.get(device!);
      if (!state || !state.online) {
        this.stats.beforeBirth++;
        out.handled.push(this.reject(msg, "before_birth", `${type} from ${node.group}/${node.edge}/${device} before its DBIRTH: asking for a rebirth`));
        this.requestRebirth(node, now, out);
        return;
      }
      if (type === "DDEATH") {
        state.online = false;
        this.stale(state.table, handled, msg.payload.timestamp ?? msg.receivedAt, node, device);
      } else if (this.values(node, device, state.table, msg, handled) > 0) this.requestRebirth(node, now, out);
    }
    this.finish(handled, out);
  }

  /** Processes the messages waiting for the next expected seq, in order. */
  private drain(node: NodeState, out: Outcome, now: number): void {
    for (;;) {
      const next = (node.seq + 1) % 256;
      const msg = node.pending.get(next);
      if (!msg) break;
      node.pending.delete(next);
      this.stats.reordered++;
      this.process(node, msg, out, now);
      node.seq = next;
    }
    if (node.pending.size === 0) node.deadline = undefined;
  }

  /** Processes everything waiting, in seq order from the one nearest ahead (a gap that will not fill). */
  private flushPending(node: NodeState, out: Outcome, gap: boolean): void {
    if (node.pending.size === 0) return;
    const ahead = (seq: number) => (seq - node.seq + 256) % 256;
    const waiting = [...node.pending.entries()].sort((a, b) => ahead(a[0]) - ahead(b[0]));
    node.pending.clear();
    node.deadline = undefined;
    for (const [seq, msg] of waiting) {
      this.process(node, msg, out, msg.receivedAt);
      node.seq = seq;
    }
    if (!gap) this.stats.reordered += waiting.length;
  }

  private requestRebirth(node: NodeState, now: number, out: Outcome): void {
    if (node.lastRebirthAt !== undefined && now - node.lastRebirthAt < this.options.rebirthMinIntervalMs) {
      this.stats.rebirthSuppressed++;
      return;
    }
    node.lastRebirthAt = now;
    this.stats.rebirthRequests++;
    out.rebirth.push({ group: node.group, edge: node.edge });
  }

  // ------------------------------------------------------------ metrics → points

  private defineTable(msg: Inbound, handled: Handled): AliasTable {
    const table = new AliasTable();
    for (const m of msg.payload.metrics) {
      if (m.name === undefined || m.datatype === undefined) {
        this.deadLetter(handled, msg, "malformed_birth", `a ${msg.parsed.type} metric without name or datatype (alias ${m.alias ?? "none"})`);
        continue;
      }
      table.define({ name: m.name, alias: m.alias, datatype: m.datatype });
    }
    return table;
  }

  /** Points for the metrics of a message; returns how many metrics the BIRTH did not declare. */
  private values(node: NodeState, device: string | undefined, table: AliasTable, msg: Inbound, handled: Handled): number {
    let unknown = 0;
    for (const m of msg.payload.metrics) {
      const def = table.find(m);
      if (!def) {
        unknown++;
        this.deadLetter(handled, msg, "unknown_metric", `${m.name ?? `alias ${m.alias}`} is not in the ${device ? "DBIRTH" : "NBIRTH"}: asking for a rebirth`);
        continue;
      }
      if (INTERNAL.test(def.name)) continue;
      const time = m.timestamp ?? msg.payload.timestamp ?? msg.receivedAt;
      const read = readValue(m, def.datatype);
      if (!read.ok) {
        this.deadLetter(handled, msg, read.reason, `${def.name}: ${read.detail}`);
        continue;
      }
      const ref = this.resolve(node, device, def);
      if (!ref) {
        this.deadLetter(handled, msg, "unregistered", `${this.address(node, device, def.name)} is not in the registry`, this.selfDescribing(def, m, read.value, msg));
        continue;
      }
      if (read.value === null) {
        handled.points.push(signalPoint(ref, null, time, "bad"));
        continue;
      }
      const value = toFieldValue(ref.kind, read.value, def.datatype);
      if (!value.ok) {
        this.deadLetter(handled, msg, value.reason, `${def.name}: ${value.detail}`, this.selfDescribing(def, m, read.value, msg));
        continue;
      }
      handled.points.push(signalPoint(ref, value.value, time, "good"));
    }
    return unknown;
  }

  private stale(table: AliasTable, handled: Handled, time: number, node: NodeState, device: string | undefined): void {
    for (const def of table.all()) {
      if (INTERNAL.test(def.name)) continue;
      const ref = this.resolve(node, device, def);
      if (ref) handled.points.push(signalPoint(ref, null, time, "stale"));
    }
  }

  private address(node: NodeState, device: string | undefined, metric: string): string {
    return device === undefined ? `${node.group}/${node.edge}/${metric}` : `${node.group}/${node.edge}/${device}/${metric}`;
  }

  private resolve(node: NodeState, device: string | undefined, def: MetricDef): SignalRef | undefined {
    if (def.ref === undefined) {
      const parts = { group: node.group, edge_node: node.edge, device, metric: def.name };
      def.ref = this.options.registry.resolve("sparkplug", this.address(node, device, def.name), { kind: kindHint(def.datatype), parts }) ?? null;
    }
    return def.ref ?? undefined;
  }

  /** A one-metric payload with name and datatype: a dead letter that a replay can decode without the BIRTH. */
  private selfDescribing(def: MetricDef, m: DecodedMetric, value: unknown, msg: Inbound): Uint8Array {
    return encodePayload({
      timestamp: msg.payload.timestamp,
      metrics: [{ name: def.name, datatype: def.datatype, timestamp: m.timestamp, value: value as never }],
    });
  }

  private reject(msg: Inbound, reason: string, detail: string): Handled {
    const handled: Handled = { points: [], deadLetters: [], ack: msg.ack };
    this.deadLetter(handled, msg, reason, detail, msg.raw);
    return handled;
  }

  private deadLetter(handled: Handled, msg: Inbound, reason: string, detail: string, raw: Uint8Array = msg.raw): void {
    this.stats.deadLetters++;
    handled.deadLetters.push({ source: this.options.source, reason, detail, origin: msg.topic, raw });
  }

  private finish(handled: Handled, out: Outcome): void {
    this.stats.points += handled.points.length;
    out.handled.push(handled);
  }
}
