// `zhiping ingest …`: run the ingest service, check a config, or work with the dead-letter store.
import { format, parseArgs } from "node:util";
import pino from "pino";
import { loadConfig, type IngestConfig } from "./core/config";
import { ConfigError } from "./core/config-errors";
import { ConfiguredRegistry } from "./core/registry";
import { replayDeadLetters } from "./core/replay";
import { createLogger, startIngest } from "./core/service";
import { SpoolStore, type DeadLetterFilter, type DeadLetterRecord } from "./core/spool-store";

/** A signal this soon after the first one asks for the same graceful stop. */
const SAME_STOP_REQUEST_MS = 2_000;

const USAGE = `usage:
  zhiping ingest --config ingest.yaml            run until SIGTERM/SIGINT
  zhiping ingest --config ingest.yaml --check    validate the config and exit
  zhiping ingest dead-letters count  --config ingest.yaml [--reason R] [--source S]
  zhiping ingest dead-letters list   --config ingest.yaml [--reason R] [--source S] [--limit N] [--after ID] [--json]
  zhiping ingest dead-letters replay --config ingest.yaml [--reason R] [--source S]
  zhiping ingest dead-letters purge  --config ingest.yaml (--reason R | --source S | --all)
`;

/**
 * Stdout carries only what this command means to say (a report, `--json` lines, or the JSON log when
 * running); libraries that print (node-opcua warns about the Node version at load) go to stderr.
 */
function keepStdoutClean(): void {
  const toStderr = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

export async function main(argv: string[]): Promise<number> {
  keepStdoutClean();
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string", short: "c" },
        check: { type: "boolean" },
        reason: { type: "string" },
        source: { type: "string" },
        limit: { type: "string" },
        after: { type: "string" },
        json: { type: "boolean" },
        all: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.config) {
    process.stderr.write(`--config is required\n\n${USAGE}`);
    return 2;
  }
  let config: IngestConfig;
  try {
    config = loadConfig(values.config);
    new ConfiguredRegistry(config.registry); // registry checks (duplicates, patterns) that zod cannot do
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }

  if (positionals[0] === "dead-letters") return deadLetters(config, positionals[1], values);
  if (positionals.length) {
    process.stderr.write(`unknown command: ${positionals.join(" ")}\n\n${USAGE}`);
    return 2;
  }
  if (values.check) {
    const registry = new ConfiguredRegistry(config.registry);
    process.stdout.write(
      `${config.file}: ok — ${config.sources.length} source(s) [${config.sources.map((s) => `${s.name}:${s.type}`).join(", ")}], ` +
        `${config.sinks.length} sink(s) [${config.sinks.map((s) => `${s.name}:${s.type}`).join(", ")}], ` +
        `${registry.signals.length} registered signal(s), ${config.registry.conventions.length} convention rule(s)\n`,
    );
    return 0;
  }
  return run(config);
}

async function run(config: IngestConfig): Promise<number> {
  const logger = createLogger(config.logLevel);
  // A bug must not leave a half-working ingest running: log it and exit; what was acknowledged is on disk.
  const die = (what: string) => (err: unknown) => {
    logger.fatal({ err }, what);
    process.exit(1);
  };
  process.on("uncaughtException", die("uncaught exception"));
  process.on("unhandledRejection", die("unhandled promise rejection"));
  let service;
  try {
    service = await startIngest(config, { logger });
  } catch (err) {
    logger.fatal({ err }, "ingest did not start");
    process.stderr.write(`ingest did not start: ${(err as Error).message}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let firstSignalAt: number | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstSignalAt !== null) {
        // Ctrl+C in a terminal reaches every process of the group, and a supervisor (the demo, systemd)
        // then asks again: a second signal right after the first is the same request. One that comes
        // later is an operator who does not want to wait.
        if (Date.now() - firstSignalAt < SAME_STOP_REQUEST_MS) return;
        logger.warn({ signal }, "second signal: exiting now; the spool keeps what was acknowledged");
        process.exit(130);
      }
      firstSignalAt = Date.now();
      logger.info({ signal }, "shutting down");
      service.stop().then(
        () => resolve(0),
        (err) => {
          logger.error({ err }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

function filterOf(values: { reason?: string; source?: string }): DeadLetterFilter {
  return { reason: values.reason, source: values.source };
}

async function deadLetters(
  config: IngestConfig,
  action: string | undefined,
  values: { reason?: string; source?: string; limit?: string; after?: string; json?: boolean; all?: boolean },
): Promise<number> {
  const store = new SpoolStore(config.spool.path, config.spool.sync);
  try {
    const filter = filterOf(values);
    switch (action) {
      case "count": {
        const rows = store.deadLettersByReason(filter);
        const total = rows.reduce((n, r) => n + r.count, 0);
        if (values.json) process.stdout.write(`${JSON.stringify({ total, byReason: rows })}\n`);
        else {
          process.stdout.write(`${total} dead letter(s)\n`);
          for (const r of rows) process.stdout.write(`  ${String(r.count).padStart(8)}  ${r.source}  ${r.stage}  ${r.reason}\n`);
        }
        return 0;
      }
      case "list": {
        const limit = values.limit ? Number(values.limit) : 50;
        const after = values.after ? Number(values.after) : 0;
        if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(after) || after < 0) {
          process.stderr.write("--limit must be a positive integer and --after a non-negative integer\n");
          return 2;
        }
        for (const d of store.listDeadLetters(filter, limit, after)) process.stdout.write(`${values.json ? JSON.stringify(asJson(d)) : asText(d)}\n`);
        return 0;
      }
      case "replay": {
        const logger = pino({ level: "warn" });
        const result = replayDeadLetters(config, store, filter, logger);
        process.stdout.write(
          `replayed ${result.replayed} dead letter(s): ${result.points} point(s) spooled for the sinks, ${result.stillDead} still dead` +
            (result.skipped.length ? `, ${result.skipped.length} left alone` : "") +
            "\n",
        );
        for (const s of result.skipped.slice(0, 20)) process.stdout.write(`  #${s.id}: ${s.why}\n`);
        return 0;
      }
      case "purge": {
        if (!values.all && !values.reason && !values.source) {
          process.stderr.write("purge deletes dead letters for good: say which with --reason/--source, or --all\n");
          return 2;
        }
        const n = store.purgeDeadLetters(values.all ? {} : filter);
        process.stdout.write(`purged ${n} dead letter(s)\n`);
        return 0;
      }
      default:
        process.stderr.write(`dead-letters needs count, list, replay or purge\n\n${USAGE}`);
        return 2;
    }
  } finally {
    store.close();
  }
}

function rawText(raw: Buffer | null): { text?: string; base64?: string } {
  if (!raw) return {};
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(raw) };
  } catch {
    return { base64: raw.toString("base64") };
  }
}

function asJson(d: DeadLetterRecord): unknown {
  const point = d.point ? { ...d.point, fields: Object.fromEntries(Object.entries(d.point.fields).map(([k, v]) => [k, typeof v === "bigint" ? `${v}i` : v])) } : null;
  return { id: d.id, time: new Date(d.time).toISOString(), source: d.source, stage: d.stage, reason: d.reason, detail: d.detail, origin: d.origin, raw: rawText(d.raw), point };
}

function asText(d: DeadLetterRecord): string {
  const raw = rawText(d.raw);
  const shown = raw.text !== undefined ? JSON.stringify(raw.text.length > 160 ? `${raw.text.slice(0, 160)}…` : raw.text) : raw.base64 ? `base64:${raw.base64.slice(0, 80)}` : "";
  const point = d.point ? JSON.stringify(asJson(d) && (asJson(d) as { point: unknown }).point) : "";
  return [`#${d.id}`, new Date(d.time).toISOString(), d.source, d.stage, d.reason, d.origin ?? "-", d.detail ?? "", shown || point].join("  ");
}
