// Sparkplug edge (the simulated line) → Mosquitto → `zhiping ingest` (the real CLI) → InfluxDB: exact counts
// through an injected seq gap (rebirth, new aliases), then STALE for every metric after the NDEATH.
import { afterAll, describe, expect, it } from "vitest";
import { LineEdge } from "../../../ingest/sources/simulator/edge";
import { simulateLine } from "../../../ingest/sources/simulator/model";
import { simulatorRegistry } from "../../../ingest/sources/simulator/registry";
import { machineSignals, parseLineSpec } from "../../../ingest/sources/simulator/spec";
import { requireService, uniqueName } from "../../support/services";
import { CliProcesses, cliConfig, dropDatabase, influxQuery, metricValue, tempDir, until } from "./support";

const influxUrl = requireService("influx");
const mqttUrl = requireService("mqtt");
const epoch = Math.floor(Date.now() / 1000) * 1000 - 7_200_000;

describe.skipIf(!influxUrl || !mqttUrl)("sparkplug edge → Mosquitto → zhiping ingest → InfluxDB", () => {
  const temp = tempDir("zp-sparkplug-influx");
  const database = uniqueName("zp_sparkplug");
  const group = uniqueName("plant");
  const line = parseLineSpec({
    enterprise: group,
    line: "line1",
    seed: 4,
    epoch,
    machines: ["M1", "M2", "M3"].map((id, i) => ({
      id,
      idealCycleTimeS: 2,
      cycleTimeS: 2 + i * 0.5,
      behaviour: { kind: "schedule" as const, cycle: [{ state: "Executing" as const, durationS: 6 }, { state: "OutOfService" as const, durationS: 3 }] },
      quality: { badEvery: 6 },
      spindleSpeedRpm: 1800,
      temperature: { ambientC: 22, idleC: 29, executingC: 41, timeConstantS: 25 },
      powerKw: { NotAvailable: 0, OutOfService: 0.5, NotExecuting: 1, Executing: 5.5 },
      initial: { goodCount: 2 ** 33, badCount: 12, energyKWh: 870 },
    })),
  });
  let edge: LineEdge | undefined;
  const processes = new CliProcesses();
  afterAll(async () => {
    await edge?.stop();
    await processes.stopAll("SIGTERM");
    await dropDatabase(influxUrl!, database);
    temp.remove();
  });

  async function counts(where = "") {
    const out = new Map<string, number>();
    const body = await influxQuery(influxUrl!, database, `SELECT COUNT("quality") FROM "state","counter","gauge" ${where} GROUP BY "machine","signal"`);
    for (const s of body?.results?.[0]?.series ?? []) out.set(`${s.tags.machine}.${s.tags.signal}`, s.values[0][1]);
    return out;
  }

  it("stores every value once through a rebirth, and STALE for every metric after the node dies", async () => {
    const { file: config, httpPort } = await cliConfig(temp.dir, {
      dataDir: `${temp.dir}/data`,
      sources: [{ type: "sparkplug", name: "plant-sparkplug", url: mqttUrl, clientId: uniqueName("host"), hostId: uniqueName("zhiping"), groups: [group], reorderTimeout: "300ms", rebirthMinInterval: "1s" }],
      sinks: [{ type: "influx", url: influxUrl, database, createDatabase: true, flushInterval: "200ms" }],
      registry: simulatorRegistry(line),
    });
    const ingest = processes.on(config);
    ingest.start();
    await until("the ingest's sparkplug source connected", async () => {
      const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => null);
      const body = (await health?.json().catch(() => null)) as { sources?: Record<string, { state: string }> } | null;
      return body?.sources?.["plant-sparkplug"]?.state === "connected";
    }, 30_000, 100);

    edge = new LineEdge({ line, url: mqttUrl!, clientId: uniqueName("edge"), renumberAliasesOnBirth: true });
    await edge.start();
    const from = epoch;
    const to = epoch + 40_000;
    const player = edge.play({ from, to, speed: 10 });
    await new Promise((r) => setTimeout(r, 1500));
    edge.skipSequence(2); // two sequence numbers never published: a gap the host must notice
    await player.done;
    expect(edge.rebirthRequests).toBe(1);
    expect(edge.births).toBeGreaterThanOrEqual(2);

    const expected = new Map<string, number>();
    for (const h of simulateLine(line, from, to)) for (const s of machineSignals) expected.set(`${h.machine}.${s}`, 1 + h.changes.filter((c) => c.signal === s).length);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    await until(`${total} points in InfluxDB`, async () => [...(await counts()).values()].reduce((a, b) => a + b, 0) >= total, 30_000, 200);
    await new Promise((r) => setTimeout(r, 500));
    // The rebirth repeats current values with their own timestamps: they overwrite themselves.
    expect(await counts()).toEqual(expected);
    const good = await influxQuery(influxUrl!, database, `SELECT LAST("value") FROM "counter" WHERE "machine" = 'M1' AND "signal" = 'GoodCount'`);
    expect(good.results[0].series[0].values[0][1]).toBe(simulateLine(line, to, to)[0].initial.GoodCount);

    await edge.disconnectAbruptly();
    await until("STALE for all 21 metrics", async () => [...(await counts(`WHERE "quality" = 'stale'`)).values()].length === 21, 20_000, 200);
    const stale = await influxQuery(influxUrl!, database, `SELECT * FROM "state","counter","gauge" WHERE "quality" = 'stale'`);
    for (const s of stale.results[0].series) {
      const valueColumn = s.columns.indexOf("value");
      for (const row of s.values) expect(row[valueColumn]).toBeNull();
    }
    expect(await metricValue(httpPort, "zhiping_ingest_dead_letters_stored")).toBe(0);
    expect(await ingest.stop("SIGTERM")).toBe(0);
  });
});
