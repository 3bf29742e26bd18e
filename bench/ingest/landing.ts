// Points landed in InfluxDB, counted exactly and over time, the same way for every system under test.
// A full COUNT over a million points costs InfluxDB ~0.4 s of CPU — too much to poll while it is being
// measured — so the tracker counts per time bucket (GROUP BY time on the points' own timestamps) and only
// asks about buckets that are not complete yet. The workload says how many points each bucket will hold,
// so "complete" is exact, and the moment a bucket completes is when all its points became queryable.
import { messageTime, type Workload } from "./workload";

export async function influxQuery(url: string, database: string, q: string): Promise<any> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db: database, epoch: "ms", q })}`, { method: "POST" });
  if (!res.ok) throw new Error(`InfluxDB query failed: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

export async function createDatabase(url: string, database: string): Promise<void> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ q: `CREATE DATABASE "${database}"` })}`, { method: "POST" });
  if (!res.ok) throw new Error(`CREATE DATABASE ${database}: HTTP ${res.status}`);
}

/** Exact number of points of `measurement` with a value, timestamps in [from, to]. */
export async function countPoints(url: string, database: string, from: number, to: number, measurement = "gauge"): Promise<number> {
  const body = await influxQuery(url, database, `SELECT COUNT("value") FROM "${measurement}" WHERE time >= ${from}ms AND time <= ${to}ms`);
  return body?.results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0;
}

export interface LandingSample {
  /** Wall time the answer arrived (an upper bound for when the points became queryable). */
  at: number;
  landed: number;
}

export interface LandingResult {
  expected: number;
  landed: number;
  samples: LandingSample[];
  /** Per message: time from its timestamp to the moment its bucket was complete (ms), when it completed. */
  latenciesMs: number[];
  lastChangeAt: number;
}

export interface SettleOptions {
  quietMs: number;
  timeoutMs: number;
  /** When the gateway finished sending, once it has. */
  after: () => number | undefined;
}

/**
 * Until every point landed; or, once the gateway finished, until nothing changed for `quietMs` (a lossy
 * peer) — counted from the first landing, since a loaded machine may take seconds for the first batch; or
 * `timeoutMs`.
 */
async function untilSettled(opts: SettleOptions, progress: { complete(): boolean; begun(): boolean; lastChangeAt(): number }): Promise<void> {
  const end = Date.now() + opts.timeoutMs;
  for (;;) {
    if (progress.complete()) return;
    const after = opts.after();
    if (after !== undefined && progress.begun() && Date.now() - Math.max(after, progress.lastChangeAt()) > opts.quietMs) return;
    if (Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class LandingTracker {
  private readonly bucketMs: number;
  private readonly pollMs: number;
  private readonly onChange?: () => void;
  private readonly expectedByBucket = new Map<number, number>();
  private readonly doneAt = new Map<number, number>();
  private readonly partial = new Map<number, number>();
  private readonly buckets: number[];
  private frontier = 0;
  readonly samples: LandingSample[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  private lastLanded = -1;
  lastChangeAt = 0;
  readonly expected: number;
  queries = 0;
  queryMs = 0;

  constructor(
    private readonly url: string,
    private readonly database: string,
    private readonly workload: Workload,
    options: { bucketMs: number; pollMs: number; /** Called when the landed count changed (e.g. to read CPU meters then). */ onChange?: () => void },
  ) {
    this.onChange = options.onChange;
    this.bucketMs = options.bucketMs;
    this.pollMs = options.pollMs;
    for (let i = 0; i < workload.messages; i++) {
      const b = Math.floor(messageTime(workload, i) / this.bucketMs) * this.bucketMs;
      this.expectedByBucket.set(b, (this.expectedByBucket.get(b) ?? 0) + workload.pointsPerMessage);
    }
    this.buckets = [...this.expectedByBucket.keys()].sort((a, b) => a - b);
    this.expected = workload.messages * workload.pointsPerMessage;
  }

  get landed(): number {
    return this.lastLanded < 0 ? 0 : this.lastLanded;
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const began = Date.now();
        await this.poll().catch(() => undefined); // InfluxDB busy: the next poll will tell
        if (this.landed >= this.expected) break;
        await new Promise((r) => setTimeout(r, Math.max(0, this.pollMs - (Date.now() - began))));
      }
    })();
  }

  private async poll(): Promise<void> {
    while (this.frontier < this.buckets.length && this.doneAt.has(this.buckets[this.frontier])) this.frontier++;
    if (this.frontier >= this.buckets.length) return;
    const from = this.buckets[this.frontier];
    const to = this.buckets[this.buckets.length - 1] + this.bucketMs - 1;
    const started = performance.now();
    const body = await influxQuery(this.url, this.database, `SELECT COUNT("value") FROM "gauge" WHERE time >= ${from}ms AND time <= ${to}ms GROUP BY time(${this.bucketMs}ms) fill(none)`);
    const at = Date.now();
    this.queries++;
    this.queryMs += performance.now() - started;
    const rows: Array<[number, number]> = body?.results?.[0]?.series?.[0]?.values ?? [];
    for (const [bucket, count] of rows) {
      if (this.doneAt.has(bucket)) continue;
      if (count >= (this.expectedByBucket.get(bucket) ?? Infinity)) {
        this.doneAt.set(bucket, at);
        this.partial.delete(bucket);
      } else this.partial.set(bucket, count);
    }
    let landed = 0;
    for (const b of this.doneAt.keys()) landed += this.expectedByBucket.get(b) ?? 0;
    for (const c of this.partial.values()) landed += c;
    if (landed !== this.lastLanded) {
      this.lastLanded = landed;
      this.lastChangeAt = at;
      this.onChange?.();
    }
    this.samples.push({ at, landed });
  }

  /** Waits as `untilSettled` says, then stops polling. */
  async settle(opts: SettleOptions): Promise<void> {
    await untilSettled(opts, { complete: () => this.landed >= this.expected, begun: () => this.landed > 0, lastChangeAt: () => this.lastChangeAt });
    this.stopped = true;
    await this.loop;
  }

  /** The result, with `landed` recounted exactly over the whole workload range. */
  async result(): Promise<LandingResult> {
    const w = this.workload;
    const landed = await countPoints(this.url, this.database, messageTime(w, 0), messageTime(w, w.messages - 1));
    const latenciesMs: number[] = [];
    for (let i = 0; i < w.messages; i++) {
      const ts = messageTime(w, i);
      const done = this.doneAt.get(Math.floor(ts / this.bucketMs) * this.bucketMs);
      if (done !== undefined) latenciesMs.push(done - ts);
    }
    return { expected: this.expected, landed, samples: this.samples, latenciesMs, lastChangeAt: this.lastChangeAt };
  }
}

export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** InfluxDB's own count of points it was asked to write since it started (SHOW STATS, module "write"). */
export async function pointsRequested(url: string): Promise<number> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ q: "SHOW STATS FOR 'write'" })}`, { method: "POST" });
  if (!res.ok) throw new Error(`SHOW STATS: HTTP ${res.status}`);
  const body = (await res.json()) as { results?: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }> };
  const s = body.results?.[0]?.series?.[0];
  const i = s?.columns.indexOf("pointReq") ?? -1;
  if (!s || i < 0) throw new Error("SHOW STATS has no write.pointReq");
  return Number(s.values[0][i]);
}

/**
 * Progress of a throughput run, read from InfluxDB's counter of points written instead of counting the points:
 * a COUNT over a million points costs InfluxDB CPU that the run would lose, reading a counter costs nothing.
 * The bench's InfluxDB receives only the system under test's writes during a run. When the counter reaches
 * the expected total, an exact COUNT confirms it (a retried write counts twice in the counter); the result is
 * always the exact COUNT.
 */
export class WriteProgress {
  readonly samples: LandingSample[] = [];
  readonly expected: number;
  lastChangeAt = 0;
  private base = -1;
  private estimate = 0;
  private confirmed = -1;
  private lastConfirmAt = 0;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly database: string,
    private readonly workload: Workload,
    private readonly options: { pollMs: number; onChange?: () => void },
  ) {
    this.expected = workload.messages * workload.pointsPerMessage;
  }

  get landed(): number {
    return this.confirmed >= 0 ? this.confirmed : Math.min(this.estimate, this.expected - 1);
  }

  /** Reads the counter's starting value; call before the gateway publishes. */
  async start(): Promise<void> {
    this.base = await pointsRequested(this.url);
    this.loop = (async () => {
      while (!this.stopped && this.confirmed < this.expected) {
        const began = Date.now();
        await this.poll().catch(() => undefined); // InfluxDB busy or down: the next poll will tell
        await new Promise((r) => setTimeout(r, Math.max(0, this.options.pollMs - (Date.now() - began))));
      }
    })();
  }

  private async poll(): Promise<void> {
    const written = (await pointsRequested(this.url)) - this.base;
    const at = Date.now();
    if (written !== this.estimate) {
      this.estimate = written;
      this.lastChangeAt = at;
      this.options.onChange?.();
    }
    if (written >= this.expected && at - this.lastConfirmAt >= 250) {
      this.lastConfirmAt = at;
      const w = this.workload;
      this.confirmed = await countPoints(this.url, this.database, messageTime(w, 0), messageTime(w, w.messages - 1));
      if (this.confirmed < this.expected) this.confirmed = -1;
    }
    this.samples.push({ at, landed: this.landed });
  }

  async settle(opts: SettleOptions): Promise<void> {
    await untilSettled(opts, { complete: () => this.confirmed >= this.expected, begun: () => this.estimate > 0, lastChangeAt: () => this.lastChangeAt });
    this.stopped = true;
    await this.loop;
  }

  async result(): Promise<LandingResult> {
    const w = this.workload;
    const landed = await countPoints(this.url, this.database, messageTime(w, 0), messageTime(w, w.messages - 1));
    return { expected: this.expected, landed, samples: this.samples, latenciesMs: [], lastChangeAt: this.lastChangeAt };
  }
}
