// Processes the bench starts and the CPU time they use, read from /proc/<pid>/stat (utime + stime, in clock
// ticks) so every process — ours, the peer, InfluxDB, Mosquitto, the publisher — is measured the same way,
// from outside, without instrumenting any of them.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The bench picks ports the way the ingest tests do.
export { freePort } from "../../test/support/free-port";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The influxd and mosquitto binaries: from the environment, else as `scripts/services.sh up` found them
 * (its .services/env), else Debian's paths. Put into process.env too, where the test support's OwnInfluxd
 * and OwnMosquitto look.
 */
export function serviceBinaries(): { influxd: string; mosquitto: string } {
  const file = join(repoRoot, ".services/env");
  const fromFile = existsSync(file) ? Object.fromEntries([...readFileSync(file, "utf8").matchAll(/^export (\w+)='(.*)'$/gm)].map((m) => [m[1], m[2]])) : {};
  const influxd = process.env.ZP_INFLUXD_BIN || fromFile.ZP_INFLUXD_BIN || "/usr/bin/influxd";
  const mosquitto = process.env.ZP_MOSQUITTO_BIN || fromFile.ZP_MOSQUITTO_BIN || "/usr/sbin/mosquitto";
  process.env.ZP_INFLUXD_BIN = influxd;
  process.env.ZP_MOSQUITTO_BIN = mosquitto;
  return { influxd, mosquitto };
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a live process has used so far; NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return NaN;
  }
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / ticksPerSecond;
}

/**
 * CPU seconds of several named processes since construction. A process that has exited keeps the last
 * value read while it ran (read often enough — e.g. at every landing — and that is all it used).
 */
export class CpuMeter {
  private readonly begin = new Map<string, number>();
  private readonly last = new Map<string, number>();
  constructor(private readonly pids: Record<string, number | undefined>) {
    for (const [name, pid] of Object.entries(pids)) if (pid) this.begin.set(name, cpuSeconds(pid));
  }
  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      if (!pid) continue;
      const now = cpuSeconds(pid);
      if (Number.isFinite(now)) this.last.set(name, now - (this.begin.get(name) ?? 0));
      out[name] = this.last.get(name) ?? NaN;
    }
    return out;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A child process with its output kept (the tail) for error messages, stopped with a grace period. */
export class Child {
  readonly process: ChildProcess;
  output = "";
  constructor(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; ipc?: boolean } = {}) {
    this.process = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    });
    const keep = (d: Buffer) => (this.output = (this.output + d).slice(-20_000));
    this.process.stdout!.on("data", keep);
    this.process.stderr!.on("data", keep);
  }
  get pid(): number {
    return this.process.pid!;
  }
  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }
  exited(): Promise<number | null> {
    if (!this.running) return Promise.resolve(this.process.exitCode);
    return new Promise((resolve) => this.process.once("exit", (code) => resolve(code)));
  }
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const done = this.exited();
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill("SIGKILL"), graceMs);
    await done;
    clearTimeout(timer);
  }
}

/** A TypeScript module of this repository run in its own Node process (through tsx). */
export function nodeTs(file: string, args: string[] = [], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; ipc?: boolean } = {}): Child {
  return new Child(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", file, ...args], { env: options.env, ipc: options.ipc });
}

/**
 * Wait until the processes are idle (each below `share` of a core over `windowMs`), at most `maxMs`: InfluxDB
 * compacts what an earlier stage wrote, and that CPU must not be counted against the next one.
 */
export async function settleDown(pids: number[], { share = 0.05, windowMs = 500, maxMs = 30_000 } = {}): Promise<number> {
  const started = Date.now();
  for (;;) {
    const before = pids.map(cpuSeconds);
    await sleep(windowMs);
    const busy = pids.some((pid, i) => (cpuSeconds(pid) - before[i]) / (windowMs / 1000) > share);
    if (!busy || Date.now() - started > maxMs) return Date.now() - started;
  }
}
