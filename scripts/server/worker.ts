// One worker process: serves the server build on the shared port (the primary hands it connections), and
// stops gracefully when the primary asks or on SIGTERM/SIGINT. Started by worker-entry.mjs.
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { installGlobals, type ServerBuild } from "@remix-run/node";
import { serverConfigFromEnv, type ServerConfig } from "./config";
import { closeGracefully, InFlight } from "./graceful-close";
import { createHttpApp } from "./http-app";
import { SHUTDOWN_MESSAGE } from "./messages";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The database handle the build opened (app/db/db.server.ts keeps it on globalThis): closing it lets SQLite
 * checkpoint its WAL and PostgreSQL end its pool. Read from globalThis so the worker need not load the
 * app's data layer a second time beside the build's bundled copy.
 */
async function closeAppDatabase(): Promise<void> {
  const holder = globalThis as typeof globalThis & { __zhipingDb?: Promise<{ close(): Promise<void> }> };
  const opened = holder.__zhipingDb;
  holder.__zhipingDb = undefined;
  if (opened) await (await opened).close();
}

/** The settings were checked by the primary before it forked; the worker reads the same environment. */
export function runWorkerFromEnv(build: ServerBuild): void {
  runWorker(build, serverConfigFromEnv(), ROOT);
}

export function runWorker(build: ServerBuild, config: ServerConfig, root: string): void {
  // The build is made with single fetch: Node's own fetch, Request and Response (as remix-serve sets them).
  installGlobals({ nativeFetch: build.future.v3_singleFetch });
  let stopping = false;
  const app = createHttpApp(build, { root, trustProxy: config.trustProxy, stopping: () => stopping });
  const server: Server = app.listen(config.port, config.host);
  const inFlight = new InFlight(server);
  server.on("error", (error) => {
    console.error(`[web] worker ${process.pid} cannot listen on ${config.host}:${config.port}: ${error.message}`);
    process.exit(1);
  });

  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    const { cutOff } = await closeGracefully(server, inFlight, config.shutdownMs);
    if (cutOff > 0) console.error(`[web] worker ${process.pid}: ${cutOff} request(s) unfinished after ${config.shutdownMs} ms, connections closed`);
    await closeAppDatabase().catch((error) => console.error(`[web] worker ${process.pid}: closing the database: ${(error as Error).message}`));
    process.exit(code);
  };
  process.on("message", (message) => {
    if (message === SHUTDOWN_MESSAGE) void stop();
  });
  // Ctrl+C reaches every process of the group, workers included: they stop the same way.
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
  // After an error nobody caught the process is in no known state: it stops taking connections at once (so
  // the primary hands none to a dying process), lets the requests in flight finish, and exits to be replaced.
  process.on("uncaughtException", (error) => {
    console.error(`[web] worker ${process.pid}: uncaught error, stopping:`, error);
    void stop(1);
  });
}
