// InfluxQL over InfluxDB's v1 `/query` API (1.x natively, 2.x through its v1 compatibility API, 3.x Core):
// statements sent together in one request, answers checked statement by statement, identifiers and string
// literals escaped here and nowhere else.
import { z } from "zod";
import { checkInfluxCredentials, influxAuthorization, influxConnectionFields, influxEndpoint } from "../core/influx-connection";
import { duration } from "../core/config-types";
import { TelemetryQueryError } from "./reader";

export const influxReaderConfigSchema = z
  .strictObject({
    ...influxConnectionFields,
    /** Per request. */
    timeout: duration({ min: 100, max: 600_000 }).default(30_000),
  })
  .superRefine(checkInfluxCredentials);

export type InfluxReaderConfigInput = z.input<typeof influxReaderConfigSchema>;
export type InfluxReaderConfig = z.output<typeof influxReaderConfigSchema>;

/** A double-quoted identifier (measurement, tag key, field, retention policy). */
export function ident(name: string): string {
  return `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** A single-quoted string literal (tag values). */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}

/** An epoch-millisecond instant as an InfluxQL time literal. */
export function instant(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`not a whole epoch millisecond: ${ms}`);
  return `${ms}ms`;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

interface StatementResult {
  statement_id?: number;
  series?: InfluxSeries[];
  error?: string;
}

/** Statements per request: few round trips for a KPI step, small enough to keep an answer's JSON modest. */
const STATEMENTS_PER_REQUEST = 100;

export class InfluxQueryClient {
  private readonly queryUrl: string;
  private readonly headers: Record<string, string>;
  private readonly where: string;

  constructor(readonly config: InfluxReaderConfig) {
    const url = influxEndpoint(config.url, "query");
    this.where = `${url.origin}${url.pathname}`;
    url.search = new URLSearchParams({ db: config.database, epoch: "ms" }).toString();
    this.queryUrl = url.href;
    this.headers = { "Content-Type": "application/x-www-form-urlencoded", ...influxAuthorization(config) };
  }

  /** A measurement in FROM, qualified by the configured retention policy. */
  from(measurement: string): string {
    return this.config.retentionPolicy ? `${ident(this.config.retentionPolicy)}.${ident(measurement)}` : ident(measurement);
  }

  /**
   * Runs the statements and returns each one's series; a failed statement throws. They go in two requests at
   * once (InfluxDB runs each request's statements one after the other, on one core), at most 100 per request.
   */
  async run(statements: readonly string[], purpose: string): Promise<InfluxSeries[][]> {
    const requests = Math.max(Math.min(2, statements.length), Math.ceil(statements.length / STATEMENTS_PER_REQUEST));
    const size = Math.ceil(statements.length / Math.max(1, requests));
    const chunks: string[][] = [];
    for (let i = 0; i < statements.length; i += size) chunks.push(statements.slice(i, i + size));
    const answers: InfluxSeries[][][] = [];
    for (let i = 0; i < chunks.length; i += 2) answers.push(...(await Promise.all(chunks.slice(i, i + 2).map((c) => this.runChunk(c, purpose)))));
    return answers.flat();
  }

  private async runChunk(chunk: readonly string[], purpose: string): Promise<InfluxSeries[][]> {
    const results = await this.request(chunk.join(";\n"), purpose);
    // A refusal of the whole request (e.g. "database not found") comes back as one result with an error.
    const refused = results.find((r) => r.error);
    if (refused && results.length !== chunk.length) {
      // InfluxDB 1.x says only "not executed" then; asked one statement alone it says why ("database not found").
      let why = refused.error;
      if (why === "not executed" && chunk.length > 1) why = (await this.request(chunk[0], purpose))[0]?.error ?? why;
      throw new TelemetryQueryError(`${purpose}: InfluxDB refused the query: ${why}`);
    }
    if (results.length !== chunk.length) throw new TelemetryQueryError(`${purpose}: InfluxDB answered ${results.length} results for ${chunk.length} statements`);
    return results.map((r, j) => {
      if (r.error) throw new TelemetryQueryError(`${purpose}: InfluxDB refused the query: ${r.error}\n  ${chunk[j]}`);
      return r.series ?? [];
    });
  }

  private async request(q: string, purpose: string): Promise<StatementResult[]> {
    let res: globalThis.Response;
    try {
      res = await fetch(this.queryUrl, {
        method: "POST",
        headers: this.headers,
        body: new URLSearchParams({ q }).toString(),
        signal: AbortSignal.timeout(this.config.timeout),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === "TimeoutError" ? `no answer within ${this.config.timeout} ms` : (e.cause?.code ?? e.message);
      throw new TelemetryQueryError(`${purpose}: cannot query InfluxDB at ${this.where}: ${why}`, { cause: err });
    }
    const body = await res.text();
    let parsed: { results?: StatementResult[]; error?: string } | null = null;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = null;
    }
    if (res.status !== 200 || !parsed || !Array.isArray(parsed.results)) {
      const message = parsed?.error ?? body.trim().slice(0, 300);
      throw new TelemetryQueryError(`${purpose}: InfluxDB at ${this.where} answered HTTP ${res.status}: ${message}`);
    }
    return parsed.results;
  }
}

/** The value of a column in a row, by column name. */
export function column(series: InfluxSeries, name: string): number {
  const i = series.columns.indexOf(name);
  if (i < 0) throw new TelemetryQueryError(`InfluxDB series ${series.name} has no column "${name}" (columns: ${series.columns.join(", ")})`);
  return i;
}
