// The spool's disk budget exhausted while InfluxDB is unreachable: the ingest stops acknowledging (the broker
// holds the rest), raises the alarm, answers 503 — and once InfluxDB is up, every message arrives. No drop.
import { afterAll, describe, expect, it } from "vitest";
import type { IngestService } from "../../ingest/core/service";
import type { MqttJsonSource } from "../../ingest/sources/mqtt";
import { requireService, uniqueName } from "../support/services";
import { freePort, influxCount, machineTopics, metricValue, OwnInfluxd, OwnMosquitto, plantSource, publishAll, publisher, reading, startInProcess, tempDir, until, untilPlantConnected } from "../integration/ingest/support";
import { count, printFigures, seconds } from "./figures";

const available = requireService("influx") && requireService("mqtt");
const T0 = Date.UTC(2025, 8, 1);

describe.skipIf(!available)("spool budget exhausted", () => {
  const temp = tempDir("zp-budget");
  let service: IngestService | undefined;
  let influxd: OwnInfluxd | undefined;
  let broker: OwnMosquitto | undefined;
  afterAll(async () => {
    await service?.stop();
    await influxd?.stop();
    await broker?.stop();
    temp.remove();
  });

  it("applies backpressure with an alarm, then delivers everything once the sink is back", async () => {
    // Our own broker: it must queue the messages we refuse to acknowledge (max_queued_messages is high).
    broker = new OwnMosquitto(`${temp.dir}`, await freePort());
    await broker.start();
    const influxPort = await freePort(); // nothing listens here yet: every write fails
    const receiveMaximum = 100;
    service = await startInProcess(temp.dir, {
      dataDir: `${temp.dir}/data`,
      http: { port: 0 },
      spool: { budget: "40KiB" },
      sources: [
        { ...plantSource(broker.url, "budget/+"), receiveMaximum },
      ],
      sinks: [{ type: "influx", url: `http://127.0.0.1:${influxPort}`, database: "budget", createDatabase: true, flushInterval: "50ms", retry: { initial: "50ms", max: "300ms" }, timeout: "1s" }],
      registry: machineTopics("budget/{machine}"),
    });
    const port = service.address!.port;
    await untilPlantConnected(service);

    const total = 3000;
    const pub = await publisher(broker.url, uniqueName("pub"));
    await publishAll(pub, Array.from({ length: total }, (_, i) => [`budget/m${i % 4}`, reading(T0, i)] as [string, string]));

    await until("backpressure", async () => (await metricValue(port, "zhiping_ingest_backpressure")) === 1);
    expect(await metricValue(port, "zhiping_ingest_alarm", { component: "spool", alarm: "spool_full" })).toBe(1);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as any).spool.state).toBe("full");

    // Stalled: nothing more is spooled or acknowledged, and the broker sends nothing new. (Mosquitto 2.0
    // refills a whole Receive Maximum window per PUBACK, so more than one window may be out to us — but
    // without acknowledgements it sends no more.)
    const source = service.sources[0] as MqttJsonSource;
    const before = { spooled: await metricValue(port, "zhiping_ingest_points_spooled_total", { source: "plant" }), ...source.ackStats };
    await new Promise((r) => setTimeout(r, 500));
    const after = { spooled: await metricValue(port, "zhiping_ingest_points_spooled_total", { source: "plant" }), ...source.ackStats };
    expect(after).toEqual(before);
    expect(after.spooled).toBeLessThan(total);
    expect(after.inFlight).toBeGreaterThanOrEqual(receiveMaximum);

    // The sink comes back: the spool drains, acknowledgements resume, every message arrives.
    influxd = new OwnInfluxd(`${temp.dir}/influx`, influxPort);
    await influxd.start();
    const sinkBackAt = Date.now();
    await until("all delivered", async () => (await influxCount(influxd!.url, "budget", "gauge")) === total, 60_000, 200);
    const drainedMs = Date.now() - sinkBackAt;
    await until("alarm cleared", async () => (await metricValue(port, "zhiping_ingest_alarm", { component: "spool", alarm: "spool_full" })) === 0);
    expect(await metricValue(port, "zhiping_ingest_backpressure")).toBe(0);
    expect(service.store.countDeadLetters()).toBe(0);
    await pub.endAsync();
    const landed = await influxCount(influxd.url, "budget", "gauge");
    printFigures(
      "spool disk budget exhausted",
      `budget 40 KiB full after ${count(after.spooled!)} of ${count(total)} messages; the rest held by the broker unacknowledged (${count(after.inFlight)} in flight to us), ` +
        `alarm spool_full, /healthz 503, 0 dropped; InfluxDB back → ${count(landed)} landed, ${count(total - landed)} lost, 0 dead letters, caught up in ${seconds(drainedMs)}`,
    );
  });
});
