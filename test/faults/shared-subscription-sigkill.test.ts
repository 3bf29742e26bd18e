// Two `zhiping ingest` workers share one stream ($share/zhiping/…); one is SIGKILLed mid-stream and started
// again, as a supervisor (systemd, Kubernetes) would. Nothing may be lost: what the dead worker had
// acknowledged is in its spool; what it had not is redelivered by the broker to its session.
// Measured on Mosquitto 2.0.11: the broker keeps handing a share of new messages to the dead worker's session
// (round robin over subscribers, connected or not), and delivers them when that worker reconnects — so a dead
// worker's share waits for its restart and is lost if its session expires first (README: run workers
// under a supervisor; keep sessionExpiry longer than any plausible outage).
import { afterAll, describe, expect, it } from "vitest";
import { CliProcesses, cliConfig, dropDatabase, freePort, influxCount, machineTopics, metricValue, OwnMosquitto, plantSource, publisher, startHealthy, steadyStream, tempDir, until } from "../integration/ingest/support";
import { requireService, uniqueName } from "../support/services";
import { count, printFigures, seconds } from "./figures";

const influxUrl = requireService("influx");
const mqttAvailable = requireService("mqtt");
const T0 = Date.UTC(2025, 10, 1);

describe.skipIf(!influxUrl || !mqttAvailable)("two ingest workers on a shared subscription, one SIGKILLed", () => {
  const temp = tempDir("zp-shared");
  const database = uniqueName("zp_shared");
  let broker: OwnMosquitto | undefined;
  const processes = new CliProcesses();
  afterAll(async () => {
    await processes.stopAll("SIGKILL");
    await broker?.stop();
    await dropDatabase(influxUrl!, database);
    temp.remove();
  });

  it("loses nothing: the survivor keeps its share flowing, the restarted worker delivers the rest", async () => {
    broker = new OwnMosquitto(temp.dir, await freePort());
    await broker.start();
    const worker = async (name: "a" | "b") => {
      const { file: config, httpPort } = await cliConfig(
        temp.dir,
        {
          dataDir: `${temp.dir}/data-${name}`, // one spool per worker
          sources: [
            // fixed per worker: its session outlives the process
            { ...plantSource(broker!.url, "$share/zhiping/plant/+/telemetry"), clientId: `${database}-worker-${name}` },
          ],
          sinks: [{ type: "influx", url: influxUrl, database, createDatabase: true, flushInterval: "200ms" }],
          registry: machineTopics("plant/{machine}/telemetry"),
        },
        `ingest-${name}.yaml`,
      );
      const start = () => startHealthy(processes.on(config), httpPort, `worker ${name}`);
      const spooled = async () => (await metricValue(httpPort, "zhiping_ingest_points_spooled_total", { source: "plant" }).catch(() => undefined)) ?? 0;
      return { start, spooled };
    };
    const a = await worker("a");
    const b = await worker("b");
    const workerA = await a.start();
    const workerB = await b.start();

    const total = 6000;
    const pub = await publisher(broker.url, uniqueName("gateway"));
    const stream = steadyStream(pub, { total, perTick: 100, t0: T0, topic: (i) => `plant/m${i % 8}/telemetry` });

    await until("both workers taking a share", async () => (await a.spooled()) > 500 && (await b.spooled()) > 500);
    const bSpooledAtKill = await b.spooled();
    expect(await workerB.stop("SIGKILL")).toBeNull();
    const killedAt = Date.now();
    const aAtKill = await a.spooled();
    await new Promise((r) => setTimeout(r, 1500));
    const aWhileDown = (await a.spooled()) - aAtKill;
    expect(aWhileDown).toBeGreaterThan(0); // the survivor's share keeps flowing
    expect(stream.published).toBeLessThan(total); // and the stream was still running

    const workerB2 = await b.start(); // same client id and spool: its session and its acknowledged points
    const downMs = Date.now() - killedAt;
    await stream.done;
    await pub.endAsync();
    await until("every message in InfluxDB", async () => (await influxCount(influxUrl!, database, "gauge")) >= total, 60_000, 200);
    const landed = await influxCount(influxUrl!, database, "gauge");
    expect(landed).toBe(total);
    const bAfterRestart = await b.spooled();
    expect(await workerA.stop("SIGTERM")).toBe(0);
    expect(await workerB2.stop("SIGTERM")).toBe(0);
    printFigures(
      "one of two shared-subscription workers SIGKILLed",
      `worker B killed after spooling ${count(bSpooledAtKill)}, restarted ${seconds(downMs)} later; meanwhile A took ${count(aWhileDown)} (its share); ` +
        `B took ${count(bAfterRestart)} after its restart (what the broker held for its session, unacknowledged ones again); ` +
        `${count(total)} sent, ${count(landed)} landed, ${count(total - landed)} lost`,
    );
  });
});
