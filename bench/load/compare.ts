// Server configurations compared under the same load, as bench/web.ts and bench/portfolio.ts run them: every
// configuration (a worker count of `zhiping serve`) serves the same database at the same time — an idle
// server costs nothing — and each phase runs on them one after the other, with the same requests in the same
// order, so the machine's load drifts alike for all of them.
import { availableParallelism } from "node:os";
import type { RunningApp } from "../../test/e2e/server";
import type { LoadGenerator, MeasuredPhase } from "./client";
import type { LoadRequest } from "./protocol";

export type Row = MeasuredPhase & { workers: number };

export interface Server {
  workers: number;
  app: RunningApp;
}

export interface LoadModel {
  title: string;
  clients: number;
  /** Requests per page kind. */
  total: number;
  /** Mean think time between a client's requests; 0: back to back. */
  thinkMs: number;
}

/** `--workers 1,2`: the worker counts compared (default: one worker, and one per core). */
export function workerCounts(argv: string[] = process.argv): number[] {
  const i = argv.indexOf("--workers");
  const list = i > 0 ? (argv[i + 1] ?? "").split(",").map(Number) : [1, availableParallelism()];
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--workers takes worker counts like 1,2 (got "${argv[i + 1]}")`);
  return [...new Set(list)];
}

const pct = (cpuSeconds: number, seconds: number) => `${((cpuSeconds / seconds) * 100).toFixed(0)}%`;

function printTable(rows: Row[], servers: Server[], nameWidth: number): void {
  console.log(`${"page".padEnd(nameWidth)} workers  requests  errors   req/s   p50 ms   p95 ms   p99 ms  p95 × baseline  server CPU  load CPU`);
  for (const { workers } of servers) {
    const mine = rows.filter((r) => r.workers === workers);
    const base = mine[0]; // the first page kind is the baseline
    for (const r of mine) {
      console.log(
        `${r.name.padEnd(nameWidth)} ${String(r.workers).padStart(7)} ${String(r.n).padStart(9)} ${String(r.errors).padStart(7)} ${r.rps.toFixed(1).padStart(7)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${(r.p95 / base.p95).toFixed(1).padStart(15)} ${pct(r.serverCpuSeconds, r.seconds).padStart(11)} ${pct(r.cpuSeconds, r.seconds).padStart(9)}`,
      );
    }
  }
}

/**
 * Runs a warm-up, then every load model over every page kind (`scenarios`, baseline first) on every server;
 * prints one table per model and returns the rows per model. A scenario draws one request (path + cookie).
 */
export async function compareServers(options: {
  generator: LoadGenerator;
  servers: Server[];
  scenarios: Record<string, () => LoadRequest>;
  warmUp: { clients: number; total: number };
  models: LoadModel[];
  nameWidth: number;
}): Promise<Row[][]> {
  const { generator, servers, scenarios } = options;
  const phase = async (name: string, clients: number, total: number, thinkMs: number): Promise<Row[]> => {
    const requests = Array.from({ length: total }, scenarios[name]);
    const rows: Row[] = [];
    for (const { workers, app } of servers) {
      const run = { name, clients, thinkMs, seed: name.length * 31 + total, requests: requests.map((r) => ({ ...r, url: app.url + r.url })) };
      rows.push({ ...(await generator.run(run, app.process.pid!)), workers });
    }
    return rows;
  };
  for (const name of Object.keys(scenarios)) await phase(name, options.warmUp.clients, options.warmUp.total, 0);
  const results: Row[][] = [];
  for (const model of options.models) {
    const rows: Row[] = [];
    for (const name of Object.keys(scenarios)) rows.push(...(await phase(name, model.clients, model.total, model.thinkMs)));
    results.push(rows);
    console.log(`${model.title}\n`);
    printTable(rows, servers, options.nameWidth);
    console.log("");
  }
  console.log(`CPU: % of one core (this machine has ${availableParallelism()}); server = primary + workers, load = the load generator process\n`);
  const resets = results.flat().reduce((n, r) => n + r.resets, 0);
  if (resets > 0) console.log(`(${resets} requests retried after a reset keep-alive socket)`);
  return results;
}
