// The InfluxDB sink's answers to what a real InfluxDB says when something is wrong, on an influxd of this
// test's own (auth enabled, a small request body limit): 401 → retry with the `unauthorized` alarm until the
// credentials work; 404 → create the database (or the `database_missing` alarm); 413 → split until it fits;
// 400 "points beyond retention policy" → exactly the old points refused, the rest written. The last two also
// through the delivery's path: the spool's line protocol sent as it is, points decoded only to split.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChunkBatch, encodeChunk } from "../../../ingest/core/point-codec";
import type { Point } from "../../../ingest/core/types";
import { InfluxSink } from "../../../ingest/sinks/influx";
import { requireService } from "../../support/services";
import { freePort, OwnInfluxd, tempDir } from "./support";

const available = requireService("influx");
const NOW = Date.now();

const point = (i: number, time: number): Point => ({
  measurement: "gauge",
  tags: { enterprise: "e", line: "l", machine: `m${i % 3}`, signal: "temperature" },
  fields: { quality: "good", value: i + 0.5 },
  time,
  quality: "good",
});

const sink = (url: string, database: string, extra: Partial<ConstructorParameters<typeof InfluxSink>[1]> = {}) =>
  new InfluxSink("influx", { url, database, createDatabase: true, timeout: 5000, gzip: false, username: "ingest", password: "pw", ...extra });

describe.skipIf(!available)("InfluxDB sink faults (own influxd: auth, 4 KB body limit)", () => {
  const temp = tempDir("zp-influx-faults");
  let influxd: OwnInfluxd;
  beforeAll(async () => {
    influxd = new OwnInfluxd(temp.dir, await freePort(), "  auth-enabled = true\n  max-body-size = 4000");
    await influxd.start();
  });
  afterAll(async () => {
    await influxd?.stop();
    temp.remove();
  });

  const query = async (q: string, db?: string) => {
    const params = new URLSearchParams({ q, u: "ingest", p: "pw", epoch: "ms", ...(db ? { db } : {}) });
    return (await fetch(`${influxd.url}/query?${params}`, { method: "POST" })).json() as Promise<any>;
  };

  it("retries with the unauthorized alarm until the user exists, then creates the database and writes", async () => {
    const s = sink(influxd.url, "faults");
    const before = await s.write([point(1, NOW)]);
    expect(before).toMatchObject({ kind: "retry", alarm: "unauthorized" });
    // The administrator fixes the credentials (the first user can be created without any).
    await fetch(`${influxd.url}/query?${new URLSearchParams({ q: "CREATE USER ingest WITH PASSWORD 'pw' WITH ALL PRIVILEGES" })}`, { method: "POST" });
    expect(await s.write([point(1, NOW)])).toEqual({ kind: "ok" });
    const rows = await query('SELECT "value" FROM "gauge"', "faults");
    expect(rows.results[0].series[0].values).toEqual([[NOW, 1.5]]);
  });

  it("raises database_missing instead of creating when not allowed to", async () => {
    const s = sink(influxd.url, "not_there", { createDatabase: false });
    expect(await s.write([point(1, NOW)])).toMatchObject({ kind: "retry", alarm: "database_missing" });
  });

  // The delivery's way: two spool chunks of line protocol, sent as they are.
  const spooled = (points: Point[]) => new ChunkBatch([encodeChunk(points.slice(0, 100)), encodeChunk(points.slice(100))], points.length);

  it.each(["points", "spooled line protocol"])("splits a batch the server finds too large (413) until every part fits (%s)", async (how) => {
    const s = sink(influxd.url, "faults");
    const t0 = NOW - (how === "points" ? 10_000 : 20_000);
    const batch = Array.from({ length: 300 }, (_, i) => point(i, t0 + i)); // ~27 KB of line protocol
    expect(how === "points" ? await s.write(batch) : await s.writeLineProtocol(spooled(batch))).toEqual({ kind: "ok" });
    const count = await query(`SELECT COUNT("value") FROM "gauge" WHERE time >= ${t0}ms AND time < ${t0 + 300}ms`, "faults");
    expect(count.results[0].series[0].values[0][1]).toBe(300);
  });

  it.each(["points", "spooled line protocol"])("refuses exactly the points beyond the retention policy, with InfluxDB's reason, and writes the rest (%s)", async (how) => {
    const rp = how === "points" ? "hour" : "hour2";
    await query(`CREATE RETENTION POLICY "${rp}" ON "faults" DURATION 1h REPLICATION 1`, "faults");
    const s = sink(influxd.url, "faults", { retentionPolicy: rp });
    const old = NOW - 3 * 3600_000;
    const batch = [point(1, NOW - 3), point(2, old), point(3, NOW - 2), point(4, old + 1), point(5, NOW - 1), point(6, old + 2), point(7, NOW)];
    const outcome = how === "points" ? await s.write(batch) : await s.writeLineProtocol(spooled(batch));
    expect(outcome.kind).toBe("partial");
    const rejected = outcome.kind === "partial" ? outcome.rejected : [];
    expect(rejected.map((r) => r.point.time)).toEqual([old, old + 1, old + 2]);
    for (const r of rejected) expect(r.reason).toMatch(/^beyond_retention: partial write: points beyond retention policy dropped=\d+$/);
    const rows = await query(`SELECT "value" FROM "${rp}"."gauge"`, "faults");
    expect(rows.results[0].series[0].values.map((v: number[]) => v[1])).toEqual([1.5, 3.5, 5.5, 7.5]);
  });
});
