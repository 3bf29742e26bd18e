// Group commit in front of the spool store. Sources hand over points (and dead letters) in the order they
// arrive; everything queued since the last commit goes to disk in one transaction (one fsync), then the
// acknowledgements run in that same order. So throughput is not one fsync per MQTT message, and a QoS 1
// PUBACK still goes out only for what is on disk. Over the disk budget nothing is committed: emits stay
// pending (backpressure) and the spool_full alarm is raised until the sinks drain it.
// Points are encoded (line protocol, point-codec format 3) as they are handed over, not at the commit: the
// point objects then die young, and what waits for the commit and sits in the cache is bytes off the heap.
import type { Logger } from "pino";
import type { IngestMetrics } from "./metrics";
import { ChunkBuilder } from "./point-codec";
import type { ChunkInfo, EncodedChunk, NewDeadLetter, SpoolStore } from "./spool-store";
import type { Ack, Point } from "./types";

export interface SpoolOptions {
  /** Disk budget for pending points plus dead letters, in bytes. */
  budgetBytes: number;
  /** Collect emits this long before committing (0: commit at the next turn of the event loop). */
  commitDelayMs: number;
  /** Largest chunk written to disk, in points (not more than the smallest sink batch). */
  chunkPoints: number;
  /** Recently committed chunks kept in memory for the sinks, so the steady state never reads the disk back. */
  cachePoints: number;
}

type Entry =
  | { kind: "points"; count: number; source: string; ack?: Ack; resolve: () => void }
  | { kind: "dead"; entry: NewDeadLetter };

export class Spool {
  private queue: Entry[] = [];
  /** Points of the queued emits, encoded: full chunks, and the one being filled. */
  private full: Array<{ count: number; blob: Buffer }> = [];
  private readonly open = new ChunkBuilder();
  private scheduled: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private closed = false;
  private overBudget = false;
  private writeFailed = false;
  /** Committed chunks' bytes by id, until every sink wrote them. */
  private readonly cache = new Map<number, { count: number; blob: Buffer }>();
  private cachedPoints = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly store: SpoolStore,
    private readonly options: SpoolOptions,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
  ) {
    metrics.spoolBudget.set(options.budgetBytes);
    this.updateGauges();
  }

  get backpressure(): boolean {
    return this.overBudget;
  }

  get failing(): boolean {
    return this.writeFailed;
  }

  /** Queue points; the promise resolves (after `ack`) once they are on disk. */
  add(points: Point[], source: string, ack?: Ack): Promise<void> {
    if (this.closed) return new Promise(() => {}); // shutting down: never acknowledge what is not on disk
    const open = this.open;
    const chunkPoints = this.options.chunkPoints;
    for (let i = 0; i < points.length; ) {
      const n = Math.min(chunkPoints - open.count, points.length - i);
      open.addRange(points, i, i + n);
      i += n;
      if (open.count >= chunkPoints) this.full.push({ count: open.count, blob: open.finish() });
    }
    return new Promise<void>((resolve) => {
      this.queue.push({ kind: "points", count: points.length, source, ack, resolve });
      this.schedule();
    });
  }

  /** Queue a dead letter; it is committed with the next group, before anything queued after it. */
  addDeadLetter(entry: NewDeadLetter): void {
    if (this.closed) return;
    this.queue.push({ kind: "dead", entry });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    const run = () => {
      this.scheduled = null;
      this.commitNow();
    };
    this.scheduled = this.options.commitDelayMs > 0 ? setTimeout(run, this.options.commitDelayMs) : setImmediate(run);
  }

  /** Commit everything queued (if the budget allows). Returns false when entries are still waiting. */
  commitNow(): boolean {
    if (this.queue.length === 0) return true;
    if (this.store.usedBytes() >= this.options.budgetBytes) {
      this.setOverBudget(true);
      return false; // retried when a sink frees space (see delivered())
    }
    this.setOverBudget(false);
    const entries = this.queue;
    this.queue = [];
    if (this.open.count) this.full.push({ count: this.open.count, blob: this.open.finish() });
    const encoded = this.full;
    this.full = [];
    const dead: NewDeadLetter[] = [];
    let emits = 0;
    for (const e of entries) {
      if (e.kind === "dead") dead.push(e.entry);
      else emits++;
    }
    const now = Date.now();
    const chunks: EncodedChunk[] = encoded.map((c) => ({ created: now, count: c.count, blob: c.blob }));
    const started = performance.now();
    let ids: number[];
    try {
      ids = this.store.commit(chunks, dead);
    } catch (err) {
      // Disk full, I/O error…: nothing was acknowledged; keep the entries first in line and try again.
      this.queue = entries.concat(this.queue);
      this.full = encoded.concat(this.full);
      if (!this.writeFailed) this.logger.error({ err }, "spool commit failed; holding acknowledgements and retrying");
      this.writeFailed = true;
      this.metrics.alarm.set({ component: "spool", alarm: "spool_write_failed" }, 1);
      this.scheduled = setTimeout(() => {
        this.scheduled = null;
        this.commitNow();
      }, 1000);
      return false;
    }
    if (this.writeFailed) {
      this.writeFailed = false;
      this.metrics.alarm.set({ component: "spool", alarm: "spool_write_failed" }, 0);
      this.logger.info("spool commits work again");
    }
    this.metrics.commitDuration.observe((performance.now() - started) / 1000);
    this.metrics.commitGroupSize.observe(emits);
    chunks.forEach((c, i) => {
      if (this.cachedPoints + c.count <= this.options.cachePoints) {
        this.cache.set(ids[i], c);
        this.cachedPoints += c.count;
      }
    });
    for (const d of dead) this.metrics.deadLetters.inc({ source: d.source, stage: d.stage, reason: d.reason });
    for (const e of entries) {
      if (e.kind !== "points") continue;
      if (e.count) this.metrics.pointsSpooled.inc({ source: e.source }, e.count);
      try {
        e.ack?.();
      } catch (err) {
        this.logger.error({ err, source: e.source }, "acknowledgement callback threw");
      }
      e.resolve();
    }
    this.updateGauges();
    this.notify();
    return true;
  }

  /** Call `listener` after every commit (new chunks) and refresh; returns the unsubscribe function. */
  onNews(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  private setOverBudget(over: boolean): void {
    if (over === this.overBudget) return;
    this.overBudget = over;
    this.metrics.backpressure.set(over ? 1 : 0);
    this.metrics.alarm.set({ component: "spool", alarm: "spool_full" }, over ? 1 : 0);
    if (over)
      this.logger.warn(
        { usedBytes: this.store.usedBytes(), budgetBytes: this.options.budgetBytes },
        "spool over its disk budget: not acknowledging sources until sinks catch up",
      );
    else this.logger.info("spool under its disk budget again: acknowledging sources");
  }

  // ------------------------------------------------------------------ sink side

  chunksAfter(afterId: number, limit: number): ChunkInfo[] {
    return this.store.listChunks(afterId, limit);
  }

  /** A committed chunk's stored bytes, from memory while cached. */
  blob(chunk: ChunkInfo): Buffer {
    return this.cache.get(chunk.id)?.blob ?? this.store.readChunkBlob(chunk.id);
  }

  /** A sink wrote everything up to `upToId`; `rejected` points become dead letters in the same transaction. */
  delivered(sink: string, upToId: number, rejected: NewDeadLetter[]): void {
    const deletedUpTo = this.store.advance(sink, upToId, rejected);
    for (const d of rejected) this.metrics.deadLetters.inc({ source: d.source, stage: d.stage, reason: d.reason });
    for (const [id, chunk] of this.cache) {
      if (id > deletedUpTo) break; // Map keeps insertion order, which is id order
      this.cache.delete(id);
      this.cachedPoints -= chunk.count;
    }
    this.updateGauges();
    if (this.queue.length && !this.scheduled) this.schedule();
  }

  /** Resync counters with the file (another process may have replayed or purged dead letters). */
  refresh(): void {
    this.store.refreshStats();
    this.updateGauges();
    if (this.queue.length && !this.scheduled) this.schedule();
    this.notify();
  }

  private updateGauges(): void {
    const s = this.store.getStats();
    this.metrics.spoolPoints.set(s.points);
    this.metrics.spoolBytes.set(s.bytes);
    this.metrics.deadLetterBytes.set(s.deadLetterBytes);
    this.metrics.deadLettersStored.set(s.deadLetters);
  }

  /** Commit what is queued (within budget) and stop accepting. Unacknowledged input is redelivered by its source. */
  close(): void {
    if (this.scheduled) {
      clearTimeout(this.scheduled as NodeJS.Timeout);
      clearImmediate(this.scheduled as NodeJS.Immediate);
      this.scheduled = null;
    }
    this.commitNow();
    this.closed = true;
    this.notify();
  }
}
