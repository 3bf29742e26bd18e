#!/usr/bin/env node
// `zhiping <command>`: one entry point for consultants, operators and scripts. Commands are TypeScript
// modules run through tsx, each exporting `main(argv): Promise<number>` (the exit code).
import { register } from "tsx/esm/api";

register();

const commands = {
  assess: ["../scripts/cli/assess.ts", "score an answers file: zhiping assess --framework <id> <answers.json> [--json] [--lang zh|en]"],
  frameworks: ["../scripts/cli/frameworks.ts", "list the frameworks and check their files"],
  ingest: ["../ingest/cli.ts", "run the ingest service: zhiping ingest --config ingest.yaml"],
  demo: ["../scripts/cli/demo.ts", "start the demo: web + ingest + simulated line"],
  serve: ["../scripts/cli/serve.ts", "serve the built web app: one process per core (zhiping serve --help)"],
  db: ["../scripts/cli/db.ts", "database schema: zhiping db migrate"],
  seed: ["../scripts/cli/seed.ts", "add the demo enterprises, users and assessments (idempotent)"],
  gateways: ["../scripts/cli/gateways.ts", "broker files for gateways: zhiping gateways mosquitto --out DIR"],
};

const [name, ...argv] = process.argv.slice(2);
const command = commands[name];
if (!command) {
  console.error("usage: zhiping <command> [options]\n");
  for (const [n, [, help]] of Object.entries(commands)) console.error(`  ${n.padEnd(11)} ${help}`);
  process.exit(name && name !== "--help" && name !== "help" ? 2 : 0);
}
const mod = await import(new URL(command[0], import.meta.url).href);
process.exitCode = await mod.main(argv);
