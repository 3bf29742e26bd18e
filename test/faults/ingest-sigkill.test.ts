// The real `zhiping ingest` process, SIGKILLed in the middle of a QoS 1 stream and started again: every
// message published arrives in InfluxDB exactly once (acknowledged ⇒ on disk; unacknowledged ⇒ redelivered
// by the broker; duplicates overwrite themselves).
import { afterAll, describe, expect, it } from "vitest";
import { requireService, uniqueName } from "../support/services";
import { CliProcesses, cliConfig, dropDatabase, freePort, influxCount, machineTopics, metricValue, OwnMosquitto, plantSource, publisher, startHealthy, steadyStream, tempDir, until } from "../integration/ingest/support";
import { count, printFigures, seconds } from "./figures";

const influxUrl = requireService("influx");
const mqttAvailable = requireService("mqtt");
const T0 = Date.UTC(2025, 5, 1);

describe.skipIf(!influxUrl || !mqttAvailable)("ingest killed with SIGKILL mid-stream", () => {
  const temp = tempDir("zp-sigkill");
  const database = uniqueName("zp_sigkill");
  let broker: OwnMosquitto;
  const processes = new CliProcesses();
  afterAll(async () => {
    await processes.stopAll("SIGKILL");
    await broker?.stop();
    await dropDatabase(influxUrl!, database);
    temp.remove();
  });

  it("delivers the exact count after a restart", async () => {
    broker = new OwnMosquitto(temp.dir, await freePort());
    await broker.start();
    const { file: config, httpPort } = await cliConfig(temp.dir, {
      dataDir: `${temp.dir}/data`,
      // One client id across the restart: the broker keeps our session.
      sources: [plantSource(broker.url, "sigkill/+/telemetry")],
      sinks: [{ type: "influx", url: influxUrl, database, createDatabase: true, flushInterval: "200ms", batchSize: 500 }],
      registry: machineTopics("sigkill/{machine}/telemetry"),
    });
    const start = () => startHealthy(processes.on(config), httpPort);
    const first = await start();

    const total = 4000;
    const pub = await publisher(broker.url, uniqueName("pub"));
    // ~2,000 msg/s, so the kill lands while messages are in flight.
    const stream = steadyStream(pub, { total, perTick: 100, t0: T0, topic: (i) => `sigkill/m${i % 8}/telemetry` });

    await until("a third of the stream spooled", async () => ((await metricValue(httpPort, "zhiping_ingest_points_spooled_total", { source: "plant" })) ?? 0) > total / 3);
    // Written first: what is written was spooled before, so the two readings stay consistent.
    const writtenBeforeKill = (await metricValue(httpPort, "zhiping_ingest_points_written_total", { sink: "influx" })) ?? 0;
    const spooledBeforeKill = (await metricValue(httpPort, "zhiping_ingest_points_spooled_total", { source: "plant" })) ?? 0;
    expect(await first.stop("SIGKILL")).toBeNull(); // no exit code: killed by the signal
    const killedAt = Date.now();
    const publishedAtKill = stream.published;
    expect(stream.published).toBeLessThan(total); // the kill landed while the stream was still flowing
    const second = await start();
    const restartedAt = Date.now();
    await stream.done;
    await pub.endAsync();

    await until("exactly every message in InfluxDB", async () => (await influxCount(influxUrl!, database, "gauge")) >= total, 60_000, 200);
    const caughtUpMs = Date.now() - restartedAt;
    const landed = await influxCount(influxUrl!, database, "gauge");
    expect(landed).toBe(total);
    await until("spool drained", async () => (await metricValue(httpPort, "zhiping_ingest_spool_points")) === 0);
    expect(await metricValue(httpPort, "zhiping_ingest_dead_letters_stored")).toBe(0);
    expect(await second.stop("SIGTERM")).toBe(0);
    printFigures(
      "ingest SIGKILLed mid-stream",
      `killed with ${count(publishedAtKill)} of ${count(total)} published (${count(spooledBeforeKill)} acknowledged, ${count(writtenBeforeKill)} of them written); ` +
        `restarted ${seconds(restartedAt - killedAt)} later; ${count(total)} sent, ${count(landed)} landed, ${count(total - landed)} lost; caught up ${seconds(caughtUpMs)} after the restart`,
    );
  });
});
