// JSON over real Mosquitto → ingest → real InfluxDB: topic levels become tags, every value arrives exactly
// once with its type and timestamp; a shared subscription splits one stream between two workers.
import { afterAll, describe, expect, it } from "vitest";
import type { IngestService } from "../../../ingest/core/service";
import { requireService, uniqueName } from "../../support/services";
import { dropDatabase, influxCount, influxQuery, metricValue, publishAll, publisher, startInProcess, tempDir, until, untilPlantConnected } from "./support";

const influxUrl = requireService("influx");
const mqttUrl = requireService("mqtt");
const T0 = Date.UTC(2025, 3, 1, 0, 0, 0);

function config(dir: string, prefix: string, database: string, clientId: string, topic: string) {
  return {
    dataDir: dir,
    http: { port: 0 },
    sources: [
      {
        type: "mqtt",
        name: "plant",
        url: mqttUrl,
        clientId,
        subscriptions: [
          {
            topic,
            json: {
              timestamp: { path: "ts", format: "rfc3339" },
              fields: [
                { path: "spindle.rpm", type: "float", signal: "spindle_speed" },
                { path: "parts", type: "int", signal: "good_parts" },
                { path: "door_open", type: "bool" },
                { path: "program", type: "string" },
              ],
            },
          },
        ],
      },
    ],
    sinks: [{ type: "influx", name: "influx", url: influxUrl, database, createDatabase: true, flushInterval: "100ms" }],
    registry: { conventions: [{ source: "mqtt", match: `${prefix}/{enterprise}/{line}/{machine}/telemetry` }] },
  };
}

describe.skipIf(!influxUrl || !mqttUrl)("MQTT JSON → InfluxDB", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("parses topic levels into tags and delivers every value exactly once with its type and time", async () => {
    const prefix = uniqueName("zp/json");
    const database = uniqueName("zp_json");
    const temp = tempDir("zp-json");
    const service = await startInProcess(temp.dir, config(temp.dir, prefix, database, uniqueName("ingest"), `${prefix}/+/+/+/telemetry`));
    cleanups.push(() => temp.remove(), () => dropDatabase(influxUrl!, database), () => service.stop());
    await untilPlantConnected(service);

    const machines = ["cnc-01", "cnc-02", "一号压机"];
    const perMachine = 200;
    const messages: Array<[string, string]> = [];
    for (let i = 0; i < perMachine; i++)
      for (const [m, machine] of machines.entries())
        messages.push([
          `${prefix}/宁波示例/line 1/${machine}/telemetry`,
          JSON.stringify({
            ts: new Date(T0 + i * 1000).toISOString(),
            spindle: { rpm: 1000 + i + m / 10 },
            parts: i * 2 + m,
            door_open: i % 2 === 0,
            program: `O${1000 + m}`,
          }),
        ]);
    const pub = await publisher(mqttUrl!, uniqueName("pub"));
    cleanups.push(() => pub.endAsync());
    await publishAll(pub, messages);

    const total = perMachine * machines.length;
    await until("all values in InfluxDB", async () => (await influxCount(influxUrl!, database, "gauge")) === total && (await influxCount(influxUrl!, database, "text")) === total);
    expect(await influxCount(influxUrl!, database, "counter")).toBe(total);
    expect(await influxCount(influxUrl!, database, "flag")).toBe(total);

    // Values, types and timestamps for one machine, hand-computed from what was published.
    const body = await influxQuery(influxUrl!, database, `SELECT "value" FROM "gauge" WHERE "machine" = '一号压机' AND "line" = 'line 1' AND "enterprise" = '宁波示例' AND "signal" = 'spindle_speed' ORDER BY time LIMIT 3`);
    expect(body.results[0].series[0].values).toEqual([
      [T0, 1000.2],
      [T0 + 1000, 1001.2],
      [T0 + 2000, 1002.2],
    ]);
    const sum = await influxQuery(influxUrl!, database, `SELECT SUM("value") FROM "counter" WHERE "machine" = 'cnc-02'`);
    expect(sum.results[0].series[0].values[0][1]).toBe(Array.from({ length: perMachine }, (_, i) => i * 2 + 1).reduce((a, b) => a + b, 0));
    const keys = await influxQuery(influxUrl!, database, "SHOW FIELD KEYS");
    expect(Object.fromEntries(keys.results[0].series.map((s: any) => [s.name, Object.fromEntries(s.values)]))).toEqual({
      counter: { quality: "string", value: "integer" },
      flag: { quality: "string", value: "boolean" },
      gauge: { quality: "string", value: "float" },
      text: { quality: "string", value: "string" },
    });
    const port = service.address!.port;
    expect(await metricValue(port, "zhiping_ingest_points_spooled_total", { source: "plant" })).toBe(total * 4);
    await until("points out counted", async () => (await metricValue(port, "zhiping_ingest_points_written_total", { sink: "influx" })) === total * 4);
    expect(await metricValue(port, "zhiping_ingest_source_state", { source: "plant", state: "connected" })).toBe(1);
    expect(service.store.countDeadLetters()).toBe(0);
  });

  it("splits a shared subscription between two workers and loses nothing", async () => {
    const prefix = uniqueName("zp/share");
    const database = uniqueName("zp_share");
    const group = uniqueName("g");
    const services: IngestService[] = [];
    for (const w of [1, 2]) {
      const temp = tempDir(`zp-share-${w}`);
      const service = await startInProcess(temp.dir, config(temp.dir, prefix, database, uniqueName(`worker${w}`), `$share/${group}/${prefix}/+/+/+/telemetry`));
      services.push(service);
      cleanups.push(() => temp.remove(), () => service.stop());
    }
    cleanups.push(() => dropDatabase(influxUrl!, database));
    for (const s of services) await untilPlantConnected(s);

    const n = 1000;
    const messages: Array<[string, string]> = Array.from({ length: n }, (_, i) => [
      `${prefix}/e/l/m${i % 10}/telemetry`,
      JSON.stringify({ ts: new Date(T0 + Math.floor(i / 10) * 1000).toISOString(), spindle: { rpm: i }, parts: i, door_open: false, program: "P" }),
    ]);
    const pub = await publisher(mqttUrl!, uniqueName("pub"));
    cleanups.push(() => pub.endAsync());
    await publishAll(pub, messages);
    await until("all in InfluxDB", async () => (await influxCount(influxUrl!, database, "gauge")) === n);
    const perWorker = await Promise.all(services.map((s) => metricValue(s.address!.port, "zhiping_ingest_points_spooled_total", { source: "plant" })));
    expect(perWorker.reduce((a, b) => a! + b!, 0)).toBe(n * 4);
    // Both took part (Mosquitto distributes round-robin).
    for (const v of perWorker) expect(v).toBeGreaterThan(0);
  });
});
