// The two telemetry stores the KPI readers are tested on, filled through the real sinks: InfluxDB (the test
// services' server, a database per test file) and the embedded SQLite store (a temp dir). Both get exactly
// the same points; a test runs once per store.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Point, Sink } from "../../../ingest/core/types";
import { EmbeddedSink } from "../../../ingest/sinks/embedded";
import { TelemetryStore } from "../../../ingest/sinks/embedded/store";
import { InfluxSink } from "../../../ingest/sinks/influx";
import { EmbeddedTelemetryReader } from "../../../ingest/telemetry/embedded-reader";
import { ident } from "../../../ingest/telemetry/influx-query";
import { InfluxTelemetryReader } from "../../../ingest/telemetry/influx-reader";
import type { TelemetryReader } from "../../../ingest/telemetry/reader";
import { uniqueName } from "../../support/services";

export interface StoreUnderTest {
  name: "influx" | "embedded";
  reader: TelemetryReader;
  /** Writes points through the store's sink; fails the test on any refusal. */
  write(points: Point[]): Promise<void>;
  close(): Promise<void>;
}

async function writeAll(sink: Sink, points: Point[]): Promise<void> {
  for (let i = 0; i < points.length; i += 5000) {
    const outcome = await sink.write(points.slice(i, i + 5000));
    if (outcome.kind === "retry") throw new Error(`${sink.name}: write failed: ${outcome.error}`);
    if (outcome.kind === "partial") throw new Error(`${sink.name}: refused ${outcome.rejected.length} points: ${outcome.rejected[0].reason}`);
  }
}

export function influxStore(url: string, prefix: string): StoreUnderTest {
  const database = uniqueName(prefix);
  const sink = new InfluxSink("influx", { url, database, createDatabase: true, timeout: 30_000, gzip: false });
  return {
    name: "influx",
    reader: new InfluxTelemetryReader({ url, database }),
    write: (points) => writeAll(sink, points),
    async close() {
      await fetch(`${url}/query`, { method: "POST", body: new URLSearchParams({ q: `DROP DATABASE ${ident(database)}` }) });
      await sink.close();
    },
  };
}

export function embeddedStore(): StoreUnderTest {
  const dir = mkdtempSync(join(tmpdir(), "zp-telemetry-"));
  const store = new TelemetryStore(join(dir, "telemetry.sqlite"), { sync: "normal" });
  const sink = new EmbeddedSink("embedded", store);
  const reader = new EmbeddedTelemetryReader(store);
  return {
    name: "embedded",
    reader,
    write: (points) => writeAll(sink, points),
    async close() {
      await reader.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both stores when InfluxDB is available, else only the embedded one (the caller skips InfluxDB's tests). */
export function bothStores(influxUrl: string | null, prefix: string): StoreUnderTest[] {
  return influxUrl ? [influxStore(influxUrl, prefix), embeddedStore()] : [embeddedStore()];
}
