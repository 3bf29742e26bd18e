// A line's KPI configuration: the plain object the web app stores or the ingest registry produces. Bad input
// is refused with every wrong path named; good input gets the defaults it relies on.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../ingest/core/config-errors";
import { simulatorRegistry } from "../../../ingest/sources/simulator/registry";
import { parseLineSpec } from "../../../ingest/sources/simulator/spec";
import { demoMachines } from "../../../ingest/sources/simulator/presets";
import { expectedSignals, lineKpiConfigFromRegistry, parseLineKpiConfig, stateMappingOf } from "../../../ingest/telemetry/config";

const machine = {
  id: "CNC-01",
  idealCycleTimeS: 42,
  state: { signal: "State" },
  parts: { kind: "goodAndBad", good: { signal: "GoodCount" }, bad: { signal: "BadCount" } },
};

function issuesOf(input: unknown): Array<[string, string]> {
  try {
    parseLineKpiConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map((i) => [i.path.join("."), i.message]);
  }
  throw new Error("expected a ConfigError");
}

describe("parseLineKpiConfig", () => {
  it("fills the defaults: MachineryItemState mapping, counter and gauge kinds, Shanghai calendar days, 60 s live buckets, 7 days look-back", () => {
    const c = parseLineKpiConfig({ enterprise: "e1", line: "L1", machines: [machine] });
    expect(c.calendar).toEqual({ timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [] });
    expect([c.realtimeBucketS, c.lookbackS]).toEqual([60, 7 * 86_400]);
    const m = c.machines[0];
    expect(m.state).toEqual({
      signal: "State",
      kind: "state",
      mapping: { classes: { 0: "planned", 1: "stopped", 2: "stopped", 3: "running" }, otherwise: "stopped", failureStates: [1], unknownCountsAsStopped: false },
    });
    expect(stateMappingOf(m)).toEqual({ classes: { 0: "planned", 1: "stopped", 2: "stopped", 3: "running" }, otherwise: "stopped", failureStates: [1], unknownCountsAsStopped: false });
    expect(m.parts).toEqual({ kind: "goodAndBad", good: { signal: "GoodCount", kind: "counter" }, bad: { signal: "BadCount", kind: "counter" } });
    expect(expectedSignals(m).map((s) => [s.signal, s.kind, s.role])).toEqual([
      ["State", "state", "state"],
      ["GoodCount", "counter", "parts"],
      ["BadCount", "counter", "bad"],
    ]);
  });

  it("takes a mapping of its own (a PackML-like state word) and a total/bad counter pair with a wrap", () => {
    const c = parseLineKpiConfig({
      enterprise: "e1",
      line: "L1",
      machines: [
        {
          ...machine,
          state: { signal: "PackML", mapping: { classes: { "6": "running", "11": "planned" }, failureStates: [9], unknownCountsAsStopped: true } },
          parts: { kind: "totalAndBad", total: { signal: "Total", rolloverAt: 65536 }, bad: { signal: "Scrap" } },
          energy: { signal: "kWh" },
          heartbeat: { signal: "Spindle" },
          expectedSignals: [{ signal: "Spindle" }, { signal: "Alarm", kind: "text" }],
        },
      ],
    });
    const m = c.machines[0];
    expect(stateMappingOf(m)).toEqual({ classes: { 6: "running", 11: "planned" }, otherwise: "stopped", failureStates: [9], unknownCountsAsStopped: true });
    expect(m.parts).toEqual({ kind: "totalAndBad", total: { signal: "Total", kind: "counter", rolloverAt: 65536 }, bad: { signal: "Scrap", kind: "counter" } });
    expect(m.energy).toEqual({ signal: "kWh", kind: "gauge", unit: "kWh", resolutionS: 60 });
    // Each signal once, whatever roles it plays.
    expect(expectedSignals(m).map((s) => `${s.signal}:${s.role}`)).toEqual(["PackML:state", "Total:parts", "Scrap:bad", "kWh:energy", "Spindle:other", "Alarm:other"]);
  });

  it("names every wrong key path at once", () => {
    expect(
      issuesOf({
        enterprise: "e1",
        line: "",
        calendar: { timeZone: "Asia/Shanghia" },
        realtimeBucketS: 0,
        machines: [
          { ...machine, idealCycleTimeS: -1 },
          { ...machine, parts: { kind: "goodAndBad", good: { signal: "G" } }, state: { signal: "S", kind: "text" } },
          { ...machine, speed: 3 },
        ],
      }),
    ).toEqual([
      ["line", "must not be empty"],
      ["calendar.timeZone", "must be an IANA time zone such as Asia/Shanghai"],
      ["realtimeBucketS", "Too small: expected number to be >=1"],
      ["machines.0.idealCycleTimeS", "Too small: expected number to be >0"],
      ["machines.1.state.kind", expect.stringMatching(/Invalid option/)],
      ["machines.1.parts.bad", expect.stringMatching(/expected object/)],
      ["machines.2.speed", "unknown key"],
    ]);
  });

  it("refuses a machine listed twice and energy meters in different units", () => {
    expect(
      issuesOf({
        enterprise: "e1",
        line: "L1",
        machines: [
          { ...machine, energy: { signal: "E", unit: "kWh" } },
          { ...machine, energy: { signal: "E", unit: "MJ" } },
        ],
      }),
    ).toEqual([
      ["machines", "energy meters use different units (kWh, MJ); use one per line"],
      ["machines.1.id", 'machine "CNC-01" is listed twice (also machines[0])'],
    ]);
  });

  it("refuses tag values the stores cannot hold", () => {
    expect(issuesOf({ enterprise: "e1", line: "L1", machines: [{ ...machine, id: "M1\\" }] })).toEqual([["machines.0.id", "ends with a backslash"]]);
  });
});

describe("lineKpiConfigFromRegistry", () => {
  const line = parseLineSpec({ enterprise: "ningbo-demo", line: "line1", seed: 1, epoch: 0, machines: demoMachines(2) });
  const registry = simulatorRegistry(line);

  it("builds a line's configuration from the ingest registry with roles by signal id", () => {
    const c = lineKpiConfigFromRegistry(registry, {
      enterprise: "ningbo-demo",
      line: "line1",
      roles: { state: "State", good: "GoodCount", bad: "BadCount", energy: "Energy", heartbeat: "SpindleSpeed" },
      idealCycleTimeS: { M1: 42, M2: 95 },
      notExpected: ["IdealCycleTime"],
    });
    expect(c.machines.map((m) => [m.id, m.idealCycleTimeS, m.energy?.signal, m.heartbeat?.signal])).toEqual([
      ["M1", 42, "Energy", "SpindleSpeed"],
      ["M2", 95, "Energy", "SpindleSpeed"],
    ]);
    expect(c.machines[0].expectedSignals.map((s) => `${s.signal}:${s.kind}`)).toEqual([
      "State:state", "GoodCount:counter", "BadCount:counter", "SpindleSpeed:gauge", "Temperature:gauge", "Energy:gauge",
    ]);
  });

  it("says which machine lacks which role and which cycle time is missing", () => {
    let error: ConfigError | undefined;
    try {
      lineKpiConfigFromRegistry(registry, { enterprise: "ningbo-demo", line: "line1", roles: { state: "Status", good: "GoodCount", bad: "BadCount" }, idealCycleTimeS: { M1: 42 } });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["machines.0.signals", 'machine "M1" has no signal "Status" (the state)'],
      ["machines.1.idealCycleTimeS", 'no ideal cycle time given for machine "M2"'],
      ["machines.1.signals", 'machine "M2" has no signal "Status" (the state)'],
    ]);
    expect(() => lineKpiConfigFromRegistry(registry, { enterprise: "ningbo-demo", line: "line9", roles: { state: "State", good: "GoodCount", bad: "BadCount" }, idealCycleTimeS: 1 })).toThrow(
      /no line "line9" of enterprise "ningbo-demo"/,
    );
  });
});
