// `zhiping serve`: the web app's production server (built app from `npx remix build`). The primary checks
// the settings, brings the database to the latest schema, catches up the bureau portfolio's standing and
// makes sure a session secret exists — once, before any worker starts, so workers never race on any of
// them — then forks ZHIPING_WEB_WORKERS workers
// (default: one per core) that share HOST:PORT. SIGTERM or SIGINT stops it gracefully.
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serverConfigFromEnv, ServerConfigError, type ServerConfig } from "../server/config";
import { runPrimary } from "../server/primary";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SERVER_BUILD = "build/index.js";

const USAGE = `usage: zhiping serve

Serves the built app (npx remix build first). Settings from the environment:
  HOST, PORT                 where to listen (127.0.0.1, 3000)
  ZHIPING_WEB_WORKERS        worker processes (default: one per core)
  TRUST_PROXY                proxies in front whose X-Forwarded-* headers are believed (0)
  ZHIPING_WEB_SHUTDOWN_MS    how long stopping lets requests in flight finish (5000)
  ZHIPING_WEB_MAX_RESTARTS   dying workers replaced within a minute before the server gives up (5)
  DATABASE_URL, ZHIPING_DATA_DIR, SESSION_SECRET and the telemetry settings as in the README.`;

/** Everything the workers must find ready; fails with a message naming what is wrong. */
async function prepare(config: ServerConfig): Promise<void> {
  const build = resolve(ROOT, SERVER_BUILD);
  if (!existsSync(build)) throw new Error(`${build} is missing: build the app first (npx remix build)`);
  // Imported here, not at the top: workers never migrate, and skip loading the migrations.
  const { configFromEnv, openDatabase } = await import("../../app/db/connection.server");
  const { sessionSecrets } = await import("../../app/auth/secret.server");
  const { syncStandings } = await import("../../app/bureau/standing.server");
  const database = await openDatabase(configFromEnv());
  try {
    // The bureau portfolio's standing, caught up here rather than by the first bureau page of every worker
    // at once (after migration 0003 that is the backfill of every enterprise: seconds per 10,000).
    const started = performance.now();
    const report = await syncStandings(database.db);
    if (report.backfill && report.enterprises > 0) console.log(`[web] bureau portfolio: standing of ${report.enterprises} enterprises computed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await database.close();
  }
  sessionSecrets(); // generated into the data folder when SESSION_SECRET is unset
  if (config.workers > 1 && database.dialect === "sqlite") {
    console.log(`[web] ${config.workers} workers share the SQLite database (WAL, busy timeout); a larger deployment uses PostgreSQL (DATABASE_URL)`);
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    console.error(`zhiping serve takes no arguments (got "${argv.join(" ")}")\n\n${USAGE}`);
    return 2;
  }
  let config: ServerConfig;
  try {
    config = serverConfigFromEnv();
  } catch (error) {
    if (!(error instanceof ServerConfigError)) throw error;
    console.error(`[web] ${error.message}`);
    return 2;
  }
  try {
    await prepare(config);
  } catch (error) {
    console.error(`[web] cannot start: ${(error as Error).message}`);
    return 1;
  }
  cluster.setupPrimary({ exec: fileURLToPath(new URL("../server/worker-entry.mjs", import.meta.url)), args: [] });
  return runPrimary(config);
}
