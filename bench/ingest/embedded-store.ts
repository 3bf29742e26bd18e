// The embedded store (the ingest's SQLite sink for installations without InfluxDB) with a KPI-sized history:
// days × 1 Hz × machines. Prints its write rate and the cost of a per-machine, per-signal one-day range read
// through its clustered (series, time) index against a scan of the same rows in a plain table (the baseline,
// measured in the same run). Run: npx tsx bench/ingest/embedded-store.ts [days] [machines]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signalPoint } from "../../ingest/core/point";
import type { Point } from "../../ingest/core/types";
import { TelemetryStore } from "../../ingest/sinks/embedded/store";

const days = Number(process.argv[2] ?? 7);
const machines = Number(process.argv[3] ?? 10);
if (!(Number.isInteger(days) && days >= 1 && days <= 60) || !(Number.isInteger(machines) && machines >= 1 && machines <= 1000)) {
  console.error("usage: npx tsx bench/ingest/embedded-store.ts [days 1–60] [machines 1–1000]");
  process.exit(2);
}
const T0 = Date.UTC(2025, 0, 1);

const dir = mkdtempSync(join(tmpdir(), "zp-bench-store-"));
try {
  const store = new TelemetryStore(join(dir, "telemetry.sqlite"));
  const seconds = days * 86_400;
  const refs = Array.from({ length: machines }, (_, m) => ({ enterprise: "e", line: "l", machine: `m${m}`, signal: "temperature", kind: "gauge" as const }));
  const started = performance.now();
  let batch: Point[] = [];
  for (let t = 0; t < seconds; t++) {
    for (const ref of refs) batch.push(signalPoint(ref, 40 + (t % 600) / 100, T0 + t * 1000, "good"));
    if (batch.length >= 5000) {
      store.write(batch);
      batch = [];
    }
  }
  if (batch.length) store.write(batch);
  const writeMs = performance.now() - started;
  const rows = seconds * machines;
  store.db.exec(`CREATE TABLE flat AS SELECT s.machine, s.signal, p.time, p.value FROM sample p JOIN series s ON s.id = p.series`);
  const from = T0 + Math.floor(days / 2) * 86_400_000;
  const to = from + 86_400_000;
  const timeIt = (fn: () => unknown) => {
    const t = performance.now();
    for (let i = 0; i < 5; i++) fn();
    return (performance.now() - t) / 5;
  };
  const indexed = store.db.prepare("SELECT p.time, p.value FROM sample p JOIN series s ON s.id = p.series WHERE s.machine = ? AND s.signal = ? AND p.time >= ? AND p.time < ?");
  const scan = store.db.prepare("SELECT time, value FROM flat WHERE machine = ? AND signal = ? AND time >= ? AND time < ?");
  const machine = `m${machines - 1}`;
  const n1 = (indexed.all(machine, "temperature", from, to) as unknown[]).length;
  const n2 = (scan.all(machine, "temperature", from, to) as unknown[]).length;
  if (n1 !== 86_400 || n2 !== 86_400) throw new Error(`range query returned ${n1} / ${n2} rows, expected 86400`);
  const indexedMs = timeIt(() => indexed.all(machine, "temperature", from, to));
  const scanMs = timeIt(() => scan.all(machine, "temperature", from, to));
  store.close();
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(
    `embedded store, ${days} d × 1 Hz × ${machines} machines (${fmt(rows)} points): writes ${fmt((rows / writeMs) * 1000)} points/s; one machine's signal over one day: ` +
      `${indexedMs.toFixed(1)} ms by the (series, time) index vs ${scanMs.toFixed(1)} ms scanning a plain table; ${(scanMs / indexedMs).toFixed(0)}× faster`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
