// What a reader says when it cannot read: an InfluxDB that does not answer, a database that is not there, a
// file that is not a telemetry store, arguments that make no sense. Each error names the place and the cause.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../ingest/core/config-errors";
import { EmbeddedTelemetryReader } from "../../../ingest/telemetry/embedded-reader";
import { InfluxTelemetryReader } from "../../../ingest/telemetry/influx-reader";
import { parseLineKpiConfig } from "../../../ingest/telemetry/config";
import { lineKpis } from "../../../ingest/telemetry/kpi-service";
import { TelemetryQueryError } from "../../../ingest/telemetry/reader";
import { freePort } from "../ingest/support";
import { requireService, uniqueName } from "../../support/services";

const influxUrl = requireService("influx");
const scope = { enterprise: "e1", line: "L1" };
const window = { from: Date.UTC(2025, 2, 1), to: Date.UTC(2025, 2, 2) };
const state = { machine: "M1", signal: "State", kind: "state" as const };
const config = parseLineKpiConfig({
  enterprise: "e1",
  line: "L1",
  machines: [{ id: "M1", idealCycleTimeS: 10, state: { signal: "State" }, parts: { kind: "goodAndBad", good: { signal: "G" }, bad: { signal: "B" } } }],
});

describe("InfluxDB reader errors", () => {
  it("names the server when nothing answers", async () => {
    const port = await freePort();
    const reader = new InfluxTelemetryReader({ url: `http://127.0.0.1:${port}`, database: "zhiping", password: undefined });
    const err = await reader.states(scope, [state], window, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelemetryQueryError);
    expect((err as Error).message).toBe(`state samples: cannot query InfluxDB at http://127.0.0.1:${port}/query: ECONNREFUSED`);
  });

  it.skipIf(!influxUrl)("passes on InfluxDB's own words for a missing database", async () => {
    const reader = new InfluxTelemetryReader({ url: influxUrl!, database: uniqueName("zp_missing") });
    await expect(lineKpis(reader, config, window)).rejects.toThrow(/InfluxDB refused the query: database not found: zp_missing_/);
  });

  it("refuses a configuration with the path of each problem", () => {
    let error: unknown;
    try {
      new InfluxTelemetryReader({ url: "ftp://x", database: "", token: "t", username: "u" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path.join("."))).toEqual(["telemetry.influx.url", "telemetry.influx.database", "telemetry.influx.token"]);
  });
});

describe("embedded reader errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "zp-reader-errors-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names a store file that does not exist", () => {
    expect(() => new EmbeddedTelemetryReader(join(dir, "nope.sqlite"))).toThrow(`telemetry store ${join(dir, "nope.sqlite")} does not exist`);
  });

  it("refuses a file that is not a telemetry store", () => {
    const text = join(dir, "notes.sqlite");
    writeFileSync(text, "not a database at all, just text that is long enough to be read as a header…".repeat(4));
    expect(() => new EmbeddedTelemetryReader(text)).toThrow(`cannot read the telemetry store ${text}: file is not a database`);
    const other = join(dir, "other.sqlite");
    new Database(other).exec("CREATE TABLE something (x)");
    expect(() => new EmbeddedTelemetryReader(other)).toThrow(`${other} is not a telemetry store (no series/sample tables)`);
  });
});

describe("arguments", () => {
  const dir = mkdtempSync(join(tmpdir(), "zp-reader-args-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a window that does not run forward, a fractional bound and a grid that does not fit", async () => {
    const path = join(dir, "telemetry.sqlite");
    const { TelemetryStore } = await import("../../../ingest/sinks/embedded/store");
    new TelemetryStore(path).close();
    const reader = new EmbeddedTelemetryReader(path);
    await expect(lineKpis(reader, config, { from: window.to, to: window.from })).rejects.toThrow(/not after its start/);
    await expect(reader.states(scope, [state], { from: 0.5, to: 10 }, 0)).rejects.toThrow(/whole epoch milliseconds/);
    await expect(reader.counters(scope, [], window, { everyMs: 1000, offsetMs: 1000 }, 0)).rejects.toThrow(/grid offset must be in \[0, 1000\)/);
    await expect(reader.liveBuckets(scope, [], window, { everyMs: 0, offsetMs: 0 })).rejects.toThrow(/grid bucket must be whole milliseconds > 0/);
    await reader.close();
  });
});
