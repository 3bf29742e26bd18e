// InfluxDB stopped in the middle of a stream and started again (our own influxd, never the shared one):
// the spool holds the points, the sink retries with backoff, and the exact count arrives.
import { afterAll, describe, expect, it } from "vitest";
import type { IngestService } from "../../ingest/core/service";
import { requireService, uniqueName } from "../support/services";
import { freePort, influxCount, machineTopics, metricValue, OwnInfluxd, plantSource, publishAll, publisher, reading, startInProcess, tempDir, until, untilPlantConnected } from "../integration/ingest/support";
import { count, printFigures, seconds } from "./figures";

const influxAvailable = requireService("influx"); // the binary comes with the test services
const mqttUrl = requireService("mqtt");
const T0 = Date.UTC(2025, 6, 1);

describe.skipIf(!influxAvailable || !mqttUrl)("InfluxDB outage mid-stream", () => {
  const temp = tempDir("zp-outage");
  let influxd: OwnInfluxd;
  let service: IngestService | undefined;
  afterAll(async () => {
    await service?.stop();
    await influxd?.stop();
    temp.remove();
  });

  it("holds the points while InfluxDB is down and delivers the exact count after it returns", async () => {
    influxd = new OwnInfluxd(`${temp.dir}/influx`, await freePort());
    await influxd.start();
    const database = "outage";
    const prefix = uniqueName("outage");
    service = await startInProcess(temp.dir, {
      dataDir: `${temp.dir}/data`,
      http: { port: 0 },
      sources: [plantSource(mqttUrl!, `${prefix}/+`)],
      sinks: [{ type: "influx", url: influxd.url, database, createDatabase: true, flushInterval: "100ms", batchSize: 1000, retry: { initial: "50ms", max: "500ms" }, timeout: "2s" }],
      registry: machineTopics(`${prefix}/{machine}`),
    });
    const port = service.address!.port;
    await untilPlantConnected(service);
    const pub = await publisher(mqttUrl!, uniqueName("pub"));
    const message = (i: number): [string, string] => [`${prefix}/m${i % 5}`, reading(T0, i)];
    const part = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => message(from + k));

    await publishAll(pub, part(0, 1000));
    await until("first part written", async () => (await influxCount(influxd.url, database, "gauge")) === 1000);

    await influxd.stop();
    const stoppedAt = Date.now();
    await publishAll(pub, part(1000, 2500)); // accepted and acknowledged while InfluxDB is down
    await until("the outage noticed", async () => ((await metricValue(port, "zhiping_ingest_sink_retries_total", { sink: "influx", reason: "transient" })) ?? 0) > 0);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as any).sinks.influx.state).toBe("retrying");
    expect(await metricValue(port, "zhiping_ingest_spool_points")).toBe(1500);

    await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - stoppedAt)))); // down for a while
    await influxd.start();
    const restartedAt = Date.now();
    await publishAll(pub, part(2500, 3000));
    await pub.endAsync();
    await until("exact count after the restart", async () => (await influxCount(influxd.url, database, "gauge")) === 3000, 30_000, 100);
    const caughtUpMs = Date.now() - restartedAt;
    await until("spool drained", async () => (await metricValue(port, "zhiping_ingest_spool_points")) === 0);
    expect(await metricValue(port, "zhiping_ingest_sink_up", { sink: "influx" })).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const landed = await influxCount(influxd.url, database, "gauge");
    printFigures(
      "InfluxDB stopped mid-stream",
      `down ${seconds(restartedAt - stoppedAt)}; ${count(3000)} sent (${count(1500)} while down), ${count(landed)} landed, ${count(3000 - landed)} lost; caught up ${seconds(caughtUpMs)} after the restart`,
    );
  });
});
