// The registration of an organisation's plant in the database: its telemetry id, lines, machines and
// signals. Every query is scoped by the organisation, so an id of another tenant's line, machine or signal
// finds nothing (the route answers 404). Changes are recorded in the audit trail in the same transaction.
import { sql, type Kysely } from "kysely";
import { newId, nowIso } from "../db/ids.server";
import type { DB } from "../db/schema";
import { recordEvents, type TrailEvent } from "../repos/trail.server";
import {
  readStateMapping,
  stateMappingText,
  type EnterpriseInput,
  type LineInput,
  type MachineInput,
  type RegisteredLine,
  type RegisteredMachine,
  type SignalInput,
  type SignalRole,
} from "./registration.server";
import type { ImportedLine } from "./registry-yaml.server";
import { withTelemetry, type TelemetryDb, type TelemetryLineRow, type TelemetryMachineRow, type TelemetrySignalRow } from "./schema";

type TelemetryAction =
  | "telemetry.enterprise"
  | "line.create"
  | "line.update"
  | "line.remove"
  | "line.import"
  | "machine.save"
  | "machine.remove"
  | "signal.save"
  | "signal.remove";

/** The trail's action list belongs to the core app; these are the telemetry registration's own actions. */
function event(e: Omit<TrailEvent, "action"> & { action: TelemetryAction }): TrailEvent {
  return e as unknown as TrailEvent;
}

export interface EnterpriseRow extends EnterpriseInput {
  organizationId: string;
}

export async function getEnterprise(db: Kysely<DB>, organizationId: string): Promise<EnterpriseRow | null> {
  const row = await withTelemetry(db)
    .selectFrom("telemetryEnterprise")
    .select(["organizationId", "enterpriseKey", "sparkplugGroup", "topicRoot"])
    .where("organizationId", "=", organizationId)
    .executeTakeFirst();
  return row ?? null;
}

/** `a/b/c` → `a`, `a/b`, `a/b/c`: the roots whose `#` would cover this one. */
function rootsCovering(root: string): string[] {
  const levels = root.split("/");
  return levels.map((_, i) => levels.slice(0, i + 1).join("/"));
}

/**
 * Which of the enterprise's ids another organisation already uses (field name), or null when all are free.
 * Topic roots may not nest either: `factory/#` would hand one tenant's gateways another's `factory/b/#`.
 */
async function takenField(t: TelemetryDb, organizationId: string, input: EnterpriseInput): Promise<keyof EnterpriseInput | null> {
  // Roots below this one start with it and a "/"; LIKE's wildcards in it are escaped.
  const below = `${input.topicRoot.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  const rows = await t
    .selectFrom("telemetryEnterprise")
    .select(["enterpriseKey", "sparkplugGroup", "topicRoot"])
    .where("organizationId", "!=", organizationId)
    .where((eb) =>
      eb.or([
        eb("enterpriseKey", "=", input.enterpriseKey),
        eb("sparkplugGroup", "=", input.sparkplugGroup),
        eb("topicRoot", "in", rootsCovering(input.topicRoot)),
        eb("topicRoot", "like", sql<string>`${below} escape '\\'`),
      ]),
    )
    .execute();
  for (const r of rows) {
    if (r.enterpriseKey === input.enterpriseKey) return "enterpriseKey";
    if (r.sparkplugGroup === input.sparkplugGroup) return "sparkplugGroup";
  }
  return rows.length ? "topicRoot" : null;
}

/**
 * Sets the organisation's telemetry id. Refused (the field named) when another organisation has it: series
 * and topics of two tenants must never mix.
 */
export async function setEnterprise(db: Kysely<DB>, organizationId: string, input: EnterpriseInput, actorId: string | null): Promise<{ ok: true } | { ok: false; taken: keyof EnterpriseInput }> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const taken = await takenField(t, organizationId, input);
    if (taken) return { ok: false as const, taken };
    const before = await getEnterprise(trx, organizationId);
    const now = nowIso();
    if (before) await t.updateTable("telemetryEnterprise").set({ ...input, updatedAt: now }).where("organizationId", "=", organizationId).execute();
    else await t.insertInto("telemetryEnterprise").values({ organizationId, ...input, createdAt: now, updatedAt: now }).execute();
    await recordEvents(trx, [event({ organizationId, actorId, action: "telemetry.enterprise", subject: input.enterpriseKey, before: before ? { ...before, organizationId: undefined } : null, after: input })]);
    return { ok: true as const };
  });
}

// ---------------------------------------------------------------- reading

export interface StoredSignal extends SignalInput {
  id: string;
}
export interface StoredMachine extends RegisteredMachine {
  id: string;
  signals: StoredSignal[];
}
export interface StoredLine extends RegisteredLine {
  id: string;
  machines: StoredMachine[];
  updatedAt: string;
}

function signalOf(r: TelemetrySignalRow): StoredSignal {
  return { id: r.id, signalKey: r.signalKey, kind: r.kind as SignalInput["kind"], unit: r.unit, addresses: JSON.parse(r.addressesJson) };
}

function machineOf(r: TelemetryMachineRow, signals: StoredSignal[]): StoredMachine {
  return {
    id: r.id,
    machineKey: r.machineKey,
    name: r.name,
    idealCycleTimeS: r.idealCycleTimeS,
    stateMapping: readStateMapping(r.stateMapping),
    roles: {
      state: r.stateSignal,
      good: r.goodSignal,
      total: r.totalSignal,
      bad: r.badSignal,
      energy: r.energySignal,
      heartbeat: r.heartbeatSignal,
    },
    signals,
  };
}

function lineOf(r: TelemetryLineRow, machines: StoredMachine[]): StoredLine {
  return {
    id: r.id,
    lineKey: r.lineKey,
    name: r.name,
    calendar: JSON.parse(r.calendarJson),
    realtimeBucketS: r.realtimeBucketS,
    sources: JSON.parse(r.sourcesJson),
    machines,
    updatedAt: r.updatedAt,
  };
}

/** Every line of the organisation with its machines and signals (three queries, whatever the size). */
export async function listLines(db: Kysely<DB>, organizationId: string, lineId?: string): Promise<StoredLine[]> {
  const t = withTelemetry(db);
  let lines = t.selectFrom("telemetryLine").selectAll().where("organizationId", "=", organizationId);
  if (lineId !== undefined) lines = lines.where("id", "=", lineId);
  const lineRows = await lines.orderBy("lineKey").execute();
  if (lineRows.length === 0) return [];
  const ids = lineRows.map((l) => l.id);
  const machineRows = await t
    .selectFrom("telemetryMachine")
    .selectAll()
    .where("organizationId", "=", organizationId)
    .where("lineId", "in", ids)
    .orderBy("sortOrder")
    .orderBy("machineKey")
    .execute();
  const signalRows = machineRows.length
    ? await t
        .selectFrom("telemetrySignal")
        .selectAll()
        .where("organizationId", "=", organizationId)
        .where("machineId", "in", machineRows.map((m) => m.id))
        .orderBy("sortOrder")
        .orderBy("signalKey")
        .execute()
    : [];
  const signalsBy = new Map<string, StoredSignal[]>();
  for (const s of signalRows) (signalsBy.get(s.machineId) ?? signalsBy.set(s.machineId, []).get(s.machineId)!).push(signalOf(s));
  const machinesBy = new Map<string, StoredMachine[]>();
  for (const m of machineRows) (machinesBy.get(m.lineId) ?? machinesBy.set(m.lineId, []).get(m.lineId)!).push(machineOf(m, signalsBy.get(m.id) ?? []));
  return lineRows.map((l) => lineOf(l, machinesBy.get(l.id) ?? []));
}

/** One line of the organisation, or null (also for another tenant's line id). */
export async function getLine(db: Kysely<DB>, organizationId: string, lineId: string): Promise<StoredLine | null> {
  return (await listLines(db, organizationId, lineId))[0] ?? null;
}

// ---------------------------------------------------------------- writing

export async function createLine(db: Kysely<DB>, organizationId: string, input: LineInput, actorId: string | null, id = newId()): Promise<{ ok: true; id: string } | { ok: false; taken: true }> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const exists = await t.selectFrom("telemetryLine").select("id").where("organizationId", "=", organizationId).where("lineKey", "=", input.lineKey).executeTakeFirst();
    if (exists) return { ok: false as const, taken: true as const };
    const now = nowIso();
    await t
      .insertInto("telemetryLine")
      .values({
        id, organizationId, lineKey: input.lineKey, name: input.name, calendarJson: JSON.stringify(input.calendar),
        realtimeBucketS: input.realtimeBucketS, sourcesJson: JSON.stringify(input.sources), createdAt: now, updatedAt: now,
      })
      .execute();
    await recordEvents(trx, [event({ organizationId, actorId, action: "line.create", subject: input.lineKey, after: input })]);
    return { ok: true as const, id };
  });
}

/** Changes a line's settings; its key stays (points already stored carry it). False when not found. */
export async function updateLine(db: Kysely<DB>, organizationId: string, lineId: string, input: Omit<LineInput, "lineKey">, actorId: string | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const before = await t.selectFrom("telemetryLine").selectAll().where("id", "=", lineId).where("organizationId", "=", organizationId).executeTakeFirst();
    if (!before) return false;
    await t
      .updateTable("telemetryLine")
      .set({ name: input.name, calendarJson: JSON.stringify(input.calendar), realtimeBucketS: input.realtimeBucketS, sourcesJson: JSON.stringify(input.sources), updatedAt: nowIso() })
      .where("id", "=", lineId)
      .execute();
    await recordEvents(trx, [
      event({ organizationId, actorId, action: "line.update", subject: before.lineKey, before: { name: before.name, calendar: JSON.parse(before.calendarJson), realtimeBucketS: before.realtimeBucketS, sources: JSON.parse(before.sourcesJson) }, after: input }),
    ]);
    return true;
  });
}

async function touchLine(t: TelemetryDb, lineId: string): Promise<void> {
  await t.updateTable("telemetryLine").set({ updatedAt: nowIso() }).where("id", "=", lineId).execute();
}

export async function removeLine(db: Kysely<DB>, organizationId: string, lineId: string, actorId: string | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const row = await t.selectFrom("telemetryLine").select(["lineKey"]).where("id", "=", lineId).where("organizationId", "=", organizationId).executeTakeFirst();
    if (!row) return false;
    // Signals and machines go with the line (ON DELETE CASCADE); stated here too so no dialect setting matters.
    const machineIds = (await t.selectFrom("telemetryMachine").select("id").where("lineId", "=", lineId).execute()).map((m) => m.id);
    if (machineIds.length) await t.deleteFrom("telemetrySignal").where("machineId", "in", machineIds).execute();
    await t.deleteFrom("telemetryMachine").where("lineId", "=", lineId).execute();
    await t.deleteFrom("telemetryLine").where("id", "=", lineId).execute();
    await recordEvents(trx, [event({ organizationId, actorId, action: "line.remove", subject: row.lineKey })]);
    return true;
  });
}

function machineColumns(input: MachineInput) {
  return {
    machineKey: input.machineKey,
    name: input.name,
    idealCycleTimeS: input.idealCycleTimeS,
    stateMapping: stateMappingText(input.stateMapping),
    stateSignal: input.roles.state,
    goodSignal: input.roles.good,
    totalSignal: input.roles.total,
    badSignal: input.roles.bad,
    energySignal: input.roles.energy,
    heartbeatSignal: input.roles.heartbeat,
  };
}

export type SaveOutcome = { ok: true; id: string } | { ok: false; reason: "notFound" | "taken" };

/** Adds (machineId null) or changes a machine of a line of the organisation. */
export async function saveMachine(db: Kysely<DB>, organizationId: string, lineId: string, machineId: string | null, input: MachineInput, actorId: string | null): Promise<SaveOutcome> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const line = await t.selectFrom("telemetryLine").select(["id", "lineKey"]).where("id", "=", lineId).where("organizationId", "=", organizationId).executeTakeFirst();
    if (!line) return { ok: false as const, reason: "notFound" as const };
    const clash = await t.selectFrom("telemetryMachine").select("id").where("lineId", "=", lineId).where("machineKey", "=", input.machineKey).executeTakeFirst();
    if (clash && clash.id !== machineId) return { ok: false as const, reason: "taken" as const };
    const now = nowIso();
    let id = machineId;
    if (id === null) {
      id = newId();
      const count = await t.selectFrom("telemetryMachine").select((eb) => eb.fn.countAll<number>().as("n")).where("lineId", "=", lineId).executeTakeFirstOrThrow();
      await t.insertInto("telemetryMachine").values({ id, lineId, organizationId, sortOrder: Number(count.n), ...machineColumns(input), createdAt: now, updatedAt: now }).execute();
    } else {
      const updated = await t.updateTable("telemetryMachine").set({ ...machineColumns(input), updatedAt: now }).where("id", "=", id).where("lineId", "=", lineId).where("organizationId", "=", organizationId).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return { ok: false as const, reason: "notFound" as const };
    }
    await touchLine(t, lineId);
    await recordEvents(trx, [event({ organizationId, actorId, action: "machine.save", subject: `${line.lineKey}/${input.machineKey}`, after: input })]);
    return { ok: true as const, id };
  });
}

/** A machine of a line of the organisation with the keys that name it, or undefined. */
async function machineOfLine(t: TelemetryDb, organizationId: string, lineId: string, machineId: string) {
  return t
    .selectFrom("telemetryMachine")
    .innerJoin("telemetryLine", "telemetryLine.id", "telemetryMachine.lineId")
    .select(["telemetryMachine.id", "telemetryMachine.machineKey", "telemetryLine.lineKey"])
    .where("telemetryMachine.id", "=", machineId)
    .where("telemetryMachine.lineId", "=", lineId)
    .where("telemetryMachine.organizationId", "=", organizationId)
    .executeTakeFirst();
}

export async function removeMachine(db: Kysely<DB>, organizationId: string, lineId: string, machineId: string, actorId: string | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const row = await machineOfLine(t, organizationId, lineId, machineId);
    if (!row) return false;
    await t.deleteFrom("telemetrySignal").where("machineId", "=", machineId).execute();
    await t.deleteFrom("telemetryMachine").where("id", "=", machineId).execute();
    await touchLine(t, lineId);
    await recordEvents(trx, [event({ organizationId, actorId, action: "machine.remove", subject: `${row.lineKey}/${row.machineKey}` })]);
    return true;
  });
}

/**
 * Adds (signalId null) or changes a signal of a machine. A signal's key cannot change once stored (its
 * points carry it): a different key with a signalId is refused as not found.
 */
export async function saveSignal(db: Kysely<DB>, organizationId: string, lineId: string, machineId: string, signalId: string | null, input: SignalInput, actorId: string | null): Promise<SaveOutcome> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const machine = await machineOfLine(t, organizationId, lineId, machineId);
    if (!machine) return { ok: false as const, reason: "notFound" as const };
    const clash = await t.selectFrom("telemetrySignal").select("id").where("machineId", "=", machineId).where("signalKey", "=", input.signalKey).executeTakeFirst();
    if (clash && clash.id !== signalId) return { ok: false as const, reason: "taken" as const };
    let id = signalId;
    const values = { signalKey: input.signalKey, kind: input.kind, unit: input.unit, addressesJson: JSON.stringify(input.addresses) };
    if (id === null) {
      id = newId();
      const count = await t.selectFrom("telemetrySignal").select((eb) => eb.fn.countAll<number>().as("n")).where("machineId", "=", machineId).executeTakeFirstOrThrow();
      await t.insertInto("telemetrySignal").values({ id, machineId, organizationId, sortOrder: Number(count.n), ...values }).execute();
    } else {
      const updated = await t.updateTable("telemetrySignal").set(values).where("id", "=", id).where("machineId", "=", machineId).where("signalKey", "=", input.signalKey).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return { ok: false as const, reason: "notFound" as const };
    }
    await touchLine(t, lineId);
    await recordEvents(trx, [event({ organizationId, actorId, action: "signal.save", subject: `${machine.lineKey}/${machine.machineKey}/${input.signalKey}`, after: input })]);
    return { ok: true as const, id };
  });
}

const ROLE_COLUMNS: Record<SignalRole, "stateSignal" | "goodSignal" | "totalSignal" | "badSignal" | "energySignal" | "heartbeatSignal"> = {
  state: "stateSignal",
  good: "goodSignal",
  total: "totalSignal",
  bad: "badSignal",
  energy: "energySignal",
  heartbeat: "heartbeatSignal",
};

/** Removes a signal; a KPI role it played is cleared (the machine then says what it is missing). */
export async function removeSignal(db: Kysely<DB>, organizationId: string, lineId: string, machineId: string, signalId: string, actorId: string | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const machine = await machineOfLine(t, organizationId, lineId, machineId);
    if (!machine) return false;
    const signal = await t.selectFrom("telemetrySignal").select(["id", "signalKey"]).where("id", "=", signalId).where("machineId", "=", machineId).executeTakeFirst();
    if (!signal) return false;
    await t.deleteFrom("telemetrySignal").where("id", "=", signalId).execute();
    for (const column of Object.values(ROLE_COLUMNS)) {
      await t.updateTable("telemetryMachine").set({ [column]: null }).where("id", "=", machineId).where(column, "=", signal.signalKey).execute();
    }
    await touchLine(t, lineId);
    await recordEvents(trx, [event({ organizationId, actorId, action: "signal.remove", subject: `${machine.lineKey}/${machine.machineKey}/${signal.signalKey}` })]);
    return true;
  });
}

export interface ImportSummary {
  linesCreated: number;
  linesUpdated: number;
  machines: number;
  signals: number;
}

/**
 * Stores an imported registry: each imported line is created or has its machines and signals replaced by the
 * file's (what the file describes, it describes whole); lines the file does not name stay as they are. A
 * machine that was registered before keeps its ideal cycle time, state mapping and the roles whose signals
 * still exist — settings the ingest registry does not carry.
 */
export async function importLines(db: Kysely<DB>, organizationId: string, lines: readonly ImportedLine[], defaults: Omit<LineInput, "lineKey" | "name">, actorId: string | null): Promise<ImportSummary> {
  return db.transaction().execute(async (trx) => {
    const t = withTelemetry(trx);
    const summary: ImportSummary = { linesCreated: 0, linesUpdated: 0, machines: 0, signals: 0 };
    const now = nowIso();
    for (const line of lines) {
      let row = await t.selectFrom("telemetryLine").select(["id"]).where("organizationId", "=", organizationId).where("lineKey", "=", line.lineKey).executeTakeFirst();
      const previous = new Map<string, TelemetryMachineRow>();
      if (row) {
        summary.linesUpdated++;
        for (const m of await t.selectFrom("telemetryMachine").selectAll().where("lineId", "=", row.id).execute()) previous.set(m.machineKey, m);
        const ids = [...previous.values()].map((m) => m.id);
        if (ids.length) await t.deleteFrom("telemetrySignal").where("machineId", "in", ids).execute();
        await t.deleteFrom("telemetryMachine").where("lineId", "=", row.id).execute();
        await t.updateTable("telemetryLine").set({ name: line.name, updatedAt: now }).where("id", "=", row.id).execute();
      } else {
        summary.linesCreated++;
        row = { id: newId() };
        await t
          .insertInto("telemetryLine")
          .values({
            id: row.id, organizationId, lineKey: line.lineKey, name: line.name, calendarJson: JSON.stringify(defaults.calendar),
            realtimeBucketS: defaults.realtimeBucketS, sourcesJson: JSON.stringify(defaults.sources), createdAt: now, updatedAt: now,
          })
          .execute();
      }
      for (const [i, m] of line.machines.entries()) {
        const before = previous.get(m.machineKey);
        const keys = new Set(m.signals.map((s) => s.signalKey));
        const kept = (stored: string | null | undefined, guessed: string | null) => (stored && keys.has(stored) ? stored : guessed);
        const machineId = newId();
        await t
          .insertInto("telemetryMachine")
          .values({
            id: machineId, lineId: row.id, organizationId, machineKey: m.machineKey, name: m.name, sortOrder: i,
            idealCycleTimeS: before?.idealCycleTimeS ?? null,
            stateMapping: before?.stateMapping ?? "opc40001",
            stateSignal: kept(before?.stateSignal, m.roles.state),
            goodSignal: kept(before?.goodSignal, m.roles.good),
            totalSignal: before?.goodSignal && keys.has(before.goodSignal) ? null : kept(before?.totalSignal, m.roles.total),
            badSignal: kept(before?.badSignal, m.roles.bad),
            energySignal: kept(before?.energySignal, m.roles.energy),
            heartbeatSignal: kept(before?.heartbeatSignal, m.roles.heartbeat),
            createdAt: before?.createdAt ?? now, updatedAt: now,
          })
          .execute();
        summary.machines++;
        const rows = m.signals.map((s, j) => ({
          id: newId(), machineId, organizationId, signalKey: s.signalKey, kind: s.kind, unit: s.unit, sortOrder: j, addressesJson: JSON.stringify(s.addresses),
        }));
        for (let k = 0; k < rows.length; k += 100) await t.insertInto("telemetrySignal").values(rows.slice(k, k + 100)).execute();
        summary.signals += rows.length;
      }
    }
    await recordEvents(trx, [event({ organizationId, actorId, action: "line.import", subject: lines.map((l) => l.lineKey).join(", ").slice(0, 200), after: summary })]);
    return summary;
  });
}
