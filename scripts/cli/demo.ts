// `zhiping demo`: the web app on http://127.0.0.1:3000 (PORT to change). Grows with the product: seeding,
// ingest and the simulated line are started here as they land.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export async function main(_argv: string[]): Promise<number> {
  const port = process.env.PORT ?? "3000";
  const cli = fileURLToPath(new URL("../../node_modules/@remix-run/serve/dist/cli.js", import.meta.url));
  const server = spawn(process.execPath, [cli, "build/index.js"], {
    env: { ...process.env, PORT: port, HOST: process.env.HOST ?? "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  console.log(`\n  智评 Zhiping demo: http://127.0.0.1:${port}\n`);
  const stop = () => server.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return await new Promise<number>((resolve) => server.on("exit", (code) => resolve(code ?? 0)));
}
