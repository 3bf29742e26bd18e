// The peer under test: Node-RED 4.1.8 with node-red-contrib-influxdb 0.7.0, installed as a package of its own
// under bench/peers/node-red (the app never depends on it), run headless with one of its two flows:
//   per-message — mqtt in → json → function → influxdb out (one HTTP write per message), the usual flow;
//   batched     — mqtt in → json → function buffering 5,000 points or 1 s → influxdb batch.
// Same broker, topics, message format, tags, fields and InfluxDB as Zhiping.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Child, repoRoot, waitFor } from "./proc";
import { countPoints, createDatabase } from "./landing";

export type NodeRedFlow = "per-message" | "batched";

const peerDir = join(repoRoot, "bench/peers/node-red");
const redJs = join(peerDir, "node_modules/node-red/red.js");

export interface RunningNodeRed {
  pid: number;
  stop(): Promise<void>;
  /** SIGKILL: what its flow holds in memory is gone. */
  kill(): Promise<void>;
  /** The tail of what the process printed. */
  output(): string;
}

export function nodeRedInstalled(): boolean {
  return existsSync(redJs) && existsSync(join(peerDir, "node_modules/node-red-contrib-influxdb"));
}

/**
 * Starts Node-RED and waits until its flow demonstrably works end to end: a probe message published on
 * `probeTopic` (outside the measured time range) has landed in InfluxDB.
 */
export async function startNodeRed(o: {
  flow: NodeRedFlow;
  brokerUrl: string;
  influxUrl: string;
  database: string;
  topicFilter: string;
  clientId: string;
  probe: (attempt: number) => Promise<void>;
  probeTime: number;
}): Promise<RunningNodeRed> {
  if (!nodeRedInstalled()) throw new Error(`Node-RED is not installed: run \`npm ci\` in ${peerDir}`);
  await createDatabase(o.influxUrl, o.database);
  const userDir = mkdtempSync(join(tmpdir(), "zp-bench-node-red-"));
  const broker = new URL(o.brokerUrl);
  const influx = new URL(o.influxUrl);
  const child = new Child(process.execPath, [redJs, "--settings", join(peerDir, "settings.cjs"), "--userDir", userDir, join(peerDir, "flows", `${o.flow}.json`)], {
    cwd: peerDir,
    env: {
      ...process.env,
      ZP_MQTT_HOST: broker.hostname,
      ZP_MQTT_PORT: broker.port,
      ZP_MQTT_CLIENT_ID: o.clientId,
      ZP_TOPIC: o.topicFilter,
      ZP_INFLUX_HOST: influx.hostname,
      ZP_INFLUX_PORT: influx.port,
      ZP_INFLUX_DB: o.database,
    },
  });
  let attempt = 0;
  await waitFor(
    "Node-RED's flow to write a probe point",
    async () => {
      if (!child.running) throw new Error(`Node-RED exited:\n${child.output}`);
      if ((await countPoints(o.influxUrl, o.database, o.probeTime, o.probeTime + 60_000)) > 0) return true;
      await o.probe(attempt++);
      return false;
    },
    60_000,
    500,
  );
  return {
    pid: child.pid,
    async stop() {
      await child.stop("SIGTERM", 10_000);
      rmSync(userDir, { recursive: true, force: true });
    },
    async kill() {
      await child.stop("SIGKILL");
      rmSync(userDir, { recursive: true, force: true });
    },
    output: () => child.output,
  };
}
