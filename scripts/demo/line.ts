// The demo's plant: 宁波甬江精工 (the enterprise user's company) owns the simulated 数字化车间 line — five
// machining cells served by the ingest's simulator over OPC UA and Sparkplug B — and an assembly line whose
// gateway is not installed yet (registered, silent). So its SME self-check meets the measured truth: 5 of 9
// registered machines networked. Everything here is idempotent (fixed ids; what exists is left alone).
import type { Kysely } from "kysely";
import { score, type Framework } from "../../assessments";
import type { Answers, AnswerValue } from "../../assessments/types";
import type { DB } from "../../app/db/schema";
import { createAssessment, getAssessment, saveAnswers } from "../../app/repos/assessments.server";
import { createLine, getEnterprise, getLine, saveMachine, saveSignal, setEnterprise } from "../../app/telemetry/lines.server";
import type { MachineInput, SignalInput } from "../../app/telemetry/registration.server";
import type { RegistryConfig } from "../../ingest/core/registry";
import { demoMachines } from "../../ingest/sources/simulator/presets";
import { simulatorRegistry } from "../../ingest/sources/simulator/registry";
import { parseLineSpec, type LineSpec } from "../../ingest/sources/simulator/spec";
import { answersAtLevel } from "../cli/demo-answers";

export const DEMO_ENTERPRISE_KEY = "ningbo-demo";
export const DEMO_LINE_ID = "demoline1";
export const DEMO_IDLE_LINE_ID = "demoline2";
export const DEMO_SME_DRAFT = (orgId: string) => `${orgId}sme3`;

/** The simulated line: what the ingest's simulator plays and the seed registers. */
export const DEMO_SIMULATION = { line: "line1", machines: 5, seed: 42, sampleIntervalS: 10 } as const;
/** Ingest source names (the line shows their connection state). */
export const DEMO_SOURCES = { simulator: "line1-sim", opcua: "line1-opcua", sparkplug: "line1-sparkplug" } as const;

const CELL_NAMES = ["数控车床", "立式加工中心", "外圆磨床", "清洗机", "在线检测站"];
const CALENDAR = { timeZone: "Asia/Shanghai", dayStart: "08:00", shifts: [{ id: "day", start: "08:00", end: "20:00" }, { id: "night", start: "20:00", end: "08:00" }] };

/** The simulated line's spec at an epoch (the machines are the simulator's demo preset at 10 s sampling). */
export function demoLineSpec(epoch = 0): LineSpec {
  return parseLineSpec({
    enterprise: DEMO_ENTERPRISE_KEY,
    line: DEMO_SIMULATION.line,
    seed: DEMO_SIMULATION.seed,
    epoch,
    sampleIntervalS: DEMO_SIMULATION.sampleIntervalS,
    machines: demoMachines(DEMO_SIMULATION.machines),
  });
}

const ROLES_OF_SIMULATED = { state: "State", good: "GoodCount", total: null, bad: "BadCount", energy: "Energy", heartbeat: "Energy" } as const;

async function registerMachine(db: Kysely<DB>, orgId: string, lineId: string, machine: MachineInput, signals: SignalInput[], actorId: string | null): Promise<void> {
  // Signals first (the roles refer to them), then the machine with its roles.
  const created = await saveMachine(db, orgId, lineId, null, { ...machine, roles: { state: null, good: null, total: null, bad: null, energy: null, heartbeat: null } }, actorId);
  if (!created.ok) throw new Error(`demo machine ${machine.machineKey}: ${created.reason}`);
  for (const s of signals) {
    const saved = await saveSignal(db, orgId, lineId, created.id, null, s, actorId);
    if (!saved.ok) throw new Error(`demo signal ${machine.machineKey}/${s.signalKey}: ${saved.reason}`);
  }
  const roled = await saveMachine(db, orgId, lineId, created.id, machine, actorId);
  if (!roled.ok) throw new Error(`demo machine ${machine.machineKey}: ${roled.reason}`);
}

/** Registers the demo plant for the organisation (telemetry id, both lines) when it is not there yet. */
export async function seedDemoTelemetry(db: Kysely<DB>, orgId: string, actorId: string | null): Promise<{ created: boolean }> {
  if (!(await getEnterprise(db, orgId))) {
    const set = await setEnterprise(db, orgId, { enterpriseKey: DEMO_ENTERPRISE_KEY, sparkplugGroup: DEMO_ENTERPRISE_KEY, topicRoot: `factory/${DEMO_ENTERPRISE_KEY}` }, actorId);
    if (!set.ok) throw new Error(`demo telemetry id taken (${set.taken})`);
  }
  let created = false;
  if (!(await getLine(db, orgId, DEMO_LINE_ID))) {
    const spec = demoLineSpec();
    const line = await createLine(
      db, orgId,
      { lineKey: DEMO_SIMULATION.line, name: "一号机加线（数字化车间）", calendar: CALENDAR, realtimeBucketS: 60, sources: Object.values(DEMO_SOURCES) },
      actorId, DEMO_LINE_ID,
    );
    if (!line.ok) throw new Error("demo line1 exists under another id");
    const registry = simulatorRegistry(spec).enterprises[0].lines[0];
    for (const [i, m] of spec.machines.entries()) {
      const entry = registry.machines.find((x) => x.id === m.id)!;
      const signals: SignalInput[] = entry.signals.map((s) => ({
        signalKey: s.id,
        kind: s.kind,
        unit: s.unit ?? null,
        addresses: Object.fromEntries(Object.entries(s.addresses ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
      }));
      await registerMachine(db, orgId, DEMO_LINE_ID, { machineKey: m.id, name: CELL_NAMES[i % CELL_NAMES.length], idealCycleTimeS: m.idealCycleTimeS, stateMapping: { preset: "opc40001" }, roles: { ...ROLES_OF_SIMULATED } }, signals, actorId);
    }
    created = true;
  }
  if (!(await getLine(db, orgId, DEMO_IDLE_LINE_ID))) {
    const line = await createLine(
      db, orgId,
      { lineKey: "line2", name: "二号装配线（网关待接入）", calendar: CALENDAR, realtimeBucketS: 60, sources: [] },
      actorId, DEMO_IDLE_LINE_ID,
    );
    if (!line.ok) throw new Error("demo line2 exists under another id");
    for (let i = 1; i <= 4; i++) {
      const key = `A${i}`;
      const signals: SignalInput[] = ["State", "GoodCount", "BadCount"].map((s) => ({
        signalKey: s,
        kind: s === "State" ? "state" : "counter",
        unit: s === "State" ? null : "parts",
        addresses: { sparkplug: [`${DEMO_ENTERPRISE_KEY}/line2/${key}/${s}`] },
      }));
      await registerMachine(db, orgId, DEMO_IDLE_LINE_ID, { machineKey: key, name: `装配工位 ${i}`, idealCycleTimeS: 60, stateMapping: { preset: "opc40001" }, roles: { state: "State", good: "GoodCount", total: null, bad: "BadCount", energy: null, heartbeat: null } }, signals, actorId);
    }
    created = true;
  }
  return { created };
}

/**
 * The enterprise's 2025 SME self-check, complete and not yet submitted: it claims 65% of its equipment
 * networked (the 60–100% band), level 3 in 设备管理 (real-time collection and OEE statistics) and automatic
 * collection in the production links — claims the measurements can speak to.
 */
export async function seedDemoSmeDraft(db: Kysely<DB>, orgId: string, sme: Framework, actorId: string): Promise<boolean> {
  const id = DEMO_SME_DRAFT(orgId);
  if (await getAssessment(db, id)) return false;
  const { answers } = answersAtLevel(sme, 2, 2025);
  const claims: Answers = {
    ...answers,
    "equipment-networked-rate": { type: "percentage", value: 65 },
    "scene-equipment": { type: "sceneLevel", value: 3 },
    "data-collection": { type: "multi", value: ["production-control", "quality", "equipment", "energy"] },
  };
  // The claims must be valid answers of the framework: score() would report them otherwise.
  if (score(sme, claims, { industryType: "discrete" }).completeness.answered !== sme.questions.length) throw new Error("demo SME draft is not complete");
  await createAssessment(db, { organizationId: orgId, frameworkId: sme.id, frameworkVersion: sme.version, industryType: "discrete", actorId }, id);
  const assessment = (await getAssessment(db, id))!;
  await saveAnswers(db, assessment, Object.entries(claims).map(([questionId, value]) => ({ questionId, value: value as AnswerValue })), actorId);
  return true;
}

export interface DemoIngestOptions {
  /** The ingest's data folder (spool, embedded telemetry store). */
  dataDir: string;
  httpPort: number;
  opcuaPort: number;
  brokerPort: number;
  /** History to backfill at start, e.g. "7d". */
  history: string;
  /** The registry section: exported from the web app's registration of the demo enterprise. */
  registry: RegistryConfig;
}

/**
 * The demo ingest's configuration: the simulator (OPC UA server + Sparkplug edge on an embedded broker, the
 * history written first), the opcua and sparkplug sources reading it like a plant, the embedded store.
 */
export function demoIngestConfig(o: DemoIngestOptions): Record<string, unknown> {
  const spec = demoLineSpec();
  const opcuaNodes = o.registry.enterprises.flatMap((e) =>
    e.lines.filter((l) => l.id === DEMO_SIMULATION.line).flatMap((l) => l.machines.flatMap((m) => m.signals.flatMap((s) => {
      const a = s.addresses?.opcua;
      return a === undefined ? [] : Array.isArray(a) ? a : [a];
    }))),
  );
  return {
    dataDir: o.dataDir,
    http: { host: "127.0.0.1", port: o.httpPort },
    log: { level: "warn" },
    // The demo's history is regenerated at every start: normal sync is plenty and writes it much faster.
    spool: { sync: "normal" },
    sources: [
      {
        type: "simulator",
        name: DEMO_SOURCES.simulator,
        line: { enterprise: DEMO_ENTERPRISE_KEY, line: DEMO_SIMULATION.line, sampleIntervalS: DEMO_SIMULATION.sampleIntervalS, machines: demoMachines(DEMO_SIMULATION.machines) },
        seed: spec.seed,
        history: o.history,
        opcua: { port: o.opcuaPort, securityModes: ["None"] },
        sparkplug: { port: o.brokerPort, primaryHostId: "zhiping-demo" },
      },
      {
        type: "opcua",
        name: DEMO_SOURCES.opcua,
        endpoint: `opc.tcp://127.0.0.1:${o.opcuaPort}`,
        subscription: { publishingIntervalMs: 500 },
        monitoring: { samplingIntervalMs: 0, queueSize: 20 },
        nodes: opcuaNodes,
      },
      {
        type: "sparkplug",
        name: DEMO_SOURCES.sparkplug,
        url: `mqtt://127.0.0.1:${o.brokerPort}`,
        protocolVersion: 4,
        clientId: "zhiping-demo-host",
        hostId: "zhiping-demo",
        groups: [DEMO_ENTERPRISE_KEY],
      },
    ],
    sinks: [{ type: "embedded", sync: "normal", flushInterval: "500ms" }],
    registry: o.registry,
  };
}
