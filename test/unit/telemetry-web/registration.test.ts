// Registration of lines, machines and signals: what the forms accept, what they refuse (and the field they
// name), and the LineKpiConfig derived from a registered line.
import { describe, expect, it } from "vitest";
import {
  checkEnterprise,
  checkLine,
  checkMachine,
  checkSignal,
  lineKpiConfigFor,
  missingForKpis,
  parseAddresses,
  parseShifts,
  type RegisteredLine,
  type RegisteredMachine,
} from "~/telemetry/registration.server";

const lineForm = { lineKey: "line1", name: "一号机加线", shifts: "day 08:00-20:00, night 20:00-08:00", timeZone: "Asia/Shanghai", dayStart: "08:00", realtimeBucketS: "60", sources: "line1-opcua, line1-sparkplug" };
const fields = (r: { ok: boolean; problems?: Array<{ field: string; key: string }> }) => (r.ok ? [] : r.problems!.map((p) => `${p.field}:${p.key}`));

describe("the enterprise's telemetry id", () => {
  it("defaults the Sparkplug group to the id and the topic root to factory/<id>", () => {
    expect(checkEnterprise({ enterpriseKey: " ningbo-demo " })).toEqual({ ok: true, value: { enterpriseKey: "ningbo-demo", sparkplugGroup: "ningbo-demo", topicRoot: "factory/ningbo-demo" } });
    expect(checkEnterprise({ enterpriseKey: "acme", sparkplugGroup: "ACME_Plant", topicRoot: "plants/acme/" })).toEqual({ ok: true, value: { enterpriseKey: "acme", sparkplugGroup: "ACME_Plant", topicRoot: "plants/acme" } });
  });

  it("refuses ids and roots that are not whole, plain topic levels", () => {
    // "factory/a/b" would be a valid root; the id and the group (defaulting to it) are not.
    expect(fields(checkEnterprise({ enterpriseKey: "a/b" }))).toEqual(["enterpriseKey:tm.err.placeKey", "sparkplugGroup:tm.err.placeKey"]);
    expect(fields(checkEnterprise({ enterpriseKey: "a#" }))).toEqual(["enterpriseKey:tm.err.placeKey", "sparkplugGroup:tm.err.placeKey", "topicRoot:tm.err.topicRoot"]);
    expect(fields(checkEnterprise({ enterpriseKey: "acme", sparkplugGroup: "ac+me" }))).toEqual(["sparkplugGroup:tm.err.placeKey"]);
    for (const root of ["factory/#", "factory/+/x", "$SYS/acme", "spBv1.0/acme", "/factory", "a b", "a/b/c/d/e/f/g"]) {
      expect(fields(checkEnterprise({ enterpriseKey: "acme", topicRoot: root })), root).toEqual(["topicRoot:tm.err.topicRoot"]);
    }
  });
});

describe("line form", () => {
  it("reads shifts as written and pads the hours", () => {
    expect(parseShifts("day 8:00-20:00; night 20:00–08:00\nlate 23:00 - 1:30")).toEqual({
      shifts: [
        { id: "day", start: "08:00", end: "20:00" },
        { id: "night", start: "20:00", end: "08:00" },
        { id: "late", start: "23:00", end: "01:30" },
      ],
    });
    expect(parseShifts("")).toEqual({ shifts: [] });
    expect(parseShifts("day from eight")).toEqual({ error: "day from eight" });
  });

  it("accepts a valid line with its calendar, bucket and sources (each source once)", () => {
    const r = checkLine({ ...lineForm, sources: "line1-opcua line1-opcua,line1-sparkplug" });
    expect(r).toEqual({
      ok: true,
      value: {
        lineKey: "line1",
        name: "一号机加线",
        calendar: { timeZone: "Asia/Shanghai", dayStart: "08:00", shifts: [{ id: "day", start: "08:00", end: "20:00" }, { id: "night", start: "20:00", end: "08:00" }] },
        realtimeBucketS: 60,
        sources: ["line1-opcua", "line1-sparkplug"],
      },
    });
  });

  it("names every wrong field at once", () => {
    const r = checkLine({ lineKey: "line 1", name: "", shifts: "day 08:00-20:00, early 06:00-09:00", timeZone: "Asia/Ningbo", dayStart: "8am", realtimeBucketS: "0", sources: "ok, bad/name" });
    expect(fields(r)).toEqual(["lineKey:tm.err.placeKey", "name:tm.err.name", "timeZone:tm.err.timeZone", "dayStart:tm.err.clock", "shifts:tm.err.shiftRule", "realtimeBucketS:tm.err.bucket", "sources:tm.err.source"]);
  });

  it("catches overlapping shifts across midnight", () => {
    const r = checkLine({ ...lineForm, shifts: "night 20:00-08:00, early 06:00-14:00" });
    expect(fields(r)).toEqual(["shifts:tm.err.shiftRule"]);
  });
});

describe("signal form", () => {
  it("reads addresses per source type, one per line, each once", () => {
    expect(parseAddresses("opcua: nsu=urn:x;s=line1.M1.State\nsparkplug: g/line1/M1/State\n\nopcua: nsu=urn:x;s=line1.M1.State")).toEqual({
      addresses: { opcua: ["nsu=urn:x;s=line1.M1.State"], sparkplug: ["g/line1/M1/State"] },
    });
    expect(parseAddresses("modbus: 40001")).toEqual({ error: "modbus: 40001" });
    expect(parseAddresses("opcua ns=2;s=x")).toEqual({ error: "opcua ns=2;s=x" });
  });

  it("accepts Sparkplug metric paths as signal ids and refuses control characters, padding and unknown kinds", () => {
    expect(checkSignal({ signalKey: "Spindle/Speed", kind: "gauge", unit: "rpm", addresses: "" })).toEqual({ ok: true, value: { signalKey: "Spindle/Speed", kind: "gauge", unit: "rpm", addresses: {} } });
    expect(fields(checkSignal({ signalKey: "bad\nkey", kind: "gauge", unit: "", addresses: "" }))).toEqual(["signalKey:tm.err.signalKey"]);
    expect(fields(checkSignal({ signalKey: "x", kind: "float", unit: "x".repeat(33), addresses: "plc: 1" }))).toEqual(["kind:tm.err.kind", "unit:tm.err.unit", "addresses:tm.err.address"]);
  });
});

describe("machine form", () => {
  const signals = [
    { signalKey: "State", kind: "state" },
    { signalKey: "GoodCount", kind: "counter" },
    { signalKey: "Total", kind: "counter" },
    { signalKey: "BadCount", kind: "counter" },
    { signalKey: "Label", kind: "text" },
  ];
  const base = { machineKey: "M1", name: "", idealCycleTimeS: "42.5", stateMapping: "opc40001", customMapping: "", roles: { state: "State", good: "GoodCount", bad: "BadCount" } };

  it("accepts a machine; the name defaults to its id", () => {
    const r = checkMachine(base, signals);
    expect(r.ok && r.value).toEqual({
      machineKey: "M1", name: "M1", idealCycleTimeS: 42.5, stateMapping: { preset: "opc40001" },
      roles: { state: "State", good: "GoodCount", total: null, bad: "BadCount", energy: null, heartbeat: null },
    });
  });

  it("refuses roles played by missing signals or signals of an unfitting kind, and good and total together", () => {
    const r = checkMachine({ ...base, roles: { state: "Label", good: "GoodCount", total: "Total", bad: "Scrap" } }, signals);
    expect(fields(r)).toEqual(["role.state:tm.err.roleKind", "role.bad:tm.err.roleSignal", "role.total:tm.err.goodOrTotal"]);
  });

  it("reads a custom state mapping and says where it is wrong", () => {
    const ok = checkMachine({ ...base, stateMapping: "custom", customMapping: '{"classes":{"6":"running","2":"planned"},"failureStates":[9]}' }, signals);
    expect(ok.ok && ok.value.stateMapping).toEqual({ custom: { classes: { "6": "running", "2": "planned" }, otherwise: "stopped", failureStates: [9], unknownCountsAsStopped: false } });
    const bad = checkMachine({ ...base, stateMapping: "custom", customMapping: '{"classes":{"6":"busy"}}' }, signals);
    expect(bad.ok ? null : bad.problems).toEqual([{ field: "customMapping", key: "tm.err.mapping", params: { where: "classes.6", detail: expect.any(String) } }]);
    expect(fields(checkMachine({ ...base, stateMapping: "custom", customMapping: "{" }, signals))).toEqual(["customMapping:tm.err.mapping"]);
    expect(fields(checkMachine({ ...base, stateMapping: "packml" }, signals))).toEqual(["stateMapping:tm.err.mappingPreset"]);
  });

  it("takes an empty ideal cycle time as not set, and refuses a non-positive or non-numeric one", () => {
    const r = checkMachine({ ...base, idealCycleTimeS: "" }, signals);
    expect(r.ok && r.value.idealCycleTimeS).toBeNull();
    for (const v of ["0", "-3", "1e3", "abc", "86401"]) expect(fields(checkMachine({ ...base, idealCycleTimeS: v }, signals)), v).toEqual(["idealCycleTimeS:tm.err.cycleTime"]);
  });
});

describe("a registered line as the KPI service's configuration", () => {
  const sig = (signalKey: string, kind: "state" | "counter" | "gauge", unit: string | null = null) => ({ signalKey, kind, unit, addresses: {} });
  const machine = (key: string, over: Partial<RegisteredMachine> = {}): RegisteredMachine => ({
    machineKey: key,
    name: `${key} 车床`,
    idealCycleTimeS: 42,
    stateMapping: { preset: "opc40001" },
    roles: { state: "State", good: "GoodCount", total: null, bad: "BadCount", energy: "Energy", heartbeat: "Energy" },
    signals: [sig("State", "state"), sig("GoodCount", "counter"), sig("BadCount", "counter"), sig("Energy", "gauge", "kWh"), sig("Temperature", "gauge", "°C")],
    ...over,
  });
  const line = (machines: RegisteredMachine[]): RegisteredLine => ({
    lineKey: "line1",
    name: "一号线",
    calendar: { timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [{ id: "day", start: "08:00", end: "20:00" }] },
    realtimeBucketS: 30,
    sources: [],
    machines,
  });

  it("maps roles to the config and expects every registered signal; incomplete machines are left out and say why", () => {
    const m2 = machine("M2", { idealCycleTimeS: null, roles: { state: null, good: null, total: null, bad: null, energy: null, heartbeat: null } });
    expect(missingForKpis(m2)).toEqual(["idealCycleTime", "state", "parts", "bad"]);
    const { config, left, error } = lineKpiConfigFor("ningbo-demo", line([machine("M1"), m2]));
    expect(error).toBeNull();
    expect(left).toEqual([{ machine: "M2", missing: ["idealCycleTime", "state", "parts", "bad"] }]);
    expect(config!.enterprise).toBe("ningbo-demo");
    expect(config!.realtimeBucketS).toBe(30);
    expect(config!.calendar.shifts).toEqual([{ id: "day", start: "08:00", end: "20:00" }]);
    const [m1] = config!.machines;
    expect(m1.id).toBe("M1");
    expect(m1.idealCycleTimeS).toBe(42);
    expect(m1.state).toMatchObject({ signal: "State", kind: "state", mapping: { classes: { "0": "planned", "1": "stopped", "2": "stopped", "3": "running" }, failureStates: [1] } });
    expect(m1.parts).toEqual({ kind: "goodAndBad", good: { signal: "GoodCount", kind: "counter" }, bad: { signal: "BadCount", kind: "counter" } });
    // resolutionS is the KPI service's default for a meter read as its last reading per minute.
    expect(m1.energy).toEqual({ signal: "Energy", kind: "gauge", unit: "kWh", resolutionS: 60 });
    expect(m1.heartbeat).toEqual({ signal: "Energy", kind: "gauge" });
    expect(m1.expectedSignals.map((s) => s.signal)).toEqual(["State", "GoodCount", "BadCount", "Energy", "Temperature"]);
  });

  it("uses a total counter and the run-flag mapping when registered so", () => {
    const m = machine("P1", { stateMapping: { preset: "running-flag" }, roles: { state: "State", good: null, total: "GoodCount", bad: "BadCount", energy: null, heartbeat: null } });
    const { config } = lineKpiConfigFor("e", line([m]));
    expect(config!.machines[0].parts).toEqual({ kind: "totalAndBad", total: { signal: "GoodCount", kind: "counter" }, bad: { signal: "BadCount", kind: "counter" } });
    expect(config!.machines[0].state.mapping.classes).toEqual({ "0": "stopped", "1": "running" });
  });

  it("has no config without a machine set up, and reports what the KPI schema refuses", () => {
    expect(lineKpiConfigFor("e", line([])).config).toBeNull();
    const wh = machine("M2", { signals: [sig("State", "state"), sig("GoodCount", "counter"), sig("BadCount", "counter"), sig("Energy", "gauge", "Wh")] });
    const r = lineKpiConfigFor("e", line([machine("M1"), wh]));
    expect(r.config).toBeNull();
    expect(r.error).toContain("energy meters use different units (kWh, Wh)");
  });
});
