// The embedded telemetry store: SQLite standing in for InfluxDB when none is configured (the demo's default).
// It keeps InfluxDB's semantics where they matter to the data: a series is measurement + tag set; a point
// with the same series and timestamp overwrites (fields merge, the newer wins); a field keeps one type per
// measurement (a conflicting point is refused, as InfluxDB refuses it). Samples are clustered by
// (series, time) so a per-machine, per-signal time range is one index range scan — what the KPI reader does.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { FieldValue, Point, Quality } from "../../core/types";

export type FieldType = "float" | "integer" | "boolean" | "string";

export interface TelemetryRow {
  measurement: string;
  tags: Record<string, string>;
  time: number;
  fields: Record<string, FieldValue>;
}

export interface SeriesInfo {
  id: number;
  measurement: string;
  tags: Record<string, string>;
}

export interface TelemetryQuery {
  measurement?: string;
  /** Exact tag matches; enterprise/line/machine/signal use indexed columns. */
  tags?: Record<string, string>;
  /** Inclusive start, exclusive end, epoch ms. */
  from?: number;
  to?: number;
}

const QUALITY_CODE: Record<string, number> = { good: 0, uncertain: 1, bad: 2, stale: 3 };
const QUALITY_NAME: Quality[] = ["good", "uncertain", "bad", "stale"];
const VTYPE: FieldType[] = ["float", "integer", "boolean", "string"];
const INDEXED_TAGS = ["enterprise", "line", "machine", "signal"] as const;
const SCHEMA_VERSION = 1;

export function fieldType(v: FieldValue): FieldType {
  switch (typeof v) {
    case "number":
      return "float";
    case "bigint":
      return "integer";
    case "boolean":
      return "boolean";
    default:
      return "string";
  }
}

/** Canonical series identity: tags sorted by key (the same order InfluxDB uses). */
function canonicalTags(tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) out += `${i ? "," : ""}${JSON.stringify(keys[i])}:${JSON.stringify(tags[keys[i]])}`;
  return `${out}}`;
}

export class TelemetryStore {
  readonly db: Database.Database;
  private readonly seriesIds = new Map<string, number>();
  private readonly fieldTypes = new Map<string, FieldType>();
  private readonly st;

  constructor(
    readonly path: string,
    options: { sync?: "full" | "normal"; readonly?: boolean } = {},
  ) {
    if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { readonly: options.readonly ?? false });
    if (!options.readonly) {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma(`synchronous = ${options.sync === "normal" ? "NORMAL" : "FULL"}`);
      this.db.pragma("busy_timeout = 10000");
      this.migrate();
    }
    this.st = {
      findSeries: this.db.prepare("SELECT id FROM series WHERE measurement = ? AND tags = ?").pluck(),
      insertSeries: this.db.prepare(
        "INSERT INTO series (measurement, tags, enterprise, line, machine, signal) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      ).pluck(),
      insertFieldType: this.db.prepare("INSERT OR IGNORE INTO field_type (measurement, field, type) VALUES (?, ?, ?)"),
      upsert: this.db.prepare(`
        INSERT INTO sample (series, time, vtype, value, quality, status, extra) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (series, time) DO UPDATE SET
          value   = CASE WHEN excluded.vtype IS NULL THEN value ELSE excluded.value END,
          vtype   = coalesce(excluded.vtype, vtype),
          quality = coalesce(excluded.quality, quality),
          status  = coalesce(excluded.status, status),
          extra   = CASE WHEN excluded.extra IS NULL THEN extra WHEN extra IS NULL THEN excluded.extra
                         ELSE json_patch(extra, excluded.extra) END`),
    };
    if (!options.readonly) {
      for (const row of this.db.prepare("SELECT measurement, field, type FROM field_type").all() as Array<{ measurement: string; field: string; type: FieldType }>)
        this.fieldTypes.set(`${row.measurement}\u0000${row.field}`, row.type);
    }
  }

  private migrate(): void {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${this.path}: telemetry schema ${version} is newer than this program (${SCHEMA_VERSION})`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS series (
        id          INTEGER PRIMARY KEY,
        measurement TEXT NOT NULL,
        tags        TEXT NOT NULL,       -- canonical JSON of the whole tag set: the series identity
        enterprise  TEXT, line TEXT, machine TEXT, signal TEXT,
        UNIQUE (measurement, tags)
      );
      CREATE INDEX IF NOT EXISTS series_by_place ON series (enterprise, line, machine, signal);
      CREATE INDEX IF NOT EXISTS series_by_machine_signal ON series (machine, signal);
      CREATE TABLE IF NOT EXISTS field_type (
        measurement TEXT NOT NULL,
        field       TEXT NOT NULL,
        type        TEXT NOT NULL,       -- float | integer | boolean | string
        PRIMARY KEY (measurement, field)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sample (
        series  INTEGER NOT NULL REFERENCES series (id),
        time    INTEGER NOT NULL,        -- epoch ms
        vtype   INTEGER,                 -- type of value: 0 float, 1 integer, 2 boolean (0/1), 3 string; NULL: no value
        value,                           -- no declared type: stored exactly as bound
        quality INTEGER,                 -- 0 good, 1 uncertain, 2 bad, 3 stale
        status  INTEGER,
        extra   TEXT,                    -- JSON of any other fields ({"i":"…"} for integers)
        PRIMARY KEY (series, time)
      ) WITHOUT ROWID;
    `);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  private seriesId(p: Point): number {
    const tags = canonicalTags(p.tags);
    const key = `${p.measurement}\u0000${tags}`;
    let id = this.seriesIds.get(key);
    if (id !== undefined) return id;
    id = this.st.findSeries.get(p.measurement, tags) as number | undefined;
    if (id === undefined) {
      const t = p.tags;
      id = this.st.insertSeries.get(p.measurement, tags, t.enterprise ?? null, t.line ?? null, t.machine ?? null, t.signal ?? null) as number;
    }
    this.seriesIds.set(key, id);
    return id;
  }

  /** The field-type conflict this point would cause, or null. */
  private conflict(p: Point, batchTypes: Map<string, FieldType>): string | null {
    for (const k in p.fields) {
      const type = fieldType(p.fields[k]);
      const key = `${p.measurement}\u0000${k}`;
      const known = this.fieldTypes.get(key) ?? batchTypes.get(key);
      if (known && known !== type)
        return `field type conflict: input field "${k}" on measurement "${p.measurement}" is type ${type}, already exists as type ${known}`;
    }
    return null;
  }

  /** Write points in one transaction; returns the ones refused with the reason (type conflicts). */
  write(points: readonly Point[]): Array<{ point: Point; reason: string }> {
    const rejected: Array<{ point: Point; reason: string }> = [];
    // Types first seen in this batch: they become known only if the transaction commits.
    const batchTypes = new Map<string, FieldType>();
    const insert = this.db.transaction(() => {
      for (const p of points) {
        const conflict = this.conflict(p, batchTypes);
        if (conflict) {
          rejected.push({ point: p, reason: `field_type_conflict: ${conflict}` });
          continue;
        }
        for (const k in p.fields) {
          const key = `${p.measurement}\u0000${k}`;
          if (!this.fieldTypes.has(key) && !batchTypes.has(key)) {
            const type = fieldType(p.fields[k]);
            batchTypes.set(key, type);
            this.st.insertFieldType.run(p.measurement, k, type);
          }
        }
        const f = p.fields;
        let vtype: number | null = null;
        let value: number | bigint | string | null = null;
        let quality: number | null = null;
        let status: bigint | null = null;
        let extra: Record<string, unknown> | null = null;
        for (const k in f) {
          const v = f[k];
          if (k === "value") {
            vtype = VTYPE.indexOf(fieldType(v));
            value = typeof v === "boolean" ? (v ? 1 : 0) : v;
          } else if (k === "quality" && typeof v === "string" && v in QUALITY_CODE) {
            quality = QUALITY_CODE[v];
          } else if (k === "status" && typeof v === "bigint") {
            status = v;
          } else {
            extra ??= {};
            extra[k] = typeof v === "bigint" ? { i: v.toString() } : v;
          }
        }
        this.st.upsert.run(this.seriesId(p), p.time, vtype, value, quality, status, extra ? JSON.stringify(extra) : null);
      }
    });
    try {
      insert();
    } catch (err) {
      this.seriesIds.clear(); // series created inside the rolled-back transaction do not exist
      throw err;
    }
    for (const [k, v] of batchTypes) this.fieldTypes.set(k, v);
    return rejected;
  }

  /** Series matching a filter (for the KPI reader: find a machine's signals, then read their ranges). */
  series(filter: Omit<TelemetryQuery, "from" | "to"> = {}): SeriesInfo[] {
    const clauses: string[] = [];
    const args: unknown[] = [];
    if (filter.measurement) {
      clauses.push("measurement = ?");
      args.push(filter.measurement);
    }
    for (const [k, v] of Object.entries(filter.tags ?? {})) {
      if ((INDEXED_TAGS as readonly string[]).includes(k)) clauses.push(`${k} = ?`);
      else clauses.push(`json_extract(tags, '$.' || json_quote(?)) = ?`), args.push(k);
      args.push(v);
    }
    const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
    const rows = this.db.prepare(`SELECT id, measurement, tags FROM series ${where} ORDER BY id`).all(...args) as Array<{ id: number; measurement: string; tags: string }>;
    return rows.map((r) => ({ id: r.id, measurement: r.measurement, tags: JSON.parse(r.tags) }));
  }

  /** Points of the matching series in [from, to), ordered by series then time, fields typed as written. */
  query(q: TelemetryQuery = {}): TelemetryRow[] {
    const out: TelemetryRow[] = [];
    const range = this.db
      .prepare("SELECT time, vtype, value, quality, status, extra FROM sample WHERE series = ? AND time >= ? AND time < ? ORDER BY time")
      .safeIntegers(true);
    for (const s of this.series(q)) {
      const rows = range.all(s.id, BigInt(Math.trunc(q.from ?? Number.MIN_SAFE_INTEGER)), BigInt(Math.trunc(q.to ?? Number.MAX_SAFE_INTEGER))) as Array<{
        time: bigint;
        vtype: bigint | null;
        value: unknown;
        quality: bigint | null;
        status: bigint | null;
        extra: string | null;
      }>;
      for (const r of rows) out.push({ measurement: s.measurement, tags: s.tags, time: Number(r.time), fields: decodeFields(r) });
    }
    return out;
  }

  /** Field types per measurement, like InfluxDB's SHOW FIELD KEYS. */
  fieldKeys(measurement: string): Record<string, FieldType> {
    const rows = this.db.prepare("SELECT field, type FROM field_type WHERE measurement = ?").all(measurement) as Array<{ field: string; type: FieldType }>;
    return Object.fromEntries(rows.map((r) => [r.field, r.type]));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function decodeFields(r: { vtype: bigint | null; value: unknown; quality: bigint | null; status: bigint | null; extra: string | null }): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  if (r.extra) {
    for (const [k, v] of Object.entries(JSON.parse(r.extra) as Record<string, unknown>)) {
      fields[k] = v !== null && typeof v === "object" ? BigInt((v as { i: string }).i) : (v as FieldValue);
    }
  }
  if (r.vtype !== null) {
    const v = r.value;
    switch (Number(r.vtype)) {
      case 0:
        fields.value = Number(v);
        break;
      case 1:
        fields.value = typeof v === "bigint" ? v : BigInt(v as number);
        break;
      case 2:
        fields.value = Number(v) !== 0;
        break;
      default:
        fields.value = String(v);
    }
  }
  if (r.quality !== null) fields.quality = QUALITY_NAME[Number(r.quality)];
  if (r.status !== null) fields.status = r.status;
  return fields;
}
