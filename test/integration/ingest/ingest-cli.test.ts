// `zhiping ingest` as an operator meets it: --check, config errors with key paths and no stack trace,
// a clean stop on SIGTERM with exit code 0 — also when Ctrl+C and a supervisor's SIGTERM arrive together —
// and an immediate exit (130) on a second signal that comes later.
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { requireService, uniqueName } from "../../support/services";
import { cli, cliConfig, machineTopics, plantSource, publisher, reading, runCli, startHealthy, tempDir, until, writeConfig } from "./support";

const mqttUrl = requireService("mqtt");

describe("zhiping ingest (CLI)", () => {
  const temp = tempDir("zp-cli");
  afterAll(() => temp.remove());

  it("--check prints a summary and exits 0", async () => {
    const file = writeConfig(temp.dir, {
      dataDir: "data",
      registry: { enterprises: [{ id: "e", lines: [{ id: "l", machines: [{ id: "m", signals: [{ id: "s", kind: "gauge" }] }] }] }] },
    });
    const { code, stdout } = await runCli(["--config", file, "--check"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${file}: ok — 0 source(s) [], 1 sink(s) [embedded:embedded], 1 registered signal(s), 0 convention rule(s)\n`);
  });

  it("reports config errors with their key paths, exit code 2, no stack trace", async () => {
    const file = writeConfig(
      temp.dir,
      {
        sources: [{ type: "mqtt", url: "mqtt://x:1883", clientId: "c", subscriptions: [{ topic: "a/#/b", json: { fields: [{ path: "v", type: "double" }] } }] }],
        sinks: [{ type: "influx", url: "http://db:8086", database: "d", batchsize: 10 }],
      },
      "bad.yaml",
    );
    const { code, stdout, stderr } = await runCli(["--config", file, "--check"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    // One line per problem, and nothing that looks like a stack frame (a library may warn on stderr too).
    expect(stderr.split("\n").some((l) => /^\s+at /.test(l))).toBe(false);
    const report = stderr.slice(stderr.indexOf(`${file}: invalid configuration`));
    expect(report.slice(0, report.indexOf("\n", report.indexOf("sinks[0].batchsize")) + 1)).toBe(
      [
        `${file}: invalid configuration`,
        "  sources[0].subscriptions[0].topic: # must be a whole level and the last one",
        '  sources[0].subscriptions[0].json.fields[0].type: Invalid option: expected one of "float"|"int"|"bool"|"string"',
        "  sinks[0].batchsize: unknown key",
        "",
      ].join("\n"),
    );
  });

  it("runs until SIGTERM and exits 0 after a graceful stop", async () => {
    const { file, httpPort: port } = await cliConfig(temp.dir, { dataDir: "run", log: { level: "info" } }, "run.yaml");
    const p = await startHealthy(cli(["--config", file]), port);
    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok", sinks: { embedded: { state: "idle" } }, spool: { state: "ok", points: 0 } });
    expect(await p.stop("SIGTERM")).toBe(0);
    // Stdout is the JSON log, one object per line, and nothing else.
    const logs = p.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(["ingest started", "shutting down", "stopped"]));
  });

  it("takes SIGINT and SIGTERM arriving together (Ctrl+C to the group, then a supervisor) as one graceful stop", async () => {
    const { file, httpPort: port } = await cliConfig(temp.dir, { dataDir: "together", log: { level: "info" } }, "together.yaml");
    const p = await startHealthy(cli(["--config", file]), port);
    const exited = new Promise<number | null>((resolve) => p.child!.once("exit", (code) => resolve(code)));
    p.child!.kill("SIGINT");
    p.child!.kill("SIGTERM");
    expect(await exited).toBe(0);
    const logs = p.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
    expect(logs.map((l) => l.msg)).not.toContain("second signal: exiting now; the spool keeps what was acknowledged");
  });

  it.skipIf(!mqttUrl)("exits at once (130) on a second signal that comes while a slow stop is still flushing", async () => {
    // An "InfluxDB" that takes connections and never answers: the stop waits on the flush of what is spooled.
    const silent = createServer(() => {}).listen(0, "127.0.0.1");
    await once(silent, "listening");
    const topic = `${uniqueName("cli-slow")}/m1`;
    try {
      const { file, httpPort: port } = await cliConfig(
        temp.dir,
        {
          dataDir: "slow",
          log: { level: "info" },
          shutdown: { flushTimeout: "60s" },
          sources: [plantSource(mqttUrl!, topic)],
          sinks: [{ type: "influx", url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, database: "never", timeout: "60s" }],
          registry: machineTopics(`${topic.split("/")[0]}/{machine}`),
        },
        "slow.yaml",
      );
      const p = await startHealthy(cli(["--config", file]), port);
      const gateway = await publisher(mqttUrl!, uniqueName("cli-gw"));
      await gateway.publishAsync(topic, reading(Date.now(), 1), { qos: 1 });
      await gateway.endAsync();
      await until("the reading spooled", async () => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).spool.points === 1);
      const exited = new Promise<number | null>((resolve) => p.child!.once("exit", (code) => resolve(code)));
      p.child!.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 2_500)); // past the window in which a second signal is the same request
      const second = Date.now();
      p.child!.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(Date.now() - second).toBeLessThan(5_000); // not the 60 s flush bound
      const logs = p.stdout.trim().split("\n").map((l) => JSON.parse(l));
      expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(["shutting down", "second signal: exiting now; the spool keeps what was acknowledged"]));
    } finally {
      silent.close();
    }
  });
});
