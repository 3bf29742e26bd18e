// `zhiping demo`: migrates and seeds the database (idempotent), starts the demo's processes and prints the
// URL and the logins. Every process is one entry in `demoProcesses()`: the ingest service and the
// simulated line join the demo by adding their entries there.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { configFromEnv, dataDir, openDatabase } from "../../app/db/connection.server";
import { DEMO_PASSWORD, DEMO_USERS } from "./demo-data";
import { seedDemo } from "./seed";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface DemoProcess {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export function demoProcesses(port: string, host: string): DemoProcess[] {
  return [
    {
      name: "web",
      command: process.execPath,
      // node on remix-serve's cli directly: killing an `npx` wrapper would leave the server running.
      args: [fileURLToPath(new URL("../../node_modules/@remix-run/serve/dist/cli.js", import.meta.url)), "build/index.js"],
      env: { PORT: port, HOST: host },
    },
  ];
}

const GRACE_MS = 6_000;

export async function main(_argv: string[]): Promise<number> {
  const port = process.env.PORT ?? "3000";
  const host = process.env.HOST ?? "127.0.0.1";
  const database = await openDatabase(configFromEnv());
  try {
    const summary = await seedDemo(database.db);
    const levels = Object.entries(summary.levels).sort().map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`[demo] database ready (${database.dialect}${database.dialect === "sqlite" ? ` in ${dataDir()}/` : ""}); latest CMMM levels of the 30 demo enterprises: ${levels}`);
  } finally {
    await database.close();
  }

  const children: ChildProcess[] = [];
  for (const p of demoProcesses(port, host)) {
    const child = spawn(p.command, p.args, { cwd: ROOT, env: { ...process.env, ...p.env }, stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code, signal) => console.log(`[demo] ${p.name} stopped (${signal ?? code})`));
    children.push(child);
  }

  const url = `http://${host}:${port}`;
  console.log(`\n  智评 Zhiping demo: ${url}\n`);
  console.log(`  Logins (password for all: ${DEMO_PASSWORD})`);
  for (const u of DEMO_USERS) console.log(`    ${u.role.padEnd(15)} ${u.email.padEnd(26)} ${u.name}`);
  console.log("\n  Ctrl+C stops the demo.\n");

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const c of children) c.kill("SIGTERM");
    // remix-serve takes a few seconds to close kept-alive connections; do not wait for ever.
    setTimeout(() => children.forEach((c) => c.exitCode === null && c.kill("SIGKILL")), GRACE_MS).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const codes = await Promise.all(children.map((c) => new Promise<number>((resolve) => c.on("exit", (code) => resolve(code ?? 0)))));
  return stopping ? 0 : Math.max(...codes);
}
