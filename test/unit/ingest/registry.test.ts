import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../ingest/core/config-errors";
import { compilePattern, ConfiguredRegistry, registrySchema } from "../../../ingest/core/registry";

const plant = registrySchema.parse({
  enterprises: [
    {
      id: "demo-works",
      name: "宁波示例机械",
      lines: [
        {
          id: "line1",
          machines: [
            {
              id: "cnc-01",
              signals: [
                {
                  id: "spindle_speed",
                  kind: "gauge",
                  unit: "rpm",
                  addresses: {
                    opcua: "ns=2;s=Line1.CNC01.SpindleSpeed",
                    mqtt: ["factory/x/telemetry#spindle.rpm", "factory/x/telemetry#rpm"],
                  },
                },
                { id: "state", kind: "state", addresses: { sparkplug: "Plant/Line1/CNC01/State" } },
              ],
            },
          ],
        },
      ],
    },
  ],
  conventions: [
    { source: "sparkplug", enterprise: "{group}", line: "{edge_node}", machine: "{device}", signal: "{metric}" },
    { source: "sparkplug", enterprise: "{group}", line: "{edge_node}", machine: "{edge_node}", signal: "{metric}" },
    { source: "mqtt", match: "factory/{enterprise}/{line}/{machine}/telemetry" },
    { source: "opcua", match: "ns=2;s={line}.{machine}.{signal}", enterprise: "demo-works", kind: "gauge", unit: "°C" },
  ],
});

describe("registry: explicit entries", () => {
  const registry = new ConfiguredRegistry(plant);

  it("resolves every listed address of a signal to its place in the tree", () => {
    const expected = { enterprise: "demo-works", line: "line1", machine: "cnc-01", signal: "spindle_speed", kind: "gauge", unit: "rpm" };
    expect(registry.resolve("opcua", "ns=2;s=Line1.CNC01.SpindleSpeed")).toEqual(expected);
    expect(registry.resolve("mqtt", "factory/x/telemetry#spindle.rpm")).toEqual(expected);
    expect(registry.resolve("mqtt", "factory/x/telemetry#rpm")).toEqual(expected);
  });

  it("keys addresses by source type: the same text under another type is a different address", () => {
    expect(registry.resolve("sparkplug", "ns=2;s=Line1.CNC01.SpindleSpeed")).toBeUndefined();
  });

  it("wins over a convention that would also match", () => {
    const ref = registry.resolve("sparkplug", "Plant/Line1/CNC01/State", {
      kind: "gauge",
      parts: { group: "Plant", edge_node: "Line1", device: "CNC01", metric: "State" },
    });
    expect(ref).toEqual({ enterprise: "demo-works", line: "line1", machine: "cnc-01", signal: "state", kind: "state" });
  });

  it("lists the registered signals with their addresses", () => {
    expect(registry.signals.map((s) => `${s.machine}/${s.signal}`)).toEqual(["cnc-01/spindle_speed", "cnc-01/state"]);
    expect(registry.signals[0].addresses.mqtt).toEqual(["factory/x/telemetry#spindle.rpm", "factory/x/telemetry#rpm"]);
  });
});

describe("registry: conventions", () => {
  const registry = new ConfiguredRegistry(plant);

  it("maps Sparkplug group/edge node/device/metric with the kind from the datatype hint", () => {
    const ref = registry.resolve("sparkplug", "Plant/Line2/Press7/Hydraulics/Pressure", {
      kind: "gauge",
      parts: { group: "Plant", edge_node: "Line2", device: "Press7", metric: "Hydraulics/Pressure" },
    });
    expect(ref).toEqual({ enterprise: "Plant", line: "Line2", machine: "Press7", signal: "Hydraulics/Pressure", kind: "gauge" });
  });

  it("skips a rule whose template needs a part the address lacks (node-level metric → next rule)", () => {
    const ref = registry.resolve("sparkplug", "Plant/Line2/Uptime", {
      kind: "counter",
      parts: { group: "Plant", edge_node: "Line2", metric: "Uptime" },
    });
    expect(ref).toEqual({ enterprise: "Plant", line: "Line2", machine: "Line2", signal: "Uptime", kind: "counter" });
  });

  it("does not guess a kind: without hint or fixed kind the address is unregistered", () => {
    expect(
      registry.resolve("sparkplug", "Plant/Line2/Press7/X", { parts: { group: "Plant", edge_node: "Line2", device: "Press7", metric: "X" } }),
    ).toBeUndefined();
  });

  it("parses MQTT topic levels into tags and takes the signal from the mapping's name", () => {
    const ref = registry.resolve("mqtt", "factory/acme/L3/robot-2/telemetry#axes[0].torque", {
      kind: "gauge",
      parts: { topic: "factory/acme/L3/robot-2/telemetry", path: "axes[0].torque", signal: "axis1_torque" },
    });
    expect(ref).toEqual({ enterprise: "acme", line: "L3", machine: "robot-2", signal: "axis1_torque", kind: "gauge" });
  });

  it("leaves a topic outside every pattern unregistered", () => {
    expect(registry.resolve("mqtt", "other/acme/L3/robot-2/telemetry#t", { kind: "gauge", parts: { signal: "t" } })).toBeUndefined();
    expect(registry.resolve("mqtt", "factory/acme/L3/telemetry#t", { kind: "gauge", parts: { signal: "t" } })).toBeUndefined();
  });

  it("applies a fixed kind, fixed enterprise and unit to captures from a node-id pattern", () => {
    expect(registry.resolve("opcua", "ns=2;s=Line4.Oven1.Temperature")).toEqual({
      enterprise: "demo-works",
      line: "Line4",
      machine: "Oven1",
      signal: "Temperature",
      kind: "gauge",
      unit: "°C",
    });
  });

  it("gives the same answer from its cache as the first time, per hint", () => {
    const parts = { group: "G", edge_node: "E", device: "D", metric: "M" };
    const a = registry.resolve("sparkplug", "G/E/D/M", { kind: "flag", parts });
    const b = registry.resolve("sparkplug", "G/E/D/M", { kind: "flag", parts });
    const c = registry.resolve("sparkplug", "G/E/D/M", { kind: "text", parts });
    expect(b).toEqual(a);
    expect(a?.kind).toBe("flag");
    expect(c?.kind).toBe("text");
  });
});

describe("registry: patterns", () => {
  it("captures one segment with {x}, several with {x...}, and skips with * and **", () => {
    const { regex, captures } = compilePattern("spBv1.0/{group}/*/{rest...}");
    expect(captures).toEqual(["group", "rest"]);
    expect(regex.exec("spBv1.0/G1/NDATA/a/b/c")?.slice(1)).toEqual(["G1", "a/b/c"]);
    expect(regex.test("spBv1.0/G1/NDATA")).toBe(false);
    const any = compilePattern("site/**/telemetry").regex;
    expect(any.test("site/telemetry")).toBe(false);
    expect(any.test("site//telemetry")).toBe(true);
    expect(any.test("site/a/b/telemetry")).toBe(true);
  });

  it("treats regex characters in the pattern literally", () => {
    const { regex } = compilePattern("a.b+(c)/{x}");
    expect(regex.exec("a.b+(c)/1")?.[1]).toBe("1");
    expect(regex.test("aXbb(c)/1")).toBe(false);
  });
});

describe("registry: config errors name the key path", () => {
  function issues(config: unknown): string[] {
    try {
      new ConfiguredRegistry(registrySchema.parse(config));
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
      throw err;
    }
  }

  it("rejects duplicate ids among siblings and an address registered twice", () => {
    const signal = (id: string, address: string) => ({ id, kind: "gauge", addresses: { opcua: address } });
    const config = {
      enterprises: [
        {
          id: "e",
          lines: [
            { id: "l", machines: [{ id: "m", signals: [signal("a", "ns=1;i=1"), signal("b", "ns=1;i=1")] }, { id: "m", signals: [] }] },
          ],
        },
      ],
    };
    expect(issues(config)).toEqual([
      'registry.enterprises.0.lines.0.machines: duplicate machine id "m"',
      "registry.enterprises.0.lines.0.machines.0.signals.1.addresses.opcua: address already registered at registry.enterprises[0].lines[0].machines[0].signals[0].addresses.opcua",
    ]);
  });

  it("rejects a malformed pattern at its path", () => {
    expect(issues({ conventions: [{ source: "mqtt", match: "a/{b" }] })).toEqual([
      'registry.conventions.0.match: unbalanced or invalid placeholder at "{b"',
    ]);
  });

  it("rejects ids that cannot be tag values and unknown keys (schema level)", () => {
    const result = registrySchema.safeParse({
      enterprises: [{ id: "e\n1", lines: [{ id: "l", machinez: [] }] }],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(paths).toContain("enterprises.0.id: contains a control character (newline, tab…)");
    expect(paths).toContain('enterprises.0.lines.0: Unrecognized key: "machinez"');
  });
});
