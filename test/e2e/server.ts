// The built app served by the production server (`zhiping serve`, the one way the app is served) on a free
// port with its own data folder, for end-to-end tests and benchmarks.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/free-port";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the app when build/index.js is missing or older than the sources it is made of. */
export function ensureBuild(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, "build/index.js")).mtimeMs;
  } catch {
    /* not built */
  }
  const sources = Math.max(newestMtime(join(ROOT, "app")), newestMtime(join(ROOT, "assessments")));
  if (built > sources) return;
  // NODE_ENV is "test" inside vitest; a build made under it would use the development JSX runtime.
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`remix build failed:\n${r.stdout}\n${r.stderr}`);
}

export { freePort };

/** `zhiping serve` as the demo and a deployment start it: node on the CLI directly (no npx wrapper to kill). */
export const SERVE_COMMAND = [join(ROOT, "scripts/zhiping.mjs"), "serve"];

export interface RunningApp {
  url: string;
  dataDir: string;
  /** The primary process (workers are its children). */
  process: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  keepDataDir?: boolean;
  /** Node options for the primary; cluster workers inherit them (--cpu-prof writes one profile per process). */
  nodeArgs?: string[];
  /** Worker processes (ZHIPING_WEB_WORKERS); 2 by default, so tests run the multi-process setup. */
  workers?: number;
  /** More environment for the server (ZHIPING_WEB_SHUTDOWN_MS, TRUST_PROXY…). */
  env?: Record<string, string>;
  /** How long stop() waits after SIGTERM before SIGKILL (the server's own bound is ZHIPING_WEB_SHUTDOWN_MS). */
  stopGraceMs?: number;
}

export async function startApp(dataDir = mkdtempSync(join(tmpdir(), "zhiping-e2e-")), options: StartOptions = {}): Promise<RunningApp> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...SERVE_COMMAND], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      ZHIPING_DATA_DIR: dataDir,
      NODE_ENV: "production",
      DATABASE_URL: "",
      ZHIPING_WEB_WORKERS: String(options.workers ?? 2),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => (output = (output + String(d)).slice(-50_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const fail = (message: string): never => {
    if (child.exitCode === null) child.kill("SIGKILL");
    if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw new Error(message);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      // Let the last output arrive before quoting it.
      await new Promise((r) => setTimeout(r, 50));
      fail(`zhiping serve exited (${child.exitCode}): ${output}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) fail(`zhiping serve did not answer within 30 s: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dataDir,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        // The server stops by itself within its shutdown bound; SIGKILL only if it hangs beyond that.
        const timer = setTimeout(() => child.kill("SIGKILL"), options.stopGraceMs ?? 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
