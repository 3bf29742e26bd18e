// Writes batches to InfluxDB's v1 HTTP API (/write, /query), which InfluxDB 1.x, 2.x (DBRP mapping) and
// 3.x Core all serve. It decides what a failure means: retry later (5xx, network, auth, missing database),
// split (413), or find exactly which points the server refuses (400) and hand those back as rejected.
import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import { escape } from "influx";
import { influxAuthorization, influxEndpoint } from "../../core/influx-connection";
import { toLines } from "../../core/line-protocol";
import type { LineProtocolBatch, Point, WriteOutcome } from "../../core/types";

const gzip = promisify(gzipCb);

export interface InfluxTarget {
  url: string;
  database: string;
  retentionPolicy?: string;
  username?: string;
  password?: string;
  token?: string;
  createDatabase: boolean;
  timeoutMs: number;
  gzip: boolean;
}

type Response = { status: number; body: string };
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
type Rejected = Array<{ point: Point; reason: string }>;

/** Why InfluxDB refused points, as a stable label (first word of the dead letter's detail). */
export function classifyRefusal(message: string): string {
  if (/field type conflict/i.test(message)) return "field_type_conflict";
  if (/beyond retention policy/i.test(message)) return "beyond_retention";
  if (/max-values-per-tag/i.test(message)) return "max_values_per_tag";
  if (/max series per database|max-series-per-database/i.test(message)) return "max_series";
  if (/unable to parse/i.test(message)) return "unparseable";
  if (/request entity too large|too large/i.test(message)) return "too_large";
  return "rejected";
}

export class InfluxWriter {
  private readonly writeUrl: string;
  private readonly queryUrl: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly target: InfluxTarget) {
    const params = new URLSearchParams({ db: target.database, precision: "ms" });
    if (target.retentionPolicy) params.set("rp", target.retentionPolicy);
    this.writeUrl = influxEndpoint(target.url, `write?${params}`).href;
    this.queryUrl = influxEndpoint(target.url, "query").href;
    this.headers = { "Content-Type": "text/plain; charset=utf-8", ...influxAuthorization(target) };
  }

  async write(points: readonly Point[]): Promise<WriteOutcome> {
    if (points.length === 0) return { kind: "ok" };
    return this.outcome((rejected) => this.writeFinding(points, rejected));
  }

  /**
   * Write a spooled batch as it is: its chunks' line protocol in one body, nothing decoded or rebuilt. Only
   * when InfluxDB refuses it (400, 413, missing database) are the points decoded, to split and find the
   * refused ones the same way as `write` does.
   */
  async writeLineProtocol(batch: LineProtocolBatch): Promise<WriteOutcome> {
    if (batch.count === 0) return { kind: "ok" };
    return this.outcome(async (rejected) => {
      const bodies = batch.bodies();
      const res = await this.postBody(bodies.length === 1 ? bodies[0] : Buffer.concat(bodies));
      return res.status === 204 || res.status === 200 ? null : this.judge(batch.points(), res, rejected, false);
    });
  }

  /** The outcome of one write: a retry it asked for or an error means retry; else the refusals it collected. */
  private async outcome(attempt: (rejected: Rejected) => Promise<WriteOutcome | null>): Promise<WriteOutcome> {
    try {
      const rejected: Rejected = [];
      const result = await attempt(rejected);
      if (result) return result;
      return rejected.length ? { kind: "partial", rejected } : { kind: "ok" };
    } catch (err) {
      return { kind: "retry", error: describeError(err) };
    }
  }

  /**
   * Write `points`; collect refused ones into `rejected`. Returns a retry outcome when the whole batch must
   * be tried again (nothing is lost by re-writing points that did get in: same series + time overwrites).
   */
  private async writeFinding(points: readonly Point[], rejected: Rejected, justCreated = false): Promise<WriteOutcome | null> {
    return this.judge(points, await this.post(points), rejected, justCreated);
  }

  /** What InfluxDB's answer to writing `points` means: done (null, refusals collected) or retry. */
  private async judge(points: readonly Point[], res: Response, rejected: Rejected, justCreated: boolean): Promise<WriteOutcome | null> {
    if (res.status === 204 || res.status === 200) return null;
    const message = errorMessage(res.body);
    if (res.status === 400) {
      if (points.length === 1) {
        rejected.push({ point: points[0], reason: `${classifyRefusal(message)}: ${message}` });
        return null;
      }
      const dropped = /dropped=(\d+)/.exec(message);
      // All refused, and every point has the same shape (measurement + field types): they were refused for
      // the same reason, so there is no need to bisect down to single points.
      if (dropped && Number(dropped[1]) === points.length && sameShape(points)) {
        const reason = `${classifyRefusal(message)}: ${message}`;
        for (const point of points) rejected.push({ point, reason });
        return null;
      }
      return this.split(points, rejected, true);
    }
    if (res.status === 413) {
      if (points.length === 1) {
        rejected.push({ point: points[0], reason: `too_large: ${message || "request entity too large"}` });
        return null;
      }
      return this.split(points, rejected, false);
    }
    if (res.status === 401 || res.status === 403) return { kind: "retry", error: `HTTP ${res.status}: ${message}`, alarm: "unauthorized" };
    if (res.status === 404 && /database not found/i.test(message)) {
      if (this.target.createDatabase && !justCreated) {
        // Idempotent; also recreates a database dropped while we run.
        const created = await this.request(this.queryUrl, `q=${encodeURIComponent(`CREATE DATABASE ${escape.quoted(this.target.database)}`)}`, FORM);
        if (created.status === 200) return this.writeFinding(points, rejected, true);
        const why = `${message}; CREATE DATABASE answered HTTP ${created.status}: ${errorMessage(created.body)}`;
        return { kind: "retry", error: why, alarm: created.status === 401 || created.status === 403 ? "unauthorized" : "database_missing" };
      }
      return { kind: "retry", error: message, alarm: "database_missing" };
    }
    if (/retention policy not found/i.test(message)) return { kind: "retry", error: message, alarm: "retention_policy_missing" };
    return { kind: "retry", error: `HTTP ${res.status}: ${message}` };
  }

  /** Bisect: shape groups first (a type conflict usually concerns one shape), then halves. */
  private async split(points: readonly Point[], rejected: Rejected, byShape: boolean): Promise<WriteOutcome | null> {
    let parts: Point[][];
    const groups = byShape ? groupByShape(points) : [];
    if (groups.length > 1) parts = groups;
    else {
      const mid = Math.ceil(points.length / 2);
      parts = [points.slice(0, mid), points.slice(mid)];
    }
    for (const part of parts) {
      const result = await this.writeFinding(part, rejected);
      if (result) return result;
    }
    return null;
  }

  /** Run InfluxQL (tests and the KPI reader); rows as InfluxDB returns them. */
  async query(q: string): Promise<unknown> {
    const res = await this.request(`${this.queryUrl}?${new URLSearchParams({ db: this.target.database, epoch: "ms" })}`, `q=${encodeURIComponent(q)}`, FORM);
    if (res.status !== 200) throw new Error(`query failed: HTTP ${res.status}: ${errorMessage(res.body)}`);
    return JSON.parse(res.body);
  }

  private post(points: readonly Point[]): Promise<Response> {
    return this.postBody(toLines(points));
  }

  private async postBody(body: string | Buffer): Promise<Response> {
    if (!this.target.gzip) return this.request(this.writeUrl, body, {});
    return this.request(this.writeUrl, await gzip(body), { "Content-Encoding": "gzip" });
  }

  private async request(url: string, body: string | Buffer, extra: Record<string, string>): Promise<Response> {
    const res = await fetch(url, {
      method: "POST",
      headers: { ...this.headers, ...extra },
      body: typeof body === "string" ? body : new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength),
      signal: AbortSignal.timeout(this.target.timeoutMs),
    });
    return { status: res.status, body: await res.text() };
  }
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: string; message?: string };
    return parsed.error ?? parsed.message ?? body.trim();
  } catch {
    return body.trim().slice(0, 500);
  }
}

function describeError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") return "timeout";
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message}: ${cause}` : String(e?.message ?? err);
}

function shape(p: Point): string {
  let s = p.measurement;
  for (const k in p.fields) s += `\u0000${k}:${typeof p.fields[k]}`;
  return s;
}

function sameShape(points: readonly Point[]): boolean {
  const first = shape(points[0]);
  return points.every((p) => shape(p) === first);
}

function groupByShape(points: readonly Point[]): Point[][] {
  const groups = new Map<string, Point[]>();
  for (const p of points) {
    const key = shape(p);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  return [...groups.values()];
}
