// Zhiping under test: the real `zhiping ingest` process (scripts/zhiping.mjs), started with a config for one
// workload — an MQTT JSON or Sparkplug B source into the InfluxDB sink — exactly as an operator runs it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { Child, freePort, repoRoot, waitFor } from "./proc";
import { signalNames, type Workload } from "./workload";

export interface ZhipingOptions {
  brokerUrl: string;
  influxUrl: string;
  database: string;
  /** The workload's shape (protocol, topics, points per message); message counts do not matter here. */
  workload: Workload;
  /** Sparkplug host id (STATE topic). */
  hostId: string;
  clientId: string;
  /** Write a V8 CPU profile of the ingest process into this folder. */
  profileDir?: string;
  /** Sink settings that differ from the defaults the bench uses. */
  sink?: Record<string, unknown>;
  /** Keep config, spool and HTTP port here (to start it again on the same spool); default: a fresh temp dir. */
  dir?: string;
}

export interface RunningZhiping {
  pid: number;
  httpPort: number;
  stop(): Promise<void>;
  /** SIGKILL: no flush, no goodbye (the dir stays, to start again on the same spool). */
  kill(): Promise<void>;
  /** The tail of what the process printed (its logs at level warn and above). */
  output(): string;
  /** A counter from /metrics, summed over its labels. */
  metric(name: string): Promise<number>;
}

export function zhipingConfig(o: ZhipingOptions, dataDir: string, httpPort: number): Record<string, unknown> {
  const w = o.workload;
  const source =
    w.protocol === "json"
      ? {
          type: "mqtt",
          name: "gateway",
          url: o.brokerUrl,
          clientId: o.clientId,
          subscriptions: [
            {
              topic: `${w.topicPrefix}/+`,
              json: { timestamp: { path: "ts", format: "unix_ms" }, fields: signalNames(w).map((path) => ({ path, type: "float" })) },
            },
          ],
        }
      : { type: "sparkplug", name: "gateway", url: o.brokerUrl, clientId: o.clientId, hostId: o.hostId, groups: [w.group] };
  const convention =
    w.protocol === "json"
      ? { source: "mqtt", match: `${w.topicPrefix}/{machine}`, enterprise: "e", line: "l" }
      : { source: "sparkplug", enterprise: "{group}", line: "{edge_node}", machine: "{device}", signal: "{metric}" };
  return {
    dataDir,
    http: { host: "127.0.0.1", port: httpPort },
    log: { level: "warn" },
    // The defaults an operator gets (sync: full — acknowledged means it survives power loss).
    sources: [source],
    sinks: [{ type: "influx", name: "influx", url: o.influxUrl, database: o.database, createDatabase: true, ...o.sink }],
    registry: { conventions: [convention] },
  };
}

export async function startZhiping(o: ZhipingOptions): Promise<RunningZhiping> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "zp-bench-ingest-"));
  const configFile = join(dir, "ingest.yaml");
  const httpPort = existsSync(configFile) ? (YAML.parse(readFileSync(configFile, "utf8")).http.port as number) : await freePort();
  writeFileSync(configFile, YAML.stringify(zhipingConfig(o, join(dir, "data"), httpPort)));
  const nodeArgs = o.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${o.profileDir}`] : [];
  const child = new Child(process.execPath, [...nodeArgs, join(repoRoot, "scripts/zhiping.mjs"), "ingest", "--config", configFile]);
  const healthy = async () => {
    if (!child.running) throw new Error(`zhiping ingest exited:\n${child.output}`);
    const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => null);
    if (!res) return false;
    const body = (await res.json()) as { sources?: Record<string, { state?: string }> };
    return body.sources?.gateway?.state === "connected";
  };
  await waitFor("zhiping ingest to connect", healthy, 60_000, 100);
  return {
    pid: child.pid,
    httpPort,
    async stop() {
      await child.stop("SIGTERM", 15_000);
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await child.stop("SIGKILL");
    },
    output: () => child.output,
    async metric(name: string) {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      let sum = 0;
      for (const line of text.split("\n")) {
        const m = /^([a-z_]+)(\{.*\})? (\S+)$/.exec(line);
        if (m && m[1] === name) sum += Number(m[3]);
      }
      return sum;
    },
  };
}
