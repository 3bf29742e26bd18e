// One sink's delivery loop: read the spool in order after the sink's cursor, cut batches by size or age,
// write them, and move the cursor only over a contiguous run of finished batches. Retryable failures are
// retried forever with exponential backoff and jitter (the spool holds the data meanwhile); points the sink
// refuses become dead letters in the same transaction that moves the cursor.
import type { Logger } from "pino";
import type { IngestMetrics } from "./metrics";
import type { Spool } from "./spool";
import { ChunkBatch } from "./point-codec";
import type { ChunkInfo, NewDeadLetter } from "./spool-store";
import type { Sink, WriteOutcome } from "./types";
import { sleep, Wakeup } from "./wakeup";

export interface DeliveryOptions {
  batchSize: number;
  flushIntervalMs: number;
  maxInFlight: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /** How often to look at the spool without news (another process may have added chunks). */
  pollMs: number;
}

interface Batch {
  first: number;
  last: number;
  chunks: ChunkInfo[];
  done: boolean;
  rejected: NewDeadLetter[];
}

export type SinkHealth = { state: "ok" | "retrying" | "idle"; error?: string; alarm?: string; since: number };

export class Delivery {
  private running = false;
  private flushing = false;
  /** Chunks after the cursor that are known but not yet in a batch, and the last id looked at. */
  private known: ChunkInfo[] = [];
  private knownPoints = 0;
  private seenUpTo = 0;
  private inflight: Batch[] = [];
  /** Woken by a commit into the spool, a finished batch, or stop(). */
  private readonly news = new Wakeup();
  private readonly retrySleep = new Wakeup();
  private unsubscribe: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private activeAlarm: string | undefined;
  health: SinkHealth = { state: "idle", since: Date.now() };

  constructor(
    readonly sink: Sink,
    private readonly spool: Spool,
    private readonly options: DeliveryOptions,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.seenUpTo = this.spool.store.cursor(this.sink.name);
    this.metrics.sinkUp.set({ sink: this.sink.name }, 0);
    this.unsubscribe = this.spool.onNews(() => this.news.notify());
    this.loop = this.run();
  }

  /** Points in the spool this sink has not written yet. */
  pending(): number {
    return this.spool.store.pointsAfter(this.spool.store.cursor(this.sink.name));
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.inflight.length >= this.options.maxInFlight) {
        await this.news.wait(this.options.pollMs);
        continue;
      }
      // Learn new chunks: only as many rows as could still fit in one batch.
      if (this.knownPoints < this.options.batchSize) {
        const fresh = this.spool.chunksAfter(this.seenUpTo, this.options.batchSize - this.knownPoints + 1);
        for (const c of fresh) {
          this.known.push(c);
          this.knownPoints += c.count;
        }
        if (fresh.length) this.seenUpTo = fresh[fresh.length - 1].id;
      }
      if (this.known.length === 0) {
        await this.news.wait(this.options.pollMs);
        continue;
      }
      let take = 0;
      let count = 0;
      while (take < this.known.length && (take === 0 || count + this.known[take].count <= this.options.batchSize)) {
        count += this.known[take].count;
        take++;
      }
      const full = count >= this.options.batchSize || take < this.known.length;
      const age = Date.now() - this.known[0].created;
      if (!full && !this.flushing && age < this.options.flushIntervalMs) {
        await this.news.wait(this.options.flushIntervalMs - age);
        continue;
      }
      const chunks = this.known.splice(0, take);
      this.knownPoints -= count;
      const b: Batch = { first: chunks[0].id, last: chunks[chunks.length - 1].id, chunks, done: false, rejected: [] };
      this.inflight.push(b);
      void this.write(b);
    }
  }

  private async write(b: Batch): Promise<void> {
    const batch = new ChunkBatch(b.chunks.map((c) => this.spool.blob(c)), b.chunks.reduce((n, c) => n + c.count, 0));
    let attempt = 0;
    while (this.running) {
      const started = performance.now();
      let outcome: WriteOutcome;
      try {
        // Line protocol as spooled when the sink takes it (InfluxDB): no decoding, no per-point objects.
        outcome = this.sink.writeLineProtocol ? await this.sink.writeLineProtocol(batch) : await this.sink.write(batch.points());
      } catch (err) {
        // A sink that throws has a bug or met something unforeseen: retry rather than lose the batch.
        outcome = { kind: "retry", error: `sink threw: ${(err as Error)?.message ?? String(err)}` };
      }
      this.metrics.batchDuration.observe({ sink: this.sink.name }, (performance.now() - started) / 1000);
      if (outcome.kind === "retry") {
        attempt++;
        this.onRetry(outcome.error, outcome.alarm, attempt);
        const cap = Math.min(this.options.retryMaxMs, this.options.retryInitialMs * 2 ** Math.min(attempt - 1, 30));
        await this.retrySleep.wait(cap / 2 + Math.random() * (cap / 2));
        continue;
      }
      if (outcome.kind === "partial") {
        const now = Date.now();
        b.rejected = outcome.rejected.map((r) => ({
          time: now,
          source: this.sink.name,
          stage: "sink" as const,
          reason: reasonLabel(r.reason),
          detail: r.reason,
          point: r.point,
        }));
      }
      const written = batch.count - b.rejected.length;
      this.metrics.pointsWritten.inc({ sink: this.sink.name }, written);
      const now = Date.now();
      for (const c of b.chunks) this.metrics.deliveryDelay.observe({ sink: this.sink.name }, ((now - c.created) / 1000));
      this.onSuccess();
      b.done = true;
      this.advance();
      return;
    }
  }

  /** Move the cursor over the finished prefix of in-flight batches (a later batch may finish first). */
  private advance(): void {
    if (!this.spool.store.db.open) return; // stopped past its deadline: the spool replays this batch next start
    let last = 0;
    const rejected: NewDeadLetter[] = [];
    while (this.inflight.length && this.inflight[0].done) {
      const b = this.inflight.shift()!;
      last = b.last;
      rejected.push(...b.rejected);
    }
    if (last > 0) {
      try {
        this.spool.delivered(this.sink.name, last, rejected);
      } catch (err) {
        // Could not record the progress: the batches will be written again after a restart (idempotent).
        this.logger.error({ err, sink: this.sink.name }, "could not record delivery progress");
      }
    }
    this.news.notify();
  }

  private onRetry(error: string, alarm: string | undefined, attempt: number): void {
    const reason = alarm ?? "transient";
    this.metrics.sinkRetries.inc({ sink: this.sink.name, reason });
    this.metrics.sinkUp.set({ sink: this.sink.name }, 0);
    if (alarm !== this.activeAlarm) {
      if (this.activeAlarm) this.metrics.alarm.set({ component: this.sink.name, alarm: this.activeAlarm }, 0);
      if (alarm) this.metrics.alarm.set({ component: this.sink.name, alarm }, 1);
      this.activeAlarm = alarm;
    }
    if (this.health.state !== "retrying") this.health = { state: "retrying", error, alarm, since: Date.now() };
    else this.health = { ...this.health, error, alarm };
    // Log the first failure and then every 10th, so an outage does not flood the log.
    if (attempt === 1 || attempt % 10 === 0) this.logger.warn({ sink: this.sink.name, attempt, error, alarm }, "sink write failed; will retry");
  }

  private onSuccess(): void {
    this.metrics.sinkUp.set({ sink: this.sink.name }, 1);
    if (this.activeAlarm) {
      this.metrics.alarm.set({ component: this.sink.name, alarm: this.activeAlarm }, 0);
      this.activeAlarm = undefined;
    }
    if (this.health.state === "retrying") this.logger.info({ sink: this.sink.name }, "sink writes succeed again");
    if (this.health.state !== "ok") this.health = { state: "ok", since: Date.now() };
  }

  /**
   * Write what is in the spool (batches cut immediately, no waiting for age) until caught up or the deadline,
   * then stop. What is not written stays in the spool for the next start.
   */
  async stop(deadlineMs: number): Promise<void> {
    if (!this.running) return;
    this.flushing = true;
    this.news.notify();
    const until = Date.now() + deadlineMs;
    while (Date.now() < until) {
      const caughtUp = this.inflight.length === 0 && this.known.length === 0 && this.spool.chunksAfter(this.seenUpTo, 1).length === 0;
      if (caughtUp) break;
      if (this.health.state === "retrying") break; // the sink is down: keep the rest for the next start
      await sleep(Math.min(20, until - Date.now()));
    }
    this.running = false;
    this.unsubscribe?.();
    this.retrySleep.notify();
    this.news.notify();
    await this.loop;
  }
}

/** The metric/dead-letter label for a sink's refusal: its leading word when it gives one (`reason: detail`). */
function reasonLabel(reason: string): string {
  const m = /^([a-z][a-z0-9_]{0,40}):/.exec(reason);
  return m ? m[1] : "rejected";
}
