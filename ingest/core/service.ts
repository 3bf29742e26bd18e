// A running ingest: sources → pipeline (validate → spool) → one delivery loop per sink, plus /metrics and
// /healthz. Started by `zhiping ingest` (ingest/cli.ts), the demo, and the integration tests.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import pino, { type Logger } from "pino";
import type { IngestConfig } from "./config";
import { Delivery } from "./delivery";
import { startHttp, type Health } from "./http";
import { IngestMetrics } from "./metrics";
import { Pipeline } from "./pipeline";
import { ConfiguredRegistry } from "./registry";
import { Spool } from "./spool";
import { SpoolStore } from "./spool-store";
import type { PluginDeps, Sink, Source } from "./types";

const STATS_REFRESH_MS = 5000;
/** Spool chunks never hold more points than this (nor more than the smallest sink batch). */
const MAX_CHUNK_POINTS = 1000;

export class IngestService {
  private stopped: Promise<void> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly config: IngestConfig,
    readonly logger: Logger,
    readonly metrics: IngestMetrics,
    readonly store: SpoolStore,
    readonly spool: Spool,
    readonly pipeline: Pipeline,
    readonly registry: ConfiguredRegistry,
    readonly sinks: Sink[],
    readonly deliveries: Delivery[],
    readonly sources: Source[],
    private readonly server: Server | null,
    /** Where /metrics and /healthz listen (null when http.enabled is false). */
    readonly address: AddressInfo | null,
    private readonly releaseLock: () => void,
  ) {
    this.refreshTimer = setInterval(() => this.refresh(), STATS_REFRESH_MS);
    this.refreshTimer.unref();
  }

  private refresh(): void {
    try {
      this.spool.refresh();
      for (const d of this.deliveries) this.metrics.sinkLag.set({ sink: d.sink.name }, d.pending());
    } catch (err) {
      this.logger.warn({ err }, "could not refresh spool statistics");
    }
  }

  health(): Health {
    const sources = Object.fromEntries(this.pipeline.sourceStates);
    for (const s of this.sources) if (!(s.name in sources)) sources[s.name] = { state: "connecting", since: Date.now() };
    const sinks = Object.fromEntries(this.deliveries.map((d) => [d.sink.name, d.health]));
    const stats = this.store.getStats();
    const spool = {
      state: this.spool.failing ? "write_failed" : this.spool.backpressure ? "full" : "ok",
      points: stats.points,
      bytes: stats.bytes,
      deadLetters: stats.deadLetters,
      deadLetterBytes: stats.deadLetterBytes,
      budgetBytes: this.config.spool.budgetBytes,
    };
    const ok =
      spool.state === "ok" &&
      Object.values(sources).every((s) => (s as { state: string }).state === "connected") &&
      this.deliveries.every((d) => d.health.state !== "retrying");
    return { status: ok ? "ok" : "degraded", sources, sinks, spool };
  }

  /**
   * Graceful stop: commit what is queued (so its acknowledgements go out), stop the sources, write what the
   * sinks can within shutdown.flushTimeout, close the spool. What is left stays on disk for the next start.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.refreshTimer) clearInterval(this.refreshTimer);
      this.logger.info("stopping");
      this.spool.commitNow();
      await Promise.all(
        this.sources.map((s) =>
          withTimeout(s.stop(), 5000).catch((err) => this.logger.error({ err, source: s.name }, "source did not stop cleanly")),
        ),
      );
      this.spool.close();
      await Promise.all(this.deliveries.map((d) => d.stop(this.config.flushTimeoutMs)));
      await Promise.all(this.sinks.map((s) => s.close().catch((err) => this.logger.error({ err, sink: s.name }, "sink did not close cleanly"))));
      if (this.server) {
        const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
        this.server.closeAllConnections();
        await closed;
      }
      const left = this.store.getStats();
      this.store.close();
      this.releaseLock();
      this.logger.info({ spoolPoints: left.points }, "stopped");
    })();
    return this.stopped;
  }
}

export interface StartOptions {
  logger?: Logger;
}

export function createLogger(level: IngestConfig["logLevel"]): Logger {
  return pino({ level, base: { service: "zhiping-ingest" } });
}

/**
 * One running ingest per spool: a second process on the same file would deliver every chunk again and fight
 * over the cursors (two workers on a shared subscription each need their own dataDir). A lock file holds
 * the owner's pid; a lock left by a process that no longer runs (SIGKILL) is taken over.
 */
export function lockSpool(spoolPath: string): () => void {
  const file = `${spoolPath}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      heldLocks.add(file);
      return () => {
        heldLocks.delete(file);
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(readFileSync(file, "utf8").trim());
      // Our own pid counts only if this process took the lock (a restarted container may reuse the pid).
      const held = owner === process.pid ? heldLocks.has(file) : Number.isInteger(owner) && owner > 0 && isRunning(owner);
      if (held)
        throw new Error(`the spool ${spoolPath} is in use by another ingest (pid ${owner}); give each worker its own dataDir`);
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock ${file}`);
}

const heldLocks = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function startIngest(config: IngestConfig, options: StartOptions = {}): Promise<IngestService> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = new IngestMetrics();
  const registry = new ConfiguredRegistry(config.registry);
  const releaseLock = lockSpool(config.spool.path);
  let store: SpoolStore;
  try {
    store = new SpoolStore(config.spool.path, config.spool.sync);
  } catch (err) {
    releaseLock();
    throw err;
  }
  const chunkPoints = Math.min(MAX_CHUNK_POINTS, ...config.sinks.map((s) => s.batchSize));
  const spool = new Spool(store, { ...config.spool, chunkPoints }, metrics, logger);
  const pipeline = new Pipeline(spool, config.limits, metrics, logger);
  const sinks: Sink[] = [];
  const deliveries: Delivery[] = [];
  /** What a source or sink plugin gets: its own log context and data folder below the ingest's. */
  const pluginContext = (kind: "source" | "sink", name: string): PluginDeps => ({
    registry,
    logger: logger.child({ [kind]: name }),
    dataDir: join(config.dataDir, name),
    name,
    configDir: config.configDir,
  });
  const sources: Source[] = [];
  let server: Server | null = null;
  let address: AddressInfo | null = null;
  try {
    store.setSinks(config.sinks.map((s) => s.name));
    for (const entry of config.sinks) {
      const sink = entry.plugin.create(entry.config, pluginContext("sink", entry.name));
      sinks.push(sink);
      const delivery = new Delivery(
        sink,
        spool,
        {
          batchSize: entry.batchSize,
          flushIntervalMs: entry.flushIntervalMs,
          maxInFlight: entry.maxInFlight,
          retryInitialMs: entry.retryInitialMs,
          retryMaxMs: entry.retryMaxMs,
          pollMs: Math.max(entry.flushIntervalMs, 1000),
        },
        metrics,
        logger,
      );
      deliveries.push(delivery);
      delivery.start();
    }
    if (config.http.enabled) ({ server, address } = await startHttp(config.http.host, config.http.port, metrics, () => service.health()));
    for (const entry of config.sources) {
      try {
        const source = entry.plugin.create(entry.config, pluginContext("source", entry.name));
        sources.push(source);
      } catch (err) {
        throw new Error(`source ${entry.name}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await Promise.all(deliveries.map((d) => d.stop(0)));
    await Promise.all(sinks.map((s) => s.close().catch(() => {})));
    server?.close();
    store.close();
    releaseLock();
    throw err;
  }
  const service = new IngestService(config, logger, metrics, store, spool, pipeline, registry, sinks, deliveries, sources, server, address, releaseLock);
  for (const source of sources) {
    try {
      await source.start(pipeline.contextFor(source.name));
    } catch (err) {
      await service.stop();
      throw new Error(`source ${source.name} did not start: ${(err as Error).message}`);
    }
  }
  const stats = store.getStats();
  logger.info(
    { sources: sources.map((s) => s.name), sinks: sinks.map((s) => s.name), spoolPoints: stats.points, http: address ? `${address.address}:${address.port}` : null },
    "ingest started",
  );
  return service;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
