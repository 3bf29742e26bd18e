import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { serverConfigFromEnv } from "../../../scripts/server/config";
import { plainAddress } from "../../../scripts/server/http-app";
import { RestartBudget } from "../../../scripts/server/restart-budget";

const fromEnv = (vars: Record<string, string>) => serverConfigFromEnv(vars as NodeJS.ProcessEnv);

describe("production server settings", () => {
  it("defaults to loopback:3000, one worker per core, no trusted proxy, 5 s to finish requests, 5 restarts a minute", () => {
    expect(fromEnv({})).toEqual({
      host: "127.0.0.1", port: 3000, workers: Math.min(availableParallelism(), 64), trustProxy: 0, shutdownMs: 5000, maxRestarts: 5, restartWindowMs: 60_000,
    });
  });

  it("reads HOST, PORT, ZHIPING_WEB_WORKERS, TRUST_PROXY, ZHIPING_WEB_SHUTDOWN_MS and ZHIPING_WEB_MAX_RESTARTS", () => {
    const config = fromEnv({
      HOST: "0.0.0.0", PORT: " 8080 ", ZHIPING_WEB_WORKERS: "3", TRUST_PROXY: "2", ZHIPING_WEB_SHUTDOWN_MS: "250", ZHIPING_WEB_MAX_RESTARTS: "0",
    });
    expect(config).toMatchObject({ host: "0.0.0.0", port: 8080, workers: 3, trustProxy: 2, shutdownMs: 250, maxRestarts: 0 });
  });

  it("takes TRUST_PROXY as the app does: true is one proxy, false or 0 none", () => {
    expect(fromEnv({ TRUST_PROXY: "true" }).trustProxy).toBe(1);
    expect(fromEnv({ TRUST_PROXY: "FALSE" }).trustProxy).toBe(0);
    expect(fromEnv({ TRUST_PROXY: "0" }).trustProxy).toBe(0);
    expect(fromEnv({ TRUST_PROXY: "" }).trustProxy).toBe(0);
  });

  it.each([
    [{ PORT: "0" }, 'PORT must be a port number (1–65535), got "0"'],
    [{ PORT: "70000" }, 'PORT must be a port number (1–65535), got "70000"'],
    [{ PORT: "80a" }, 'PORT must be a port number (1–65535), got "80a"'],
    [{ ZHIPING_WEB_WORKERS: "0" }, 'ZHIPING_WEB_WORKERS must be a number of worker processes (1–64), got "0"'],
    [{ ZHIPING_WEB_WORKERS: "2.5" }, 'ZHIPING_WEB_WORKERS must be a number of worker processes (1–64), got "2.5"'],
    [{ ZHIPING_WEB_WORKERS: "-1" }, 'ZHIPING_WEB_WORKERS must be a number of worker processes (1–64), got "-1"'],
    [{ TRUST_PROXY: "yes" }, 'TRUST_PROXY must be the number of proxies in front of the app (0–16), true or false, got "yes"'],
    [{ TRUST_PROXY: "10.0.0.1" }, 'TRUST_PROXY must be the number of proxies in front of the app (0–16), true or false, got "10.0.0.1"'],
    [{ ZHIPING_WEB_SHUTDOWN_MS: "5s" }, 'ZHIPING_WEB_SHUTDOWN_MS must be milliseconds (0–600000), got "5s"'],
    [{ ZHIPING_WEB_MAX_RESTARTS: "many" }, 'ZHIPING_WEB_MAX_RESTARTS must be a number of restarts (0–1000), got "many"'],
    [{ HOST: "http://example.com" }, 'HOST must be an address or host name to listen on, got "http://example.com"'],
  ])("refuses %o naming the variable", (env, message) => {
    expect(() => fromEnv(env)).toThrow(message);
  });
});

describe("client address for the login limit", () => {
  it("counts an IPv4 client seen over an IPv6 socket as the IPv4 address", () => {
    expect(plainAddress("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(plainAddress("203.0.113.9")).toBe("203.0.113.9");
    expect(plainAddress("2001:db8::1")).toBe("2001:db8::1");
    expect(plainAddress(undefined)).toBeNull();
  });
});

describe("restart budget", () => {
  it("allows max replacements within the window and more once the oldest left it", () => {
    const budget = new RestartBudget(2, 60_000);
    expect(budget.allow(1_000)).toBe(true);
    expect(budget.allow(30_000)).toBe(true);
    expect(budget.allow(60_000)).toBe(false); // 1 s and 30 s are both within the minute before 60 s
    expect(budget.used(60_000)).toBe(2);
    expect(budget.allow(61_000)).toBe(true); // the one at 1 s is exactly a minute old: out of the window
    expect(budget.used(61_000)).toBe(2);
    expect(budget.allow(89_999)).toBe(false);
    expect(budget.allow(90_000)).toBe(true);
  });

  it("with a budget of 0 never replaces", () => {
    expect(new RestartBudget(0, 60_000).allow(0)).toBe(false);
  });
});
