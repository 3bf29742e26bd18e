// ingest.yaml → a validated IngestConfig. Every problem is reported with its key path
// (`sources[1].subscriptions[0].topic: …`), all at once, without a stack trace; unknown keys are errors.
// `${NAME}` in a string is replaced by the environment variable NAME (for passwords and tokens).
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { sinkPlugins } from "../sinks";
import { sourcePlugins } from "../sources";
import { ConfigError, zodIssues, type ConfigIssue, type KeyPath } from "./config-errors";
import { byteSize, duration } from "./config-types";
import { nameProblem } from "./names";
import { registrySchema, type RegistryConfig } from "./registry";
import type { SinkPlugin, SourcePlugin } from "./types";
import { DEFAULT_LIMITS, type ValidationLimits } from "./validate";

/** Environment variables for `${NAME}` substitution. */
export type Env = Record<string, string | undefined>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const componentName = z.string().superRefine((s, ctx) => {
  const problem = nameProblem(s, 64, "value");
  if (problem) ctx.addIssue({ code: "custom", message: problem });
  else if (!/^[\w.-]+$/.test(s)) ctx.addIssue({ code: "custom", message: "use letters, digits, _ . - only" });
});

const isoTime = z.string().transform((s, ctx) => {
  const t = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(t)) {
    ctx.addIssue({ code: "custom", message: `expected an ISO 8601 date like 2000-01-01T00:00:00Z, got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return t;
});

const topSchema = z.strictObject({
  /** Spool, dead letters, embedded telemetry store and plugin state; relative to ingest.yaml. */
  dataDir: z.string().min(1).default("data/ingest"),
  http: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().min(1).default("127.0.0.1"),
      /** 0: any free port (tests). */
      port: z.number().int().min(0).max(65535).default(9464),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default("info") }).prefault({}),
  spool: z
    .strictObject({
      /** Default: spool.sqlite in dataDir. */
      path: z.string().min(1).optional(),
      /** Disk budget for pending points plus dead letters; over it, sources are not acknowledged. */
      budget: byteSize({ min: 1 }).default(1024 ** 3),
      /** full: what was acknowledged survives power loss; normal: survives a process crash only (faster). */
      sync: z.enum(["full", "normal"]).default("full"),
      /** Collect emits this long before one commit; 0 commits at the next event-loop turn. */
      commitDelay: duration({ max: 1000 }).default(0),
      /** Recent points kept in memory so sinks do not read them back from disk. */
      cachePoints: z.number().int().min(0).default(200_000),
    })
    .prefault({}),
  validation: z
    .strictObject({
      maxStringBytes: z.number().int().min(1).max(10_000_000).default(DEFAULT_LIMITS.maxStringBytes),
      maxNameBytes: z.number().int().min(1).max(65_535).default(DEFAULT_LIMITS.maxNameBytes),
      minTime: isoTime.default(DEFAULT_LIMITS.minTime),
      maxFuture: duration().default(DEFAULT_LIMITS.maxFutureMs),
    })
    .prefault({}),
  shutdown: z.strictObject({ flushTimeout: duration({ max: 600_000 }).default(5000) }).prefault({}),
  sources: z.array(z.record(z.string(), z.unknown())).default([]),
  /** Default: one embedded sink (the SQLite telemetry store in dataDir). */
  sinks: z.array(z.record(z.string(), z.unknown())).optional(),
  registry: registrySchema.prefault({}),
});

const sourceCommon = z.object({ type: z.string().min(1), name: componentName.optional() });
const sinkCommon = z.object({
  type: z.string().min(1),
  name: componentName.optional(),
  /** Points per write (InfluxDB likes 5,000–10,000). */
  batchSize: z.number().int().min(1).max(100_000).default(5000),
  /** A smaller batch is written once its oldest point waited this long. */
  flushInterval: duration({ min: 1, max: 60_000 }).default(1000),
  /**
   * Batches written concurrently to this sink. 2: the next batch is built while the store digests the last
   * (measured with InfluxDB on 2 cores: a 1M-point backlog written in ~25 % less time than with 1).
   */
  maxInFlight: z.number().int().min(1).max(16).default(2),
  retry: z
    .strictObject({ initial: duration({ min: 1 }).default(200), max: duration({ min: 1 }).default(30_000) })
    .prefault({}),
});
const SOURCE_KEYS = ["type", "name"];
const SINK_KEYS = ["type", "name", "batchSize", "flushInterval", "maxInFlight", "retry"];

export interface SourceEntry {
  type: string;
  name: string;
  plugin: SourcePlugin;
  config: unknown;
}

export interface SinkEntry {
  type: string;
  name: string;
  plugin: SinkPlugin;
  config: unknown;
  batchSize: number;
  flushIntervalMs: number;
  maxInFlight: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

export interface IngestConfig {
  file?: string;
  configDir: string;
  dataDir: string;
  http: { enabled: boolean; host: string; port: number };
  logLevel: (typeof LOG_LEVELS)[number];
  spool: { path: string; budgetBytes: number; sync: "full" | "normal"; commitDelayMs: number; cachePoints: number };
  limits: ValidationLimits;
  flushTimeoutMs: number;
  sources: SourceEntry[];
  sinks: SinkEntry[];
  registry: RegistryConfig;
}

export interface PluginSets {
  sources: Record<string, SourcePlugin>;
  sinks: Record<string, SinkPlugin>;
}

/** Read, parse and validate a config file. Throws ConfigError (message lists every problem with its path). */
export function loadConfig(file: string, env: Env = process.env, plugins?: PluginSets): IngestConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError([{ path: [], message: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }], file);
  }
  return parseConfig(text, { file, configDir: dirname(resolve(file)), env, plugins });
}

export function parseConfig(
  text: string,
  options: { file?: string; configDir?: string; env?: Env; plugins?: PluginSets } = {},
): IngestConfig {
  const file = options.file;
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => ({ path: [], message: `YAML: ${e.message.split("\n")[0].replace(/:$/, "")}` })),
      file,
    );
  }
  const issues: ConfigIssue[] = [];
  const raw = substituteEnv(doc.toJS() ?? {}, options.env ?? process.env, [], issues);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ConfigError([{ path: [], message: "expected a mapping of settings" }], file);
  const top = topSchema.safeParse(raw);
  // Keep going after top-level problems so the plugin entries are checked too: report everything at once.
  if (!top.success) issues.push(...zodIssues(top.error));
  const c: Partial<z.infer<typeof topSchema>> = top.success ? top.data : {};
  const rawEntries = (key: "sources" | "sinks") => {
    const v = (raw as Record<string, unknown>)[key];
    return Array.isArray(v) ? v.filter((e): e is Record<string, unknown> => e !== null && typeof e === "object" && !Array.isArray(e)) : [];
  };
  const configDir = options.configDir ?? process.cwd();
  const at = (p: string) => (isAbsolute(p) ? p : resolve(configDir, p));
  const dataDir = at(c.dataDir ?? "data/ingest");
  const plugins = options.plugins ?? { sources: sourcePlugins, sinks: sinkPlugins };

  const sources: SourceEntry[] = [];
  (c.sources ?? rawEntries("sources")).forEach((entry, i) => {
    const common = pluginEntry(entry, ["sources", i], sourceCommon, SOURCE_KEYS, plugins.sources, "source", issues);
    if (!common) return;
    sources.push({ type: common.type, name: common.common.name ?? common.type, plugin: common.plugin, config: common.config });
  });
  const sinkEntries = c.sinks ?? ((raw as Record<string, unknown>).sinks !== undefined ? rawEntries("sinks") : [{ type: "embedded" }]);
  const sinks: SinkEntry[] = [];
  sinkEntries.forEach((entry, i) => {
    const parsed = pluginEntry(entry, ["sinks", i], sinkCommon, SINK_KEYS, plugins.sinks, "sink", issues);
    if (!parsed) return;
    const s = parsed.common;
    if (s.retry.max < s.retry.initial) issues.push({ path: ["sinks", i, "retry", "max"], message: "must not be smaller than retry.initial" });
    sinks.push({
      type: parsed.type,
      name: s.name ?? parsed.type,
      plugin: parsed.plugin,
      config: parsed.config,
      batchSize: s.batchSize,
      flushIntervalMs: s.flushInterval,
      maxInFlight: s.maxInFlight,
      retryInitialMs: s.retry.initial,
      retryMaxMs: s.retry.max,
    });
  });
  if (sinkEntries.length === 0 && top.success) issues.push({ path: ["sinks"], message: "configure at least one sink (omit the key for the embedded store)" });
  duplicates(sources.map((s) => s.name), "sources", "source", issues);
  duplicates(sinks.map((s) => s.name), "sinks", "sink", issues);
  if (issues.length || !top.success) throw new ConfigError(issues, file);
  const t = top.data;

  return {
    file,
    configDir,
    dataDir,
    http: t.http,
    logLevel: t.log.level,
    spool: {
      path: t.spool.path ? at(t.spool.path) : resolve(dataDir, "spool.sqlite"),
      budgetBytes: t.spool.budget,
      sync: t.spool.sync,
      commitDelayMs: t.spool.commitDelay,
      cachePoints: t.spool.cachePoints,
    },
    limits: { maxStringBytes: t.validation.maxStringBytes, maxNameBytes: t.validation.maxNameBytes, minTime: t.validation.minTime, maxFutureMs: t.validation.maxFuture },
    flushTimeoutMs: t.shutdown.flushTimeout,
    sources,
    sinks,
    registry: t.registry,
  };
}

/** Validate one `sources:`/`sinks:` entry: the common keys here, the rest by its plugin's schema. */
function pluginEntry<C extends z.ZodType>(
  entry: Record<string, unknown>,
  path: KeyPath,
  commonSchema: C,
  commonKeys: string[],
  plugins: Record<string, SourcePlugin | SinkPlugin>,
  what: string,
  issues: ConfigIssue[],
): { type: string; plugin: any; config: unknown; common: z.infer<C> } | null {
  const commonPart: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) (commonKeys.includes(k) ? commonPart : rest)[k] = v;
  const common = commonSchema.safeParse(commonPart);
  if (!common.success) {
    issues.push(...zodIssues(common.error, path));
    return null;
  }
  const type = (common.data as { type: string }).type;
  const plugin = plugins[type];
  if (!plugin) {
    issues.push({ path: [...path, "type"], message: `unknown ${what} type "${type}" (known: ${Object.keys(plugins).join(", ") || "none"})` });
    return null;
  }
  const config = plugin.configSchema.safeParse(rest);
  if (!config.success) {
    issues.push(...zodIssues(config.error, path));
    return null;
  }
  return { type, plugin, config: config.data, common: common.data };
}

function duplicates(names: string[], key: string, what: string, issues: ConfigIssue[]): void {
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) issues.push({ path: [key, i, "name"], message: `another ${what} is already named "${n}" (give each a unique name)` });
  });
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function substituteEnv(value: unknown, env: Env, path: PropertyKey[], issues: ConfigIssue[]): unknown {
  if (typeof value === "string") {
    return value.replace(ENV_REF, (_, name: string) => {
      const v = env[name];
      if (v === undefined) {
        issues.push({ path, message: `environment variable ${name} is not set` });
        return "";
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i], issues));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, [...path, k], issues);
    return out;
  }
  return value;
}
