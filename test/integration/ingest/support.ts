// Helpers for the ingest integration tests: temp dirs, configs, our own InfluxDB / Mosquitto instances for
// tests that stop them, the CLI as a child process, InfluxDB counts, /metrics values, MQTT publishing.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { freePort } from "../../support/free-port";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt, { type MqttClient } from "mqtt";
import YAML from "yaml";
import { parseConfig } from "../../../ingest/core/config";
import { startIngest, type IngestService } from "../../../ingest/core/service";
import { EmbeddedSink } from "../../../ingest/sinks/embedded";
import type { TelemetryStore } from "../../../ingest/sinks/embedded/store";
import pino from "pino";
import { uniqueName } from "../../support/services";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeConfig(dir: string, config: unknown, name = "ingest.yaml"): string {
  const file = join(dir, name);
  writeFileSync(file, YAML.stringify(config));
  return file;
}

/** A config for the CLI as a test runs it: /healthz and /metrics on a free port, warnings only in the log. */
export async function cliConfig(dir: string, config: Record<string, unknown>, name?: string): Promise<{ file: string; httpPort: number }> {
  const httpPort = await freePort();
  return { file: writeConfig(dir, { http: { port: httpPort }, log: { level: "warn" }, ...config }, name), httpPort };
}

/** The ingest in this process (faster to start than the CLI; the CLI is tested on its own). */
export async function startInProcess(dir: string, config: unknown): Promise<IngestService> {
  const file = writeConfig(dir, config);
  const parsed = parseConfig(YAML.stringify(config), { file, configDir: dir });
  return startIngest(parsed, { logger: pino({ level: process.env.ZP_TEST_LOG ?? "silent" }) });
}

/** The store of the service's first sink, an embedded one: what the ingest wrote, read back without InfluxDB. */
export function embeddedStore(service: IngestService): TelemetryStore {
  const sink = service.sinks[0];
  if (!(sink instanceof EmbeddedSink)) throw new Error(`the first sink is ${sink?.name ?? "missing"}, not an embedded one`);
  return sink.store;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export { freePort };

export async function until<T>(what: string, check: () => T | Promise<T>, ms = 20_000, every = 50): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, every));
  }
}

// ------------------------------------------------------------------ processes we own

export class OwnProcess {
  child: ChildProcess | null = null;
  output = "";
  stdout = "";
  stderr = "";
  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}
  start(): void {
    this.child = spawn(this.command, this.args, { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (d) => {
      this.output = (this.output + d).slice(-200_000);
      this.stdout = (this.stdout + d).slice(-200_000);
    });
    this.child.stderr!.on("data", (d) => {
      this.output = (this.output + d).slice(-200_000);
      this.stderr = (this.stderr + d).slice(-200_000);
    });
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}

/** An InfluxDB of this test's own (on a free port, data in a temp dir), for tests that stop it. */
export class OwnInfluxd {
  readonly proc: OwnProcess;
  readonly url: string;
  constructor(
    readonly dir: string,
    readonly port: number,
    /** Extra lines for the [http] section (auth-enabled, max-body-size…). */
    httpExtra = "",
  ) {
    const bin = process.env.ZP_INFLUXD_BIN || "/usr/bin/influxd";
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, "influxdb.conf");
    writeFileSync(
      conf,
      `reporting-disabled = true
bind-address = "127.0.0.1:0"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
  suppress-write-log = true
${httpExtra}
[logging]
  level = "warn"
`,
    );
    this.proc = new OwnProcess(bin, ["-config", conf]);
    this.url = `http://127.0.0.1:${port}`;
  }
  async start(): Promise<void> {
    this.proc.start();
    await until("influxd to answer /ping", async () => (await fetch(`${this.url}/ping`).catch(() => null))?.status === 204, 30_000, 100);
  }
  stop(): Promise<number | null> {
    return this.proc.stop("SIGTERM");
  }
}

/** A Mosquitto of this test's own, for tests that restart the broker. */
export class OwnMosquitto {
  readonly proc: OwnProcess;
  readonly url: string;
  constructor(
    readonly dir: string,
    readonly port: number,
    extra = "",
  ) {
    chmodSync(dir, 0o777); // as root, mosquitto drops to its own user
    const conf = join(dir, "mosquitto.conf");
    writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n${extra}`);
    this.proc = new OwnProcess(process.env.ZP_MOSQUITTO_BIN || "/usr/sbin/mosquitto", ["-c", conf]);
    this.url = `mqtt://127.0.0.1:${port}`;
  }
  async start(): Promise<void> {
    this.proc.start();
    await until("mosquitto to listen", () => portOpen(this.port), 10_000, 100);
  }
  stop(): Promise<number | null> {
    return this.proc.stop("SIGTERM");
  }
}

/** `zhiping ingest …` as a child process, exactly as an operator runs it. */
export function cli(args: string[]): OwnProcess {
  return new OwnProcess(process.execPath, [join(repoRoot, "scripts/zhiping.mjs"), "ingest", ...args]);
}

/** The CLI processes a test runs on its configs, kept so that its afterAll can stop every one still running. */
export class CliProcesses {
  private readonly started: OwnProcess[] = [];
  /** A CLI process on `config`, not started yet. */
  on(config: string): OwnProcess {
    const p = cli(["--config", config]);
    this.started.push(p);
    return p;
  }
  async stopAll(signal: NodeJS.Signals): Promise<void> {
    for (const p of this.started) await p.stop(signal);
  }
}

/** Run the CLI to its end: exit code, and stdout (the command's report) apart from stderr. */
export async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = cli(args);
  p.start();
  const code = await new Promise<number | null>((resolve) => p.child!.once("close", (c) => resolve(c)));
  return { code, stdout: p.stdout, stderr: p.stderr };
}

// ------------------------------------------------------------------ InfluxDB, metrics, MQTT

export async function influxQuery(url: string, database: string, q: string): Promise<any> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db: database, epoch: "ms", q })}`, { method: "POST" });
  return res.json();
}

/** Points stored for a measurement (COUNT of its value field), 0 when the database or measurement is absent. */
export async function influxCount(url: string, database: string, measurement: string, field = "value"): Promise<number> {
  const body = await influxQuery(url, database, `SELECT COUNT("${field}") FROM "${measurement}"`);
  return body?.results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0;
}

export async function dropDatabase(url: string, database: string): Promise<void> {
  await fetch(`${url}/query?${new URLSearchParams({ q: `DROP DATABASE "${database}"` })}`, { method: "POST" }).catch(() => {});
}

/** One sample's value from /metrics, matched by name and labels. */
export async function metricValue(port: number, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

export async function publisher(url: string, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId, protocolVersion: 5, clean: true, reconnectPeriod: 200 });
}

/** Publish QoS 1 messages with a bounded number in flight; resolves when the broker acknowledged all. */
export async function publishAll(client: MqttClient, messages: Array<[string, string | Buffer]>, inFlight = 200): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const [topic, payload] = messages[next++];
      await client.publishAsync(topic, payload, { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, messages.length) }, worker));
}

// ------------------------------------------------------------------ the tests' plant: an MQTT source "plant"

/** What the tests' gateways publish, {"ts": epoch ms, "v": reading}, mapped to one float field. */
export const readingJson = { timestamp: { path: "ts", format: "unix_ms" }, fields: [{ path: "v", type: "float" }] };

/** Reading `i` of a stream as the tests' gateways publish it: the value i at `t0` + i ms. */
export const reading = (t0: number, i: number): string => JSON.stringify({ ts: t0 + i, v: i });

/** The MQTT source "plant": readings from one topic filter under a client id of its own (the same for every start on this config). */
export function plantSource(url: string, topic: string) {
  return { type: "mqtt", name: "plant", url, clientId: uniqueName("ingest"), subscriptions: [{ topic, json: readingJson }] };
}

/** A registry whose topics name only the machine: enterprise, line and signal are the same for all (e / l / v). */
export function machineTopics(match: string) {
  return { conventions: [{ source: "mqtt", match, enterprise: "e", line: "l", signal: "v" }] };
}

/** The state of the source named "plant" as the service reports it (connected, connecting…). */
export function plantState(service: IngestService): string | undefined {
  return (service.health().sources as Record<string, { state?: string } | undefined>).plant?.state;
}

export function untilPlantConnected(service: IngestService): Promise<boolean> {
  return until("connected", () => plantState(service) === "connected");
}

/**
 * A steady QoS 1 stream of `total` readings, `perTick` at a time every 50 ms, so that a fault lands while
 * messages are in flight. `published` counts what has been handed to the client so far; `done` settles when
 * the broker has acknowledged the last one.
 */
export function steadyStream(client: MqttClient, opts: { total: number; perTick: number; t0: number; topic: (i: number) => string }) {
  const stream = { published: 0, done: Promise.resolve() };
  stream.done = (async () => {
    while (stream.published < opts.total) {
      const batch = [];
      for (let k = 0; k < opts.perTick && stream.published < opts.total; k++, stream.published++)
        batch.push(client.publishAsync(opts.topic(stream.published), reading(opts.t0, stream.published), { qos: 1 }));
      await Promise.all(batch);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return stream;
}

/** Start a CLI process and wait until it answers /healthz with 200; if it never does, say its last answer and output. */
export async function startHealthy(p: OwnProcess, httpPort: number, what = "ingest"): Promise<OwnProcess> {
  p.start();
  let last = "";
  await until(
    `${what} answering /healthz`,
    async () => {
      const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => null);
      last = res ? `${res.status} ${await res.text()}` : "no answer";
      return res?.status === 200;
    },
    30_000,
    100,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}; last /healthz: ${last}; output: ${p.output.slice(-2000)}`);
  });
  return p;
}
