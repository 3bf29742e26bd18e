// What does it lose when something breaks? The same steady stream (a gateway at QoS 1, 1 point per message,
// 1,000 msg/s for 10 s) through Zhiping and through Node-RED's two flows, with one fault in the middle:
//   InfluxDB stopped for 3 s, then started again;
//   the process itself SIGKILLed, then started again 1 s later (as a supervisor would).
// Each run has its own InfluxDB and Mosquitto; landed points are counted exactly. The fault suite
// (test/faults) asserts Zhiping's side of this; here the point is the comparison.
// Run: npx tsx bench/ingest/outage.ts [--rate 1000] [--seconds 10]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import { OwnInfluxd, OwnMosquitto, tempDir } from "../../test/integration/ingest/support";
import { gateway } from "./ceilings";
import { LandingTracker } from "./landing";
import { startNodeRed, type NodeRedFlow } from "./node-red";
import { freePort, sleep } from "./proc";
import { machinesFor, type Workload } from "./workload";
import { startZhiping } from "./zhiping";
import type { GatewayReport } from "./gateway";

const { values } = parseArgs({ options: { rate: { type: "string", default: "1000" }, seconds: { type: "string", default: "10" } } });
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
if (!(RATE >= 10 && RATE <= 20_000) || !(SECONDS >= 6 && SECONDS <= 120)) {
  console.error("usage: npx tsx bench/ingest/outage.ts [--rate 10–20000 msg/s] [--seconds 6–120]");
  process.exit(2);
}
const FAULT_AT_MS = 3000;
const PROBE_T = Date.UTC(2024, 0, 1);

type System = { label: string; kind: "zhiping" } | { label: string; kind: "node-red"; flow: NodeRedFlow };
type Fault = "influx" | "kill";

const systems: System[] = [
  { label: "Zhiping (MQTT JSON source, InfluxDB sink)", kind: "zhiping" },
  { label: "Node-RED batched flow", kind: "node-red", flow: "batched" },
  { label: "Node-RED per-message flow", kind: "node-red", flow: "per-message" },
];
const faults: Record<Fault, string> = { influx: "InfluxDB stopped 3 s", kill: "process SIGKILLed, restarted 1 s later" };

interface Outcome {
  sent: number;
  landed: number;
}

async function scenario(system: System, fault: Fault, run: number): Promise<Outcome> {
  const temp = tempDir("zp-bench-outage");
  const influxd = new OwnInfluxd(join(temp.dir, "influxdb"), await freePort());
  const broker = new OwnMosquitto(temp.dir, await freePort(), "max_queued_messages 10000000\n");
  await influxd.start();
  await broker.start();
  const database = "outage";
  const w: Workload = {
    protocol: "json",
    topicPrefix: `gw/outage${run}`,
    group: "e",
    edgeNode: "l",
    messages: RATE * SECONDS,
    pointsPerMessage: 1,
    machines: machinesFor(RATE),
    t0: 0,
    spacingMs: 1000 / RATE,
    paced: true,
    inFlight: 1000,
  };
  const zhipingDir = mkdtempSync(join(tmpdir(), "zp-bench-outage-ingest-"));
  const probe = await mqtt.connectAsync(broker.url, { clientId: `probe-${run}`, protocolVersion: 5 });
  let starts = 0;
  const start = async () => {
    const probeTime = PROBE_T + starts++ * 100_000;
    return system.kind === "zhiping"
      ? startZhiping({ brokerUrl: broker.url, influxUrl: influxd.url, database, workload: w, hostId: "h", clientId: `zhiping-outage-${run}`, dir: zhipingDir })
      : startNodeRed({
          flow: system.flow,
          brokerUrl: broker.url,
          influxUrl: influxd.url,
          database,
          topicFilter: `${w.topicPrefix}/+`,
          clientId: `node-red-outage-${run}`,
          probeTime,
          probe: (attempt) => probe.publishAsync(`${w.topicPrefix}/probe`, JSON.stringify({ ts: probeTime + attempt, v: 1 }), { qos: 1 }).then(() => undefined),
        });
  };
  let sys = await start();
  try {
    const pub = gateway({ mode: "publish", url: broker.url, clientId: `gw-outage-${run}`, workload: w });
    const started = (await pub.next("started")) as Extract<GatewayReport, { kind: "started" }>;
    w.t0 = started.t0;
    const tracker = new LandingTracker(influxd.url, database, w, { bucketMs: 1000, pollMs: 500 });
    tracker.start();
    await sleep(Math.max(0, w.t0 + FAULT_AT_MS - Date.now()));
    if (fault === "influx") {
      await influxd.stop();
      await sleep(3000);
      await influxd.start();
    } else {
      await sys.kill();
      await sleep(1000);
      sys = await start();
    }
    const published = (await pub.next("published")) as Extract<GatewayReport, { kind: "published" }>;
    await tracker.settle({ quietMs: 10_000, timeoutMs: 120_000, after: () => published.lastSentAt });
    const r = await tracker.result();
    return { sent: r.expected, landed: r.landed };
  } finally {
    await sys.stop().catch(() => undefined);
    await probe.endAsync().catch(() => undefined);
    await broker.stop();
    await influxd.stop();
    rmSync(zhipingDir, { recursive: true, force: true });
    temp.remove();
  }
}

async function main(): Promise<void> {
  console.log(`a gateway at QoS 1, ${RATE.toLocaleString("en-US")} msg/s × ${SECONDS} s, one point per message; the fault ${FAULT_AT_MS / 1000} s in\n`);
  console.log(`${"system".padEnd(44)} ${"fault".padEnd(40)} ${"sent".padStart(8)} ${"landed".padStart(8)} ${"lost".padStart(8)}`);
  let run = 0;
  for (const fault of ["influx", "kill"] as const) {
    for (const system of systems) {
      const o = await scenario(system, fault, run++);
      const lost = o.sent - o.landed;
      const f = (n: number) => n.toLocaleString("en-US").padStart(8);
      console.log(`${system.label.padEnd(44)} ${faults[fault].padEnd(40)} ${f(o.sent)} ${f(o.landed)} ${f(lost)}${lost ? ` (${((lost / o.sent) * 100).toFixed(1)} %)` : ""}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
