// OPC UA simulator → `zhiping ingest` (the real CLI process) → InfluxDB: the exact number of points per signal
// and the exact values, as the pure model says.
import { afterAll, describe, expect, it } from "vitest";
import { simulateLine } from "../../../ingest/sources/simulator/model";
import { opcuaAddress, simulatorRegistry } from "../../../ingest/sources/simulator/registry";
import { LineServer } from "../../../ingest/sources/simulator/server";
import { machineSignals, parseLineSpec } from "../../../ingest/sources/simulator/spec";
import { requireService, uniqueName } from "../../support/services";
import { CliProcesses, cliConfig, dropDatabase, influxQuery, metricValue, tempDir, until } from "./support";

const influxUrl = requireService("influx");
const epoch = Math.floor(Date.now() / 1000) * 1000 - 7_200_000;
const line = parseLineSpec({
  enterprise: "ningbo-demo",
  line: "line1",
  seed: 8,
  epoch,
  machines: ["M1", "M2"].map((id, i) => ({
    id,
    idealCycleTimeS: 1.2,
    cycleTimeS: 1.5 + i * 0.25,
    behaviour: { kind: "schedule" as const, cycle: [{ state: "Executing" as const, durationS: 5 + i }, { state: "NotExecuting" as const, durationS: 2 }] },
    quality: { badEvery: 5 },
    spindleSpeedRpm: 2000,
    spindleNoiseRpm: 10,
    temperature: { ambientC: 20, idleC: 28, executingC: 44, timeConstantS: 20, noiseC: 0.1 },
    powerKw: { NotAvailable: 0, OutOfService: 0.4, NotExecuting: 1.6, Executing: 6.4 },
    initial: { goodCount: 123_456, badCount: 7, energyKWh: 5000 },
  })),
});

/** Points per machine.signal, and the counter values in time order, as stored in InfluxDB. */
async function stored(database: string) {
  const counts = new Map<string, number>();
  const body = await influxQuery(influxUrl!, database, `SELECT COUNT("quality") FROM "state","counter","gauge" GROUP BY "machine","signal"`);
  for (const s of body?.results?.[0]?.series ?? []) counts.set(`${s.tags.machine}.${s.tags.signal}`, s.values[0][1]);
  return counts;
}

describe.skipIf(!influxUrl)("opcua simulator → zhiping ingest → InfluxDB", () => {
  const temp = tempDir("zp-opcua-influx");
  const database = uniqueName("zp_opcua");
  let server: LineServer | undefined;
  const processes = new CliProcesses();
  afterAll(async () => {
    await processes.stopAll("SIGTERM");
    await server?.close();
    await dropDatabase(influxUrl!, database);
    temp.remove();
  });

  it("stores every value change once, with its value and source timestamp", async () => {
    server = new LineServer({ line, pkiFolder: `${temp.dir}/server-pki` });
    await server.start();
    const from = epoch;
    const to = epoch + 30_000;
    const player = server.play({ from, to, speed: 10, autostart: false });
    const { file: config, httpPort } = await cliConfig(temp.dir, {
      dataDir: `${temp.dir}/data`,
      sources: [
        {
          type: "opcua",
          name: "line1-opcua",
          endpoint: server.endpointUrl,
          subscription: { publishingIntervalMs: 100 },
          monitoring: { samplingIntervalMs: 0, queueSize: 50 },
          nodes: line.machines.flatMap((m) => machineSignals.map((s) => opcuaAddress(line, m.id, s))),
        },
      ],
      sinks: [{ type: "influx", url: influxUrl, database, createDatabase: true, flushInterval: "200ms" }],
      registry: simulatorRegistry(line),
    });
    const ingest = processes.on(config);
    ingest.start();
    await until("the 14 initial values in InfluxDB", async () => [...(await stored(database)).values()].reduce((a, b) => a + b, 0) === 14, 30_000, 200);
    player.start();
    await player.done;

    const history = simulateLine(line, from, to);
    const expected = new Map<string, number>();
    for (const h of history) for (const s of machineSignals) expected.set(`${h.machine}.${s}`, 1 + h.changes.filter((c) => c.signal === s).length);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    await until(`${total} points in InfluxDB`, async () => [...(await stored(database)).values()].reduce((a, b) => a + b, 0) >= total, 30_000, 200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await stored(database)).toEqual(expected);

    // Exact values: the good-part counter of M2 (integer field) and M1's temperature (float), with their times.
    const good = await influxQuery(influxUrl!, database, `SELECT "value" FROM "counter" WHERE "machine" = 'M2' AND "signal" = 'GoodCount'`);
    const m2 = history[1];
    expect(good.results[0].series[0].values).toEqual([
      [from, m2.initial.GoodCount],
      ...m2.changes.filter((c) => c.signal === "GoodCount").map((c) => [c.time, c.value]),
    ]);
    const temperature = await influxQuery(influxUrl!, database, `SELECT "value" FROM "gauge" WHERE "machine" = 'M1' AND "signal" = 'Temperature'`);
    const m1 = history[0];
    expect(temperature.results[0].series[0].values).toEqual([
      [from, m1.initial.Temperature],
      ...m1.changes.filter((c) => c.signal === "Temperature").map((c) => [c.time, c.value]),
    ]);
    expect(await metricValue(httpPort, "zhiping_ingest_dead_letters_stored")).toBe(0);
    expect(await ingest.stop("SIGTERM")).toBe(0);
  });
});
