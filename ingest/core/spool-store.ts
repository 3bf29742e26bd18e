// The durable spool and the dead-letter store: one SQLite file in WAL mode (better-sqlite3). Points arrive in
// chunks written by one transaction per group commit; each sink has a cursor (the last chunk id it has
// delivered); a chunk is deleted once every configured sink is past it. After a crash, everything after a
// cursor is simply read again: at-least-once delivery, idempotent because a point with the same series and
// timestamp overwrites itself in both stores. See docs/decisions/003-ingest-spool-and-delivery.md.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { decodePoints, encodeChunk, encodePoints } from "./point-codec";
import type { Point } from "./types";

export type SyncMode = "full" | "normal";

export interface ChunkInfo {
  id: number;
  created: number;
  count: number;
}

/** A chunk ready for disk: its points already encoded (point-codec.ts). */
export interface EncodedChunk {
  created: number;
  count: number;
  blob: Buffer;
}

export type DeadLetterStage = "source" | "validation" | "sink";

export interface NewDeadLetter {
  time: number;
  /** The source's name, or the sink's name for points a sink refused. */
  source: string;
  stage: DeadLetterStage;
  reason: string;
  detail?: string;
  origin?: string;
  raw?: Uint8Array | string;
  point?: Point;
}

export interface DeadLetterRecord {
  id: number;
  time: number;
  source: string;
  stage: DeadLetterStage;
  reason: string;
  detail: string | null;
  origin: string | null;
  raw: Buffer | null;
  point: Point | null;
}

export interface DeadLetterFilter {
  reason?: string;
  source?: string;
}

export interface SpoolStats {
  chunks: number;
  points: number;
  bytes: number;
  deadLetters: number;
  deadLetterBytes: number;
}

const SCHEMA_VERSION = 1;
/** Fixed cost of a dead-letter row beyond its payloads, for the budget (a rough but honest estimate). */
const ROW_OVERHEAD = 64;

export class SpoolStore {
  readonly db: Database.Database;
  private stats: SpoolStats = { chunks: 0, points: 0, bytes: 0, deadLetters: 0, deadLetterBytes: 0 };
  private readonly st;

  constructor(readonly path: string, private readonly sync: SyncMode = "full") {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // A new file gets 64 KiB pages: a chunk (~85 KB) then spans 2 pages instead of ~21 overflow pages, which
    // measured ~2× less time per committed point. It takes effect only before the first table exists (an
    // existing spool keeps its page size).
    this.db.pragma("page_size = 65536");
    this.db.pragma("journal_mode = WAL");
    // FULL: a committed group survives power loss; NORMAL: survives a process crash (SIGKILL) only.
    this.db.pragma(`synchronous = ${sync === "full" ? "FULL" : "NORMAL"}`);
    this.db.pragma("busy_timeout = 10000");
    this.db.pragma("journal_size_limit = 67108864");
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${path}: spool schema ${version} is newer than this program (${SCHEMA_VERSION})`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS spool_chunk (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        created INTEGER NOT NULL,          -- epoch ms of the group commit
        count   INTEGER NOT NULL,          -- points in the chunk
        bytes   INTEGER NOT NULL,
        points  BLOB NOT NULL              -- point-codec: format 3 is a JSON header line + line protocol
      );
      CREATE TABLE IF NOT EXISTS sink_cursor (
        sink      TEXT PRIMARY KEY,
        delivered INTEGER NOT NULL         -- last spool_chunk.id this sink has written
      );
      CREATE TABLE IF NOT EXISTS dead_letter (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,
        time   INTEGER NOT NULL,
        source TEXT NOT NULL,
        stage  TEXT NOT NULL,              -- source | validation | sink
        reason TEXT NOT NULL,
        detail TEXT,
        origin TEXT,                       -- topic, node id…: what a replay needs besides raw
        raw    BLOB,
        point  BLOB,                       -- point-codec chunk of one point, when there is one
        bytes  INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS dead_letter_reason ON dead_letter (reason, id);
      CREATE INDEX IF NOT EXISTS dead_letter_source ON dead_letter (source, id);
    `);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.st = {
      insertChunk: this.db.prepare("INSERT INTO spool_chunk (created, count, bytes, points) VALUES (?, ?, ?, ?)"),
      insertDead: this.db.prepare(
        "INSERT INTO dead_letter (time, source, stage, reason, detail, origin, raw, point, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      listChunks: this.db.prepare("SELECT id, created, count FROM spool_chunk WHERE id > ? ORDER BY id LIMIT ?"),
      pointsAfter: this.db.prepare("SELECT coalesce(sum(count), 0) FROM spool_chunk WHERE id > ?").pluck(),
      readChunk: this.db.prepare("SELECT points FROM spool_chunk WHERE id = ?").pluck(),
      cursor: this.db.prepare("SELECT delivered FROM sink_cursor WHERE sink = ?").pluck(),
      setCursor: this.db.prepare(
        "INSERT INTO sink_cursor (sink, delivered) VALUES (?, ?) ON CONFLICT (sink) DO UPDATE SET delivered = max(delivered, excluded.delivered)",
      ),
      minCursor: this.db.prepare("SELECT min(delivered) FROM sink_cursor").pluck(),
      deletedStats: this.db.prepare("SELECT count(*) AS chunks, coalesce(sum(count), 0) AS points, coalesce(sum(bytes), 0) AS bytes FROM spool_chunk WHERE id <= ?"),
      deleteChunks: this.db.prepare("DELETE FROM spool_chunk WHERE id <= ?"),
    };
    this.refreshStats();
  }

  /** Recount from disk (another process — the dead-letters CLI — may have changed the file). */
  refreshStats(): SpoolStats {
    const c = this.db.prepare("SELECT count(*) AS chunks, coalesce(sum(count), 0) AS points, coalesce(sum(bytes), 0) AS bytes FROM spool_chunk").get() as {
      chunks: number;
      points: number;
      bytes: number;
    };
    const d = this.db.prepare("SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM dead_letter").get() as { n: number; bytes: number };
    this.stats = { chunks: c.chunks, points: c.points, bytes: c.bytes, deadLetters: d.n, deadLetterBytes: d.bytes };
    return this.getStats();
  }

  getStats(): SpoolStats {
    return { ...this.stats };
  }

  /** Bytes that count against the disk budget: pending points plus kept dead letters. */
  usedBytes(): number {
    return this.stats.bytes + this.stats.deadLetterBytes;
  }

  /**
   * One group commit: the chunks and dead letters in one transaction. Returns the new chunk ids. When this
   * returns, everything is on disk (fsync'd with sync=full).
   */
  commit(chunks: readonly EncodedChunk[], deadLetters: readonly NewDeadLetter[]): number[] {
    const deadRows = deadLetters.map(deadRow);
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const c of chunks) ids.push(Number(this.st.insertChunk.run(c.created, c.count, c.blob.length, c.blob).lastInsertRowid));
      for (const row of deadRows) this.st.insertDead.run(...row);
    })();
    for (const c of chunks) {
      this.stats.chunks++;
      this.stats.points += c.count;
      this.stats.bytes += c.blob.length;
    }
    for (const row of deadRows) {
      this.stats.deadLetters++;
      this.stats.deadLetterBytes += row[8];
    }
    return ids;
  }

  listChunks(afterId: number, limit: number): ChunkInfo[] {
    return this.st.listChunks.all(afterId, limit) as ChunkInfo[];
  }

  /** Points in chunks after `afterId` (what a sink at that cursor still has to write). */
  pointsAfter(afterId: number): number {
    return this.st.pointsAfter.get(afterId) as number;
  }

  /** A chunk's stored bytes (point-codec). */
  readChunkBlob(id: number): Buffer {
    const blob = this.st.readChunk.get(id) as Buffer | undefined;
    if (!blob) throw new Error(`spool chunk ${id} is gone`);
    return blob;
  }

  /** Make the configured sinks the ones whose cursors hold chunks back; new sinks start at the oldest chunk. */
  setSinks(names: readonly string[]): void {
    this.db.transaction(() => {
      const keep = new Set(names);
      for (const row of this.db.prepare("SELECT sink FROM sink_cursor").pluck().all() as string[]) {
        if (!keep.has(row)) this.db.prepare("DELETE FROM sink_cursor WHERE sink = ?").run(row);
      }
      for (const name of names) this.db.prepare("INSERT OR IGNORE INTO sink_cursor (sink, delivered) VALUES (?, 0)").run(name);
    })();
    this.deleteDelivered();
  }

  cursor(sink: string): number {
    return (this.st.cursor.get(sink) as number | undefined) ?? 0;
  }

  /**
   * A sink has written everything up to chunk `upToId`: move its cursor, keep the points it refused as dead
   * letters, and delete chunks every sink is past — one transaction, so a crash repeats the batch (harmless)
   * rather than losing or half-recording it. Returns the id up to which chunks were deleted.
   */
  advance(sink: string, upToId: number, rejected: readonly NewDeadLetter[]): number {
    const deadRows = rejected.map(deadRow);
    let deleted = { chunks: 0, points: 0, bytes: 0 };
    let minCursor = 0;
    // Progress needs no fsync of its own: lost to a power cut, it means the batch is written again
    // (harmless: same series + time overwrites), and the next commit's fsync covers it anyway (one WAL).
    // Dead letters do: they are the only copy of the refused points.
    const relaxed = this.sync === "full" && deadRows.length === 0;
    // Not prepared once: SQLite applies this pragma when it compiles the statement, so a prepared copy's
    // first run changes nothing.
    if (relaxed) this.db.pragma("synchronous = NORMAL");
    try {
      this.db.transaction(() => {
        this.st.setCursor.run(sink, upToId);
        for (const row of deadRows) this.st.insertDead.run(...row);
        minCursor = (this.st.minCursor.get() as number | null) ?? 0;
        deleted = this.st.deletedStats.get(minCursor) as typeof deleted;
        if (deleted.chunks > 0) this.st.deleteChunks.run(minCursor);
      })();
    } finally {
      if (relaxed) this.db.pragma("synchronous = FULL");
    }
    this.stats.chunks -= deleted.chunks;
    this.stats.points -= deleted.points;
    this.stats.bytes -= deleted.bytes;
    for (const row of deadRows) {
      this.stats.deadLetters++;
      this.stats.deadLetterBytes += row[8];
    }
    return minCursor;
  }

  private deleteDelivered(): void {
    const minCursor = (this.st.minCursor.get() as number | null) ?? null;
    if (minCursor === null) return;
    this.st.deleteChunks.run(minCursor);
    this.refreshStats();
  }

  // ------------------------------------------------------------------ dead letters

  insertDeadLetters(entries: readonly NewDeadLetter[]): void {
    const rows = entries.map(deadRow);
    this.db.transaction(() => {
      for (const row of rows) this.st.insertDead.run(...row);
    })();
    for (const row of rows) {
      this.stats.deadLetters++;
      this.stats.deadLetterBytes += row[8];
    }
  }

  countDeadLetters(filter: DeadLetterFilter = {}): number {
    const { where, args } = deadWhere(filter);
    return this.db.prepare(`SELECT count(*) FROM dead_letter ${where}`).pluck().get(...args) as number;
  }

  deadLettersByReason(filter: DeadLetterFilter = {}): Array<{ source: string; stage: DeadLetterStage; reason: string; count: number }> {
    const { where, args } = deadWhere(filter);
    return this.db
      .prepare(`SELECT source, stage, reason, count(*) AS count FROM dead_letter ${where} GROUP BY source, stage, reason ORDER BY source, stage, reason`)
      .all(...args) as Array<{ source: string; stage: DeadLetterStage; reason: string; count: number }>;
  }

  listDeadLetters(filter: DeadLetterFilter = {}, limit = 100, afterId = 0): DeadLetterRecord[] {
    const { where, args } = deadWhere(filter, afterId);
    const rows = this.db
      .prepare(`SELECT id, time, source, stage, reason, detail, origin, raw, point FROM dead_letter ${where} ORDER BY id LIMIT ?`)
      .all(...args, limit) as Array<Omit<DeadLetterRecord, "point"> & { point: Buffer | null }>;
    return rows.map((r) => ({ ...r, point: r.point ? decodePoints(r.point)[0] : null }));
  }

  /**
   * Replace dead letters by what their replay produced, in one transaction: the chunks of points that now
   * pass, and the dead letters that still fail. A crash before commit leaves the old dead letters in place.
   */
  replaceDeadLetters(ids: readonly number[], points: readonly Point[], stillDead: readonly NewDeadLetter[], chunkSize: number): number[] {
    const chunks: Point[][] = [];
    for (let i = 0; i < points.length; i += chunkSize) chunks.push(points.slice(i, i + chunkSize));
    const now = Date.now();
    let chunkIds: number[] = [];
    this.db.transaction(() => {
      const del = this.db.prepare("DELETE FROM dead_letter WHERE id = ?");
      for (const id of ids) del.run(id);
      chunkIds = this.commit(chunks.map((p) => ({ created: now, count: p.length, blob: encodeChunk(p) })), stillDead);
    })();
    this.refreshStats();
    return chunkIds;
  }

  purgeDeadLetters(filter: DeadLetterFilter = {}): number {
    const { where, args } = deadWhere(filter);
    const n = this.db.prepare(`DELETE FROM dead_letter ${where}`).run(...args).changes;
    this.refreshStats();
    return n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

type DeadRow = [number, string, string, string, string | null, string | null, Buffer | null, Buffer | null, number];

function deadRow(e: NewDeadLetter): DeadRow {
  const raw = e.raw === undefined ? null : typeof e.raw === "string" ? Buffer.from(e.raw, "utf8") : Buffer.from(e.raw.buffer, e.raw.byteOffset, e.raw.byteLength);
  const point = e.point ? encodePoints([e.point]) : null;
  const detail = e.detail ?? null;
  const bytes = ROW_OVERHEAD + (raw?.length ?? 0) + (point?.length ?? 0) + (detail?.length ?? 0) + (e.origin?.length ?? 0);
  return [e.time, e.source, e.stage, e.reason, detail, e.origin ?? null, raw, point, bytes];
}

function deadWhere(filter: DeadLetterFilter, afterId = 0): { where: string; args: unknown[] } {
  const clauses = ["id > ?"];
  const args: unknown[] = [afterId];
  if (filter.reason) {
    clauses.push("reason = ?");
    args.push(filter.reason);
  }
  if (filter.source) {
    clauses.push("source = ?");
    args.push(filter.source);
  }
  return { where: `WHERE ${clauses.join(" AND ")}`, args };
}
