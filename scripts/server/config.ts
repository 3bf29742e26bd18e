// The production web server's settings, read from the environment and checked before anything starts: a
// wrong value stops the server with a message naming the variable, instead of a server that half works.
import { availableParallelism } from "node:os";

export interface ServerConfig {
  host: string;
  port: number;
  /** Worker processes serving requests (the primary only supervises). */
  workers: number;
  /** Proxies in front of the server whose X-Forwarded-* headers are believed (0: none). */
  trustProxy: number;
  /** How long a stopping worker lets in-flight requests finish before it closes their connections. */
  shutdownMs: number;
  /** Unexpected worker exits tolerated within `restartWindowMs`; one more stops the server. */
  maxRestarts: number;
  restartWindowMs: number;
}

export class ServerConfigError extends Error {}

export const MAX_WORKERS = 64;
const DEFAULTS = { host: "127.0.0.1", port: 3000, shutdownMs: 5_000, maxRestarts: 5, restartWindowMs: 60_000 };

/** An integer setting from the environment, `fallback` when unset; anything else fails naming the variable. */
export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ServerConfigError(`${name} must be ${what} (${min}–${max}), got "${raw}"`);
  }
  return n;
}

/**
 * TRUST_PROXY as the app reads it (app/auth/request.server.ts): a hop count, or true (one) / false (none).
 * The app quietly treats anything else as "none"; the server refuses to start on it, so a typo cannot make
 * every client look like the proxy's address.
 */
function trustProxy(env: NodeJS.ProcessEnv): number {
  const raw = env.TRUST_PROXY?.trim().toLowerCase();
  if (!raw || raw === "false" || raw === "0") return 0;
  if (raw === "true") return 1;
  if (/^\d+$/.test(raw) && Number(raw) <= 16) return Number(raw);
  throw new ServerConfigError(`TRUST_PROXY must be the number of proxies in front of the app (0–16), true or false, got "${env.TRUST_PROXY}"`);
}

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const host = env.HOST?.trim() || DEFAULTS.host;
  if (/\s|\//.test(host)) throw new ServerConfigError(`HOST must be an address or host name to listen on, got "${env.HOST}"`);
  return {
    host,
    port: integer(env, "PORT", DEFAULTS.port, 1, 65_535, "a port number"),
    workers: integer(env, "ZHIPING_WEB_WORKERS", Math.min(availableParallelism(), MAX_WORKERS), 1, MAX_WORKERS, "a number of worker processes"),
    trustProxy: trustProxy(env),
    shutdownMs: integer(env, "ZHIPING_WEB_SHUTDOWN_MS", DEFAULTS.shutdownMs, 0, 600_000, "milliseconds"),
    maxRestarts: integer(env, "ZHIPING_WEB_MAX_RESTARTS", DEFAULTS.maxRestarts, 0, 1_000, "a number of restarts"),
    restartWindowMs: DEFAULTS.restartWindowMs,
  };
}
