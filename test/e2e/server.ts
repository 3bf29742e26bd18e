// The built app served by remix-serve on a free port with its own data folder, for end-to-end tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface RunningApp {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startApp(
  dataDir = mkdtempSync(join(tmpdir(), "zhiping-e2e-")),
  options: { keepDataDir?: boolean; nodeArgs?: string[]; stopGraceMs?: number } = {},
): Promise<RunningApp> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), join(ROOT, "node_modules/@remix-run/serve/dist/cli.js"), "build/index.js"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", ZHIPING_DATA_DIR: dataDir, NODE_ENV: "production", DATABASE_URL: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`remix-serve exited (${child.exitCode}): ${stderr}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`remix-serve did not answer within 20 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        // remix-serve waits for kept-alive connections after SIGTERM: do not wait long.
        const timer = setTimeout(() => child.kill("SIGKILL"), options.stopGraceMs ?? 1500);
        await exited;
        clearTimeout(timer);
      }
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
