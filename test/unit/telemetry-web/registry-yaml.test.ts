// Importing an ingest configuration's registry (the ingest's own schema and parser, errors by key path) and
// exporting the registration as the `registry:` section an ingest.yaml takes.
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { ConfiguredRegistry, registrySchema } from "../../../ingest/core/registry";
import { simulatorRegistry } from "../../../ingest/sources/simulator/registry";
import { parseLineSpec } from "../../../ingest/sources/simulator/spec";
import { demoMachines } from "../../../ingest/sources/simulator/presets";
import { guessRoles, parseRegistryImport, registryConfigOf, registryYaml } from "~/telemetry/registry-yaml.server";
import type { RegisteredLine } from "~/telemetry/registration.server";

const ingestYaml = `
sources:
  - type: simulator
    line: { preset: demo, enterprise: ningbo-demo, line: line1, machines: 2 }
registry:
  enterprises:
    - id: ningbo-demo
      name: 宁波示例机械
      lines:
        - id: line1
          name: 一号线
          machines:
            - id: cnc-01
              signals:
                - { id: State, kind: state, addresses: { opcua: "ns=2;s=Line1.CNC01.State" } }
                - { id: GoodCount, kind: counter, unit: parts, addresses: { sparkplug: ningbo-demo/line1/cnc-01/GoodCount } }
                - { id: BadCount, kind: counter, unit: parts }
                - { id: Meter, kind: gauge, unit: kWh, addresses: { opcua: ["ns=2;s=a", "ns=2;s=b"] } }
  conventions:
    - source: mqtt
      match: "factory/{enterprise}/{line}/{machine}/telemetry"
`;

const problemsOf = (text: string, key: string | null = "ningbo-demo") => {
  const r = parseRegistryImport(text, key);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${typeof p.message === "string" ? p.message : p.message.key}`);
};

describe("importing a registry", () => {
  it("reads a whole ingest.yaml: lines, machines, signals with their addresses, roles guessed; conventions counted, not taken", () => {
    const r = parseRegistryImport(ingestYaml, "ningbo-demo");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.enterpriseKey).toBe("ningbo-demo");
    expect(r.enterpriseName).toBe("宁波示例机械");
    expect(r.ignoredConventions).toBe(1);
    expect(r.lines).toEqual([
      {
        lineKey: "line1",
        name: "一号线",
        machines: [
          {
            machineKey: "cnc-01",
            name: "cnc-01",
            signals: [
              { signalKey: "State", kind: "state", unit: null, addresses: { opcua: ["ns=2;s=Line1.CNC01.State"] } },
              { signalKey: "GoodCount", kind: "counter", unit: "parts", addresses: { sparkplug: ["ningbo-demo/line1/cnc-01/GoodCount"] } },
              { signalKey: "BadCount", kind: "counter", unit: "parts", addresses: {} },
              { signalKey: "Meter", kind: "gauge", unit: "kWh", addresses: { opcua: ["ns=2;s=a", "ns=2;s=b"] } },
            ],
            roles: { state: "State", good: "GoodCount", total: null, bad: "BadCount", energy: "Meter", heartbeat: null },
          },
        ],
      },
    ]);
  });

  it("reads a bare registry, and gives an organisation without a telemetry id the file's one enterprise", () => {
    const bare = YAML.stringify({ enterprises: [{ id: "acme", lines: [{ id: "L1", machines: [{ id: "M1" }] }] }] });
    const r = parseRegistryImport(bare, null);
    expect(r.ok && [r.enterpriseKey, r.lines[0].machines[0].signals]).toEqual(["acme", []]);
    const two = YAML.stringify({ enterprises: [{ id: "a", lines: [{ id: "L" }] }, { id: "b" }] });
    expect(problemsOf(two, null)).toEqual(["enterprises: tm.import.severalEnterprises"]);
  });

  it("names the key path of every problem the ingest's own checks find", () => {
    const text = ingestYaml.replace("kind: counter, unit: parts }", "knd: counter, unit: parts }").replace("- id: cnc-01", "- id: cnc-01\n              maker: x");
    expect(problemsOf(text)).toEqual([
      "registry.enterprises[0].lines[0].machines[0].signals[2].kind: Invalid option: expected one of \"gauge\"|\"counter\"|\"state\"|\"flag\"|\"text\"",
      "registry.enterprises[0].lines[0].machines[0].signals[2].knd: unknown key",
      "registry.enterprises[0].lines[0].machines[0].maker: unknown key",
    ]);
  });

  it("refuses duplicate ids and an address registered twice, where they are", () => {
    const dup = YAML.stringify({
      enterprises: [{ id: "e", lines: [{ id: "L", machines: [{ id: "M", signals: [{ id: "S", kind: "gauge", addresses: { opcua: "x" } }, { id: "T", kind: "gauge", addresses: { opcua: "x" } }] }, { id: "M" }] }] }],
    });
    expect(problemsOf(dup, "e")).toEqual([
      "enterprises[0].lines[0].machines: duplicate machine id \"M\"",
      "enterprises[0].lines[0].machines[0].signals[1].addresses.opcua: address already registered at enterprises[0].lines[0].machines[0].signals[0].addresses.opcua",
    ]);
  });

  it("adds the web app's rules: the enterprise must be this one, ids must be topic levels, addresses of known source types", () => {
    const text = YAML.stringify({
      registry: {
        enterprises: [
          { id: "ningbo-demo", lines: [{ id: "line 1", machines: [{ id: "M#1", signals: [{ id: "S", kind: "gauge", addresses: { modbus: "40001" } }] }] }] },
          { id: "someone-else", lines: [] },
        ],
      },
    });
    expect(problemsOf(text)).toEqual([
      "registry.enterprises[1].id: tm.import.otherEnterprise",
      "registry.enterprises[0].lines[0].id: tm.err.placeKey",
      "registry.enterprises[0].lines[0].machines[0].id: tm.err.placeKey",
      "registry.enterprises[0].lines[0].machines[0].signals[0].addresses: tm.err.address",
    ]);
  });

  it("reports YAML syntax errors and duplicate keys with their line, and refuses empty or non-mapping text", () => {
    expect(problemsOf("registry:\n  enterprises: [\n")[0]).toMatch(/^: YAML: .*line 3/);
    expect(problemsOf("registry:\n  enterprises: []\n  enterprises: []\n")[0]).toMatch(/^: YAML: Map keys must be unique/);
    expect(problemsOf("  \n")).toEqual([": tm.import.empty"]);
    expect(problemsOf("- a\n- b\n")).toEqual([": tm.import.notMapping"]);
    expect(problemsOf(`registry: { enterprises: [] }`)).toEqual(["registry.enterprises: tm.import.noEnterprise"]);
    expect(problemsOf("x".repeat(600 * 1024))).toEqual([": tm.import.tooLarge"]);
  });
});

describe("roles guessed from signal ids, kinds and units", () => {
  const s = (signalKey: string, kind: "state" | "counter" | "gauge" | "flag" | "text", unit: string | null = null) => ({ signalKey, kind, unit });
  it("finds the state by kind, bad parts before counts, good or total, and a meter by unit or id", () => {
    expect(guessRoles([s("Status", "gauge"), s("NG_Count", "counter"), s("TotalCount", "counter"), s("PowerMeter", "gauge", "kWh")])).toEqual({
      state: "Status", good: null, total: "TotalCount", bad: "NG_Count", energy: "PowerMeter", heartbeat: null,
    });
    expect(guessRoles([s("Mode", "state"), s("ScrapParts", "counter"), s("PassParts", "counter"), s("energy_total", "counter")])).toEqual({
      state: "Mode", good: "PassParts", total: null, bad: "ScrapParts", energy: "energy_total", heartbeat: null,
    });
    expect(guessRoles([s("Temperature", "gauge", "°C"), s("Label", "text")])).toEqual({ state: null, good: null, total: null, bad: null, energy: null, heartbeat: null });
  });
});

describe("exporting the registration", () => {
  const line: RegisteredLine = {
    lineKey: "line1",
    name: "一号线",
    calendar: { timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [] },
    realtimeBucketS: 60,
    sources: [],
    machines: [
      {
        machineKey: "M1",
        name: "数控车床",
        idealCycleTimeS: 42,
        stateMapping: { preset: "opc40001" },
        roles: { state: "State", good: null, total: null, bad: null, energy: null, heartbeat: null },
        signals: [
          { signalKey: "State", kind: "state", unit: null, addresses: { opcua: ["nsu=urn:zhiping:simulator;s=line1.M1.State"], sparkplug: ["ningbo-demo/line1/M1/State"] } },
          { signalKey: "Energy", kind: "gauge", unit: "kWh", addresses: { opcua: ["a", "b"] } },
        ],
      },
    ],
  };

  it("writes what the ingest's registry schema and parser accept, and what imports back unchanged", () => {
    const text = registryYaml("ningbo-demo", "宁波示例机械", [line], "2025-06-01T00:00:00Z");
    expect(text.split("\n")[0]).toBe("# Registry of 宁波示例机械 (telemetry id ningbo-demo), exported from Zhiping 2025-06-01T00:00:00Z.");
    const parsed = registrySchema.parse(YAML.parse(text).registry);
    const registry = new ConfiguredRegistry(parsed);
    expect(registry.resolve("opcua", "nsu=urn:zhiping:simulator;s=line1.M1.State")).toEqual({ enterprise: "ningbo-demo", line: "line1", machine: "M1", signal: "State", kind: "state" });
    expect(registry.resolve("opcua", "b")).toEqual({ enterprise: "ningbo-demo", line: "line1", machine: "M1", signal: "Energy", kind: "gauge", unit: "kWh" });
    const back = parseRegistryImport(text, "ningbo-demo");
    expect(back.ok && back.lines[0].machines[0].signals).toEqual(line.machines[0].signals);
  });

  it("matches the simulator's own registry for the demo line (so the demo's ingest resolves every signal)", () => {
    const spec = parseLineSpec({ enterprise: "ningbo-demo", line: "line1", seed: 1, epoch: 0, machines: demoMachines(2) });
    const sim = simulatorRegistry(spec);
    const imported = parseRegistryImport(YAML.stringify({ registry: sim }), "ningbo-demo");
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const registered = imported.lines.map((l) => ({ ...l, calendar: {}, realtimeBucketS: 60, sources: [], machines: l.machines.map((m) => ({ ...m, idealCycleTimeS: 1, stateMapping: { preset: "opc40001" as const } })) }));
    const exported = registryConfigOf("ningbo-demo", "x", registered);
    expect(exported.enterprises[0].lines).toEqual(sim.enterprises[0].lines.map((l) => ({ ...l, name: l.id, machines: l.machines.map((m) => ({ ...m, name: m.id })) })));
  });
});
