import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../../ingest/core/config";
import { ConfigError } from "../../../ingest/core/config-errors";
import { parseDuration, parseSize } from "../../../ingest/core/config-types";
import { ConfiguredRegistry } from "../../../ingest/core/registry";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const env = { MQTT_PASSWORD: "secret", INFLUX_PASSWORD: "secret2" };

function problems(yaml: string, e: Record<string, string | undefined> = env): string[] {
  try {
    parseConfig(yaml, { configDir: "/etc/zhiping", env: e });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message.split("\n").slice(1).map((l) => l.trim());
  }
}

const mqttSource = `
sources:
  - type: mqtt
    url: mqtt://broker:1883
    clientId: ingest-1
    subscriptions:
      - topic: plant/#
        json: { fields: [{ path: v, type: float }] }
`;

describe("ingest.yaml errors name the key path", () => {
  it("names a bad topic filter inside a plugin's entry", () => {
    expect(problems(mqttSource.replace("plant/#", "plant/#/x"))).toEqual(["sources[0].subscriptions[0].topic: # must be a whole level and the last one"]);
  });

  it("reports an unknown key (a typo) at its own path", () => {
    expect(problems(mqttSource.replace("clientId: ingest-1", "clientId: ingest-1\n    clientld: typo"))).toEqual(["sources[0].clientld: unknown key"]);
    expect(problems("spool:\n  budjet: 1GiB\n")).toEqual(["spool.budjet: unknown key"]);
  });

  it("reports every problem at once, across sections", () => {
    const yaml = `${mqttSource.replace("url: mqtt://broker:1883", "url: http://broker")}
sinks:
  - type: influx
    url: http://db:8086
    batchSize: 0
  - type: nosuch
http: { port: 70000 }
`;
    expect(problems(yaml)).toEqual([
      "http.port: Too big: expected number to be <=65535",
      "sources[0].url: must be an mqtt://, mqtts://, ws:// or wss:// URL",
      "sinks[0].batchSize: Too small: expected number to be >=1",
      'sinks[1].type: unknown sink type "nosuch" (known: influx, embedded)',
    ]);
  });

  it("names a missing required key and a bad duration", () => {
    expect(problems(mqttSource.replace("    clientId: ingest-1\n", "    keepalive: soon\n"))).toEqual([
      "sources[0].clientId: Invalid input: expected string, received undefined",
      'sources[0].keepalive: expected a duration like 500ms, 1s, 5m or a number of ms, got "soon"',
    ]);
  });

  it("refuses duplicate names and says which", () => {
    expect(problems(`sinks:\n  - { type: embedded }\n  - { type: embedded }\n`)).toEqual([
      'sinks[1].name: another sink is already named "embedded" (give each a unique name)',
    ]);
  });

  it("substitutes environment variables and names a missing one", () => {
    const yaml = mqttSource.replace("clientId: ingest-1", "clientId: ingest-1\n    username: u\n    password: ${MQTT_PASSWORD}");
    const config = parseConfig(yaml, { configDir: "/x", env });
    expect((config.sources[0].config as { password: string }).password).toBe("secret");
    expect(problems(yaml, {})).toEqual(["sources[0].password: environment variable MQTT_PASSWORD is not set"]);
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(problems("sources: [\n  a: 1\nb")[0]).toBe("(top level): YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1");
  });

  it("defaults to one embedded sink and resolves paths against the config's folder", () => {
    const c = parseConfig("dataDir: state\n", { configDir: "/etc/zhiping", env });
    expect(c.dataDir).toBe("/etc/zhiping/state");
    expect(c.spool.path).toBe("/etc/zhiping/state/spool.sqlite");
    expect(c.sinks.map((s) => [s.type, s.name, s.batchSize, s.flushIntervalMs])).toEqual([["embedded", "embedded", 5000, 1000]]);
  });

  it("gives a readable error when the file cannot be read", () => {
    expect(() => loadConfig("/nonexistent/ingest.yaml")).toThrow("/nonexistent/ingest.yaml: invalid configuration\n  (top level): cannot read the file: ENOENT");
  });
});

describe("durations and sizes", () => {
  it("reads units", () => {
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("2m")).toBe(120_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration(42)).toBe(42);
    expect(parseDuration("1 fortnight")).toBeNull();
    expect(parseSize("512MiB")).toBe(512 * 1024 * 1024);
    expect(parseSize("2GB")).toBe(2e9);
    expect(parseSize(100)).toBe(100);
    expect(parseSize("5 parsecs")).toBeNull();
  });
});

/** Every sample file in ingest/: a whole ingest.yaml, or a fragment (an entry or a list of them). */
function sampleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sampleFiles(full));
    else if (name === "sample.yaml" || name.endsWith(".sample.yaml")) out.push(full);
  }
  return out;
}

describe("sample configs", () => {
  const files = sampleFiles(join(root, "ingest"));

  it("exist for the full config and each of our plugins", () => {
    const names = files.map((f) => relative(root, f));
    for (const expected of ["ingest/ingest.sample.yaml", "ingest/sources/mqtt/sample.yaml", "ingest/sinks/influx/sample.yaml", "ingest/sinks/embedded/sample.yaml"])
      expect(names).toContain(expected);
  });

  it.each(files.map((f) => [relative(root, f), f]))("%s loads without errors", (_name, file) => {
    const doc = YAML.parse(readFileSync(file, "utf8"));
    const kind = file.includes("/sinks/") ? "sinks" : "sources";
    // A fragment (one entry, or a list of entries) is checked as the only entry of its section.
    const whole = doc && typeof doc === "object" && !Array.isArray(doc) && !("type" in doc) ? doc : { [kind]: Array.isArray(doc) ? doc : [doc] };
    const env2 = new Proxy({} as Record<string, string | undefined>, { get: (_t, k) => (typeof k === "string" ? `test-${k}` : undefined) });
    const config = parseConfig(YAML.stringify(whole), { configDir: dirname(file), env: env2 });
    expect(() => new ConfiguredRegistry(config.registry)).not.toThrow();
    expect(config.sources.length + config.sinks.length).toBeGreaterThan(0);
  });
});
