// The 7-day KPI query against InfluxDB (and the embedded store): a simulated line of 10 machines is written
// for 7 days through the real sinks, then the KPI service computes OEE (A × E × QR), MTBF/MTTR, energy per
// good unit, 设备联网率, coverage and live collection per machine per day and per shift, with the
// aggregation pushed down to the store. Goal: under 2 s on InfluxDB.
//
// Signal set (what a plant gateway sends): state and part counters on change, and two gauges at 1 Hz — the
// energy meter (kWh) and the spindle speed. Temperature and the ideal cycle time are not written.
// Baselines measured in the same run on the same store and range:
//   count  — `SELECT count(value)` over the states and part counters of the window (a plain scan);
//   raw    — fetching those states and counters raw, as a client computing OEE itself would have to
//            (the 1 Hz energy meter is left out of it; fetching 6 million readings is what pushdown avoids).
// InfluxDB is an instance of the bench's own (ZP_INFLUXD_BIN, temp dir, free port) so the shared test server is
// not loaded; `--influx-url URL` uses an existing one instead.
//
// Run: npx tsx bench/kpi-oee.ts [--days 7] [--machines 10] [--rounds 5] [--influx-url URL]
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Point } from "../ingest/core/types";
import { EmbeddedSink } from "../ingest/sinks/embedded";
import { TelemetryStore } from "../ingest/sinks/embedded/store";
import { InfluxSink } from "../ingest/sinks/influx";
import { backfill } from "../ingest/sources/simulator/backfill";
import { demoMachines } from "../ingest/sources/simulator/presets";
import { simulatorRegistry } from "../ingest/sources/simulator/registry";
import { parseLineSpec } from "../ingest/sources/simulator/spec";
import { lineKpiConfigFromRegistry } from "../ingest/telemetry/config";
import { EmbeddedTelemetryReader } from "../ingest/telemetry/embedded-reader";
import { ident, InfluxQueryClient, influxReaderConfigSchema, literal } from "../ingest/telemetry/influx-query";
import { InfluxTelemetryReader } from "../ingest/telemetry/influx-reader";
import { lineKpis, type LineKpis } from "../ingest/telemetry/kpi-service";
import type { TelemetryReader } from "../ingest/telemetry/reader";
import { OwnInfluxd, tempDir } from "../test/integration/ingest/support";
import { freePort, serviceBinaries, settleDown } from "./ingest/proc";

const { values: args } = parseArgs({
  options: {
    days: { type: "string", default: "7" },
    machines: { type: "string", default: "10" },
    rounds: { type: "string", default: "5" },
    "influx-url": { type: "string" },
  },
});
const DAYS = Number(args.days);
const MACHINES = Number(args.machines);
const ROUNDS = Number(args.rounds);
const H = 3_600_000;
const WRITTEN = new Set(["State", "GoodCount", "BadCount", "Energy", "SpindleSpeed"]);
const ON_CHANGE = ["State", "GoodCount", "BadCount"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(rounds: number, f: () => Promise<unknown>): Promise<number> {
  await f(); // warm-up: caches, prepared statements, connections
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return median(times);
}

const fmt = (ms: number) => ms.toFixed(ms < 10 ? 2 : 0).padStart(8);
const ratio = (a: number, b: number) => (a / b).toFixed(2).padStart(9);
type Baselines = { count: () => Promise<unknown>; countAll: () => Promise<unknown>; raw: () => Promise<unknown> };

async function main(): Promise<void> {
  const { influxd } = serviceBinaries();
  const temp = tempDir("zp-bench-kpi-influx-");
  const own = args["influx-url"] || !existsSync(influxd) ? null : new OwnInfluxd(temp.dir, await freePort());
  await own?.start();
  const influxUrl = args["influx-url"] ?? own?.url;
  if (!influxUrl) {
    console.error("needs ZP_INFLUXD_BIN (sh scripts/services.sh up) or --influx-url");
    temp.remove();
    process.exit(2);
  }
  const database = `zp_bench_kpi_${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), "zp-bench-kpi-"));
  const epoch = Date.UTC(2025, 2, 1, 0, 0, 0);
  const line = parseLineSpec({ enterprise: "ningbo-demo", line: "line1", seed: 7, epoch, sampleIntervalS: 1, machines: demoMachines(MACHINES) });
  // One hour of history before the window, so every series has a reading in force at its start.
  const window = { from: epoch + H, to: epoch + H + DAYS * 24 * H };
  const config = lineKpiConfigFromRegistry(simulatorRegistry(line), {
    enterprise: line.enterprise,
    line: line.line,
    roles: { state: "State", good: "GoodCount", bad: "BadCount", energy: "Energy", heartbeat: "Energy" },
    idealCycleTimeS: Object.fromEntries(line.machines.map((m) => [m.id, m.idealCycleTimeS])),
    calendar: { timeZone: "Asia/Shanghai", shifts: [{ id: "day", start: "08:00", end: "20:00" }, { id: "night", start: "20:00", end: "08:00" }] },
    notExpected: ["IdealCycleTime", "Temperature"],
  });
  // The OEE set alone: no meter, the state signal as heartbeat (nothing at 1 Hz is read).
  const oeeConfig = { ...config, machines: config.machines.map(({ energy: _energy, heartbeat: _heartbeat, ...m }) => m) };

  const influxSink = new InfluxSink("influx", { url: influxUrl, database, createDatabase: true, timeout: 60_000, gzip: false });
  const store = new TelemetryStore(join(dir, "telemetry.sqlite"), { sync: "normal" });
  const embeddedSink = new EmbeddedSink("embedded", store);
  try {
    // ---- write
    console.log(`writing ${DAYS} days + 1 h of ${MACHINES} machines (state, counters on change; energy meter and spindle speed at 1 Hz)…`);
    const inFlight = new Set<Promise<void>>();
    let written = 0;
    let influxMs = 0;
    let embeddedMs = 0;
    const started = performance.now();
    await backfill(line, epoch, window.to, async (batch: Point[]) => {
      const points = batch.filter((p) => WRITTEN.has(p.tags.signal));
      written += points.length;
      const t = performance.now();
      const outcome = await embeddedSink.write(points);
      embeddedMs += performance.now() - t;
      if (outcome.kind !== "ok") throw new Error(`embedded store refused a batch: ${JSON.stringify(outcome).slice(0, 300)}`);
      const p = influxSink.write(points).then((o) => {
        if (o.kind !== "ok") throw new Error(`InfluxDB refused a batch: ${JSON.stringify(o).slice(0, 300)}`);
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 3) await Promise.race(inFlight);
    }, { batchSize: 10_000 });
    await Promise.all(inFlight);
    influxMs = performance.now() - started;
    console.log(`  ${written.toLocaleString("en")} points in ${(influxMs / 1000).toFixed(1)} s (embedded store's share ${(embeddedMs / 1000).toFixed(1)} s)\n`);

    // ---- read (after influxd has finished compacting what was just written, so reads are not racing it)
    // Until influxd uses under 10 % of a core over 3 s (its compactions after a bulk write), at most 3 min.
    if (own) await settleDown([own.proc.pid!], { share: 0.1, windowMs: 3_000, maxMs: 180_000 });
    const influxReader = new InfluxTelemetryReader({ url: influxUrl, database, timeout: 120_000 });
    const embeddedReader = new EmbeddedTelemetryReader(store);
    const client = new InfluxQueryClient(influxReaderConfigSchema.parse({ url: influxUrl, database, timeout: 120_000 }));
    const scope = `${ident("enterprise")} = ${literal(line.enterprise)} AND ${ident("line")} = ${literal(line.line)} AND time >= ${window.from}ms AND time < ${window.to}ms`;
    const bySignal = (signals: string[]) => `(${signals.map((x) => `${ident("signal")} = ${literal(x)}`).join(" OR ")})`;
    const influxBaselines: Baselines = {
      count: () => client.run([`SELECT count(${ident("value")}) FROM ${ident("state")}, ${ident("counter")} WHERE ${scope} AND ${bySignal(ON_CHANGE)}`], "baseline"),
      countAll: () =>
        client.run([`SELECT count(${ident("value")}) FROM ${ident("state")}, ${ident("counter")}, ${ident("gauge")} WHERE ${scope} AND ${bySignal([...ON_CHANGE, "Energy"])}`], "baseline"),
      raw: () =>
        client.run([`SELECT ${ident("value")}, ${ident("quality")} FROM ${ident("state")}, ${ident("counter")} WHERE ${scope} AND ${bySignal(ON_CHANGE)} GROUP BY ${ident("machine")}, ${ident("signal")}`], "baseline"),
    };
    const idsOf = (signals: string[]) => (store.db.prepare(`SELECT id FROM series WHERE signal IN (${signals.map(() => "?").join(", ")})`).pluck().all(...signals) as number[]).join(",");
    const countSql = store.db.prepare(`SELECT count(value) FROM sample WHERE series IN (${idsOf(ON_CHANGE)}) AND time >= ? AND time < ?`).pluck();
    const countAllSql = store.db.prepare(`SELECT count(value) FROM sample WHERE series IN (${idsOf([...ON_CHANGE, "Energy"])}) AND time >= ? AND time < ?`).pluck();
    const rawSql = store.db.prepare(`SELECT series, time, value, quality FROM sample WHERE series IN (${idsOf(ON_CHANGE)}) AND time >= ? AND time < ? ORDER BY series, time`);
    const embeddedBaselines: Baselines = {
      count: async () => countSql.get(window.from, window.to),
      countAll: async () => countAllSql.get(window.from, window.to),
      raw: async () => rawSql.all(window.from, window.to),
    };

    const results: Array<{ store: string; kpis: LineKpis; oee: number; all: number }> = [];
    const rows: string[] = [];
    for (const [name, reader, baselines] of [
      ["InfluxDB", influxReader, influxBaselines],
      ["embedded", embeddedReader, embeddedBaselines],
    ] as Array<[string, TelemetryReader, Baselines]>) {
      let kpis: LineKpis | undefined;
      const oee = await timed(ROUNDS, () => lineKpis(reader, oeeConfig, window));
      const all = await timed(ROUNDS, async () => void (kpis = await lineKpis(reader, config, window)));
      const count = await timed(ROUNDS, baselines.count);
      const countAll = await timed(ROUNDS, baselines.countAll);
      const raw = await timed(ROUNDS, baselines.raw);
      results.push({ store: name, kpis: kpis!, oee, all });
      rows.push(
        [name.padEnd(9), fmt(oee), fmt(all), fmt(count), fmt(countAll), fmt(raw), ratio(oee, count), ratio(oee, raw), ratio(all, countAll)].join("  "),
      );
    }
    console.log(`${MACHINES} machines × ${DAYS} days, per machine and line, per day and shift; median of ${ROUNDS} after a warm-up, ms:`);
    console.log("  OEE set = OEE (A×E×QR), MTBF/MTTR, 设备联网率, coverage, live (heartbeat: state); all = the same + energy per good unit on the 1 Hz meter (read per minute) and live from it");
    console.log("  count = SELECT count(value) over the on-change states and counters; +meter = the same with the 1 Hz energy meter; raw = fetching the on-change states and counters");
    console.log("store      OEE set  all KPIs     count    +meter       raw  OEE×count  OEE×raw  all×(+meter)");
    for (const r of rows) console.log(r);

    const [a, b] = results;
    const w = a.kpis.lineTotals.window.oee;
    const maxDiff = Math.max(
      ...a.kpis.machines.flatMap((m, i) => m.days.map((d, j) => Math.abs((d.oee.oee ?? 0) - (b.kpis.machines[i].days[j].oee.oee ?? 0)))),
    );
    const pct = (x: number | null) => `${((x ?? 0) * 100).toFixed(1)}%`;
    console.log(
      `\nline OEE ${pct(w.oee)} = A ${pct(w.availability)} × E ${pct(w.performance)} × QR ${pct(w.quality)}; ` +
        `per machine per day, InfluxDB − embedded: largest OEE difference ${maxDiff.toExponential(1)}`,
    );
    console.log(
      `OEE per machine per day over ${DAYS} days × ${MACHINES} machines on InfluxDB: ${a.oee.toFixed(0)} ms (goal: < 2000 ms) — ${a.oee < 2000 ? "met" : "NOT met"}; ` +
        `with the 1 Hz energy meter: ${a.all.toFixed(0)} ms`,
    );
    await embeddedReader.close();
  } finally {
    await fetch(`${influxUrl}/query`, { method: "POST", body: new URLSearchParams({ q: `DROP DATABASE ${ident(database)}` }) }).catch(() => undefined);
    store.close();
    rmSync(dir, { recursive: true, force: true });
    await own?.stop();
    temp.remove();
  }
}

await main();
