// Mosquitto restarted in the middle of a QoS 1 stream (a broker of this test's own, with persistence, as a
// plant broker runs). The ingest's session (fixed client id, clean: false) survives in the broker's database;
// the gateway keeps a persistent session too and publishes again what was not acknowledged. The ingest must
// resume within 5 s of the broker being back, and every message must land in InfluxDB exactly once.
import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import type { IngestService } from "../../ingest/core/service";
import { dropDatabase, freePort, influxCount, machineTopics, metricValue, OwnMosquitto, plantSource, plantState, startInProcess, steadyStream, tempDir, until, untilPlantConnected } from "../integration/ingest/support";
import { requireService, uniqueName } from "../support/services";
import { count, printFigures, seconds } from "./figures";

const influxUrl = requireService("influx");
const mqttAvailable = requireService("mqtt"); // the mosquitto binary comes with the test services
const T0 = Date.UTC(2025, 9, 1);

describe.skipIf(!influxUrl || !mqttAvailable)("Mosquitto restarted mid-stream", () => {
  const temp = tempDir("zp-broker-restart");
  const database = uniqueName("zp_broker_restart");
  let broker: OwnMosquitto | undefined;
  let service: IngestService | undefined;
  afterAll(async () => {
    await service?.stop();
    await broker?.stop();
    await dropDatabase(influxUrl!, database);
    temp.remove();
  });

  it("resumes within 5 s of the broker's return and loses nothing at QoS 1", async () => {
    // Persistence: sessions, subscriptions and queued QoS 1 messages are saved when mosquitto stops.
    broker = new OwnMosquitto(temp.dir, await freePort(), `persistence true\npersistence_location ${temp.dir}/\n`);
    await broker.start();
    service = await startInProcess(temp.dir, {
      dataDir: `${temp.dir}/data`,
      http: { port: 0 },
      // Reconnect settings are the defaults (500 ms doubling to 10 s): what an operator gets.
      sources: [plantSource(broker.url, "plant/+/telemetry")],
      sinks: [{ type: "influx", url: influxUrl, database, createDatabase: true, flushInterval: "200ms" }],
      registry: machineTopics("plant/{machine}/telemetry"),
    });
    const port = service.address!.port;
    await untilPlantConnected(service);
    const spooled = async () => (await metricValue(port, "zhiping_ingest_points_spooled_total", { source: "plant" })) ?? 0;

    // The gateway: persistent session, QoS 1, retries until every message has its PUBACK.
    const gateway = await mqtt.connectAsync(broker.url, {
      clientId: uniqueName("gateway"),
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 200,
    });
    let gatewayReconnects = 0;
    gateway.on("reconnect", () => gatewayReconnects++);
    const total = 3000;
    // ~1,000 msg/s, 50 unacknowledged at most: a steady stream the restart lands in the middle of.
    const stream = steadyStream(gateway, { total, perTick: 50, t0: T0, topic: (i) => `plant/m${i % 6}/telemetry` });

    await until("a quarter of the stream spooled", async () => (await spooled()) >= total / 4);
    await broker.stop();
    const stoppedAt = Date.now();
    await until("the ingest to notice", () => plantState(service!) !== "connected", 10_000);
    await new Promise((r) => setTimeout(r, Math.max(0, 2000 - (Date.now() - stoppedAt))));
    const beforeReturn = await spooled();
    await broker.start();
    const backAt = Date.now();
    await until("data flowing again", async () => (await spooled()) > beforeReturn, 15_000, 20);
    const resumedMs = Date.now() - backAt;
    expect(resumedMs).toBeLessThan(5000);

    await stream.done;
    await gateway.endAsync();
    await until("every message in InfluxDB", async () => (await influxCount(influxUrl!, database, "gauge")) >= total, 60_000, 200);
    const landed = await influxCount(influxUrl!, database, "gauge");
    expect(landed).toBe(total);
    await until("spool drained", async () => (await metricValue(port, "zhiping_ingest_spool_points")) === 0);
    expect(service.store.countDeadLetters()).toBe(0);
    expect(gatewayReconnects).toBeGreaterThan(0); // the gateway did live through the outage
    printFigures(
      "Mosquitto restarted mid-stream (persistence on)",
      `down ${seconds(backAt - stoppedAt)}; ingest resumed ${seconds(resumedMs)} after the broker was back (goal < 5 s); ` +
        `${count(total)} sent at QoS 1, ${count(landed)} landed, ${count(total - landed)} lost`,
    );
  });
});
