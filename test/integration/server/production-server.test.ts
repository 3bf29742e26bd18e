// The production server (`zhiping serve`) as a deployment runs it: the built app on a free port, a primary
// and its worker processes. Workers share the connections and answer; a killed worker is replaced, within
// the restart budget; SIGTERM lets a request in flight finish (and cuts off one that does not within the
// bound); client assets are served compressed and cached for a year; the per-IP login limit sees the
// client's address, directly or through a trusted proxy.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { IP_LIMIT } from "~/auth/rate-limit.server";
import { ensureBuild, ROOT, startApp, type RunningApp } from "../../e2e/server";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET or form POST on a connection of its own (no pooling: a killed worker's socket is never reused). */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

async function until<T>(what: string, check: () => T | undefined | false, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function listeningWorkers(app: RunningApp): number[] {
  return [...app.output().matchAll(/\[web\] worker (\d+) listening/g)].map((m) => Number(m[1]));
}

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number).sort();
}

function exitOf(app: RunningApp): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = app.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** Which process holds the server end of each of our connections: socket inodes from /proc. */
function ownersOfConnections(serverPort: number, clientPorts: number[], pids: number[]): number[] {
  const inodeOwner = new Map<string, number>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodeOwner.set(m[1], pid);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  const owners: number[] = [];
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = parseInt(f[1].split(":")[1], 16);
    const remote = parseInt(f[2].split(":")[1], 16);
    if (local === serverPort && clientPorts.includes(remote) && inodeOwner.has(f[9])) owners.push(inodeOwner.get(f[9])!);
  }
  return owners;
}

const loginForm = (email: string) => `email=${encodeURIComponent(email)}&password=not-the-password`;

describe("zhiping serve", () => {
  let app: RunningApp | undefined;
  beforeAll(() => ensureBuild(), 180_000);
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it("shares connections among its workers, and replaces a killed worker while the others answer", async () => {
    app = await startApp(undefined, { workers: 2 });
    const primary = app.process.pid!;
    const workers = await until("two workers listening", () => listeningWorkers(app!).length === 2 && listeningWorkers(app!));
    expect(childrenOf(primary)).toEqual([...workers].sort());

    // Four kept-alive connections: the primary hands each to a worker that is free (round robin), so both
    // hold some, and each answers on the ones it holds.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const ports = new Set<number>();
    agent.on("free", (socket) => ports.add(socket.localPort!));
    const replies = await Promise.all(Array.from({ length: 4 }, () => request(`${app!.url}/login`, { agent })));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const owners = ownersOfConnections(Number(new URL(app.url).port), [...ports], workers);
    agent.destroy();
    expect(owners).toHaveLength(4);
    expect(new Set(owners)).toEqual(new Set(workers));

    process.kill(workers[0], "SIGKILL");
    // Once the primary has seen the worker die (a connection it hands out in that very instant is lost:
    // node:cluster's round robin), the other worker answers every new connection while the replacement starts.
    await until("the primary to see the worker die", () => app!.output().includes(`[web] worker ${workers[0]} exited (SIGKILL); starting a replacement (1 of 5 within 60 s)`));
    for (let i = 0; i < 5; i++) expect((await request(`${app.url}/healthz`)).status).toBe(200);
    const replacement = await until("a replacement worker", () => listeningWorkers(app!).find((pid) => !workers.includes(pid)));
    expect(childrenOf(primary)).toEqual([workers[1], replacement].sort());
    process.kill(workers[1], "SIGKILL");
    await until("the primary to see the second worker die", () => app!.output().includes(`[web] worker ${workers[1]} exited (SIGKILL)`));
    expect((await request(`${app.url}/login`)).status).toBe(200);
    await until("the second replacement", () => listeningWorkers(app!).length === 4);
  });

  it("stops, with exit code 1, when workers keep dying beyond the restart budget", async () => {
    app = await startApp(undefined, { workers: 1, env: { ZHIPING_WEB_MAX_RESTARTS: "1" } });
    const [first] = listeningWorkers(app);
    process.kill(first, "SIGKILL");
    const second = await until("a replacement worker", () => listeningWorkers(app!).find((pid) => pid !== first));
    expect((await request(`${app.url}/healthz`)).status).toBe(200);
    process.kill(second, "SIGKILL");
    expect(await exitOf(app)).toEqual({ code: 1, signal: null });
    expect(app.output()).toContain(`[web] worker ${second} exited (SIGKILL); 1 replacements within 60 s already: stopping the server`);
  });

  it("on SIGTERM stops accepting, lets a request in flight finish, then exits 0", async () => {
    app = await startApp(undefined, { workers: 1, env: { ZHIPING_WEB_SHUTDOWN_MS: "10000" } });
    const { port } = new URL(app.url);
    const body = loginForm("nobody@zhiping.test");
    // A sign-in whose form is still arriving: the worker has begun the request and waits for the body.
    const socket = net.connect(Number(port), "127.0.0.1");
    let response = "";
    socket.on("data", (d) => (response += String(d)));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 500));

    app.process.kill("SIGTERM");
    // The listening socket closes at once: a new connection is refused.
    let refused = false;
    for (let i = 0; i < 100 && !refused; i++) {
      refused = await new Promise<boolean>((resolve) => {
        const probe = net.connect(Number(port), "127.0.0.1");
        probe.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
        probe.on("connect", () => (probe.destroy(), resolve(false)));
      });
      if (!refused) await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused).toBe(true);
    expect(app.process.exitCode).toBeNull(); // still finishing the sign-in

    socket.write(body.slice(10));
    await closed;
    // The sign-in was answered (a failed one: the account does not exist), and the connection closed.
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response.toLowerCase()).toContain("connection: close");
    expect(await exitOf(app)).toEqual({ code: 0, signal: null });
  });

  it("cuts off a request that does not finish within ZHIPING_WEB_SHUTDOWN_MS and still exits 0", async () => {
    app = await startApp(undefined, { workers: 1, env: { ZHIPING_WEB_SHUTDOWN_MS: "500" } });
    const { port } = new URL(app.url);
    const socket = net.connect(Number(port), "127.0.0.1");
    let response = "";
    socket.on("data", (d) => (response += String(d)));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
    socket.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=`);
    await new Promise((r) => setTimeout(r, 500));
    app.process.kill("SIGTERM");
    await closed;
    expect(response).toBe("");
    expect(await exitOf(app)).toEqual({ code: 0, signal: null });
    expect(app.output()).toContain("1 request(s) unfinished after 500 ms, connections closed");
  });

  it("serves the client build gzipped and cacheable for a year, and /healthz as before", async () => {
    app = await startApp(undefined, { workers: 2 });
    const manifest = readdirSync(join(ROOT, "public/build")).find((f) => /^manifest-[A-Z0-9]+\.js$/.test(f));
    expect(manifest).toBeDefined();
    const asset = await request(`${app.url}/build/${manifest}`, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(asset.headers["content-encoding"]).toBe("gzip");
    expect(asset.headers["content-type"]).toMatch(/javascript/);
    const health = await request(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(String(health.body)).toBe("ok");
    expect(health.headers["cache-control"]).toBe("no-store");
    expect(health.headers["x-powered-by"]).toBeUndefined();
    expect((await request(`${app.url}/build/no-such-file.js`)).status).toBe(404);
  });

  it("counts failed sign-ins per client address: the socket's peer, or the address a trusted proxy forwarded", async () => {
    app = await startApp(undefined, { workers: 2 });
    const post = (url: string, email: string, headers: Record<string, string> = {}) =>
      request(`${url}/login`, { method: "POST", body: loginForm(email), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
    // IP_LIMIT failures for different accounts from this machine: the next account is throttled too.
    for (let i = 0; i < IP_LIMIT; i++) expect((await post(app.url, `direct-${i}@zhiping.test`)).status).toBe(400);
    const throttled = await post(app.url, "direct-new@zhiping.test");
    expect(throttled.status).toBe(429);
    await app.stop();

    // Behind one trusted proxy the client is the address it appended to X-Forwarded-For; an address the
    // client put further left is its own claim and not believed.
    app = await startApp(undefined, { workers: 2, env: { TRUST_PROXY: "1" } });
    for (let i = 0; i < IP_LIMIT; i++) {
      expect((await post(app.url, `proxied-${i}@zhiping.test`, { "x-forwarded-for": `198.51.100.${i}, 203.0.113.7` })).status).toBe(400);
    }
    expect((await post(app.url, "proxied-new@zhiping.test", { "x-forwarded-for": "203.0.113.7" })).status).toBe(429);
    expect((await post(app.url, "proxied-new@zhiping.test", { "x-forwarded-for": "203.0.113.8" })).status).toBe(400);
  });

  it("refuses to start on a bad setting, naming it", async () => {
    await expect(startApp(undefined, { env: { ZHIPING_WEB_WORKERS: "0" } })).rejects.toThrow(
      /zhiping serve exited \(2\): \[web\] ZHIPING_WEB_WORKERS must be a number of worker processes \(1–64\), got "0"/,
    );
    await expect(startApp(undefined, { env: { TRUST_PROXY: "yes" } })).rejects.toThrow(/TRUST_PROXY must be the number of proxies/);
  });
});
