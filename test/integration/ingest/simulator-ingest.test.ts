// The demo's shape, through the real CLI: the simulator source serves the line over OPC UA and Sparkplug (an
// embedded broker), the opcua source finds it by browsing, the sparkplug source follows the edge node, and
// two minutes of history go in first — the exact count the model says.
import { afterAll, describe, expect, it } from "vitest";
import { lineFromConfig, simulatorConfigSchema } from "../../../ingest/sources/simulator/index";
import { simulateLine } from "../../../ingest/sources/simulator/model";
import { machineSignals } from "../../../ingest/sources/simulator/spec";
import { requireService, uniqueName } from "../../support/services";
import { CliProcesses, cliConfig, dropDatabase, freePort, influxQuery, metricValue, tempDir, until } from "./support";

const influxUrl = requireService("influx");

describe.skipIf(!influxUrl)("simulator source + opcua and sparkplug sources → InfluxDB", () => {
  const temp = tempDir("zp-simulator");
  const database = uniqueName("zp_simulator");
  const processes = new CliProcesses();
  afterAll(async () => {
    await processes.stopAll("SIGTERM");
    await dropDatabase(influxUrl!, database);
    temp.remove();
  });

  it("writes the history exactly and then streams the live line through both protocols", async () => {
    const [opcuaPort, brokerPort] = [await freePort(), await freePort()];
    const hostId = uniqueName("zhiping");
    // The edge waits for the ingest's host to be online (it starts later), so no DATA arrives before a BIRTH.
    const simulator = {
      line: { preset: "demo", enterprise: "e2e-demo", line: "line1", machines: 2 },
      seed: 7,
      history: "2m",
      opcua: { port: opcuaPort },
      sparkplug: { port: brokerPort, primaryHostId: hostId },
    };
    const { file: config, httpPort } = await cliConfig(temp.dir, {
      dataDir: `${temp.dir}/data`,
      sources: [
        { type: "simulator", name: "sim", ...simulator },
        {
          type: "opcua",
          name: "opcua",
          endpoint: `opc.tcp://127.0.0.1:${opcuaPort}`,
          subscription: { publishingIntervalMs: 200 },
          monitoring: { samplingIntervalMs: 0, queueSize: 20 },
          discovery: [
            {
              root: "nsu=urn:zhiping:simulator;s=line1",
              maxDepth: 2,
              levels: ["machine", "signal"],
              assign: { enterprise: "e2e-demo", line: "line1" },
              kinds: [{ match: "^State$", kind: "state" }, { match: "Count$", kind: "counter" }],
            },
          ],
        },
        { type: "sparkplug", name: "sparkplug", url: `mqtt://127.0.0.1:${brokerPort}`, protocolVersion: 4, clientId: uniqueName("host"), hostId, groups: ["e2e-demo"] },
      ],
      sinks: [{ type: "influx", url: influxUrl, database, createDatabase: true, flushInterval: "200ms" }],
      registry: {
        conventions: [
          { source: "opcua" },
          { source: "sparkplug", match: "{enterprise}/{line}/{machine}/{signal}Count", signal: "{signal}Count", kind: "counter" },
          { source: "sparkplug", match: "{enterprise}/{line}/{machine}/State", signal: "State", kind: "state" },
          { source: "sparkplug", enterprise: "{group}", line: "{edge_node}", machine: "{device}", signal: "{metric}" },
        ],
      },
    });
    const ingest = processes.on(config);
    ingest.start();
    await until("every source connected", async () => {
      const body = (await (await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => null))?.json().catch(() => null)) as { sources?: Record<string, { state: string }> } | null;
      return ["sim", "opcua", "sparkplug"].every((s) => body?.sources?.[s]?.state === "connected");
    }, 40_000, 200);

    // The history starts at the line's epoch: the earliest point stored.
    const first = await until("the history's first point", async () => (await influxQuery(influxUrl!, database, `SELECT "quality" FROM "state" ORDER BY time ASC LIMIT 1`))?.results?.[0]?.series?.[0]?.values?.[0]?.[0] as number | undefined, 20_000, 200);
    const epoch = first!;
    const liveFrom = epoch + 120_000;
    const line = lineFromConfig(simulatorConfigSchema.parse(simulator), liveFrom);
    expect(line.epoch).toBe(epoch);
    const expected = new Map<string, number>();
    for (const h of simulateLine(line, epoch, liveFrom - 1)) for (const s of machineSignals) expected.set(`${h.machine}.${s}`, 1 + h.changes.filter((c) => c.signal === s).length);
    const history = async () => {
      const out = new Map<string, number>();
      const body = await influxQuery(influxUrl!, database, `SELECT COUNT("quality") FROM "state","counter","gauge" WHERE time < ${liveFrom}ms GROUP BY "machine","signal"`);
      for (const s of body?.results?.[0]?.series ?? []) out.set(`${s.tags.machine}.${s.tags.signal}`, s.values[0][1]);
      return out;
    };
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    await until(`${total} history points`, async () => [...(await history()).values()].reduce((a, b) => a + b, 0) >= total, 30_000, 200);
    expect(await history()).toEqual(expected);

    // Live: both protocols deliver the same signals (same tags, same timestamps: they overwrite each other).
    await until("live energy readings of both machines through both sources", async () => {
      const live = await influxQuery(influxUrl!, database, `SELECT COUNT("value") FROM "gauge" WHERE "signal" = 'Energy' AND time > ${liveFrom + 1000}ms GROUP BY "machine"`);
      const opcua = (await metricValue(httpPort, "zhiping_ingest_points_spooled_total", { source: "opcua" })) ?? 0;
      const sparkplug = (await metricValue(httpPort, "zhiping_ingest_points_spooled_total", { source: "sparkplug" })) ?? 0;
      return (live?.results?.[0]?.series?.length ?? 0) === 2 && opcua > 14 && sparkplug > 14;
    }, 20_000, 250);
    expect(await metricValue(httpPort, "zhiping_ingest_dead_letters_stored")).toBe(0);
    expect(await ingest.stop("SIGTERM")).toBe(0);
  });
});
