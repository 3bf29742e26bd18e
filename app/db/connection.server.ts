// Opening a database: SQLite (better-sqlite3, a file) by default, PostgreSQL (pg) when given a URL. The
// rest of the app sees one Kysely<DB> and never the dialect; migrations run before the handle is returned.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrations } from "./migrations";
import type { DB } from "./schema";

export type DatabaseConfig =
  | { dialect: "sqlite"; file: string }
  /** `schema` puts every table in that PostgreSQL schema (created when missing): one per test file. */
  | { dialect: "postgres"; url: string; schema?: string; maxConnections?: number };

export interface Database {
  db: Kysely<DB>;
  dialect: DatabaseConfig["dialect"];
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  let db: Kysely<DB>;
  if (config.dialect === "sqlite") {
    if (config.file !== ":memory:") mkdirSync(dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    // WAL lets page reads run while a write commits; foreign keys are off by default in SQLite.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), plugins: [new CamelCasePlugin()] });
  } else {
    if (config.schema !== undefined && !SCHEMA_NAME.test(config.schema)) {
      throw new Error(`database schema name "${config.schema}" must match ${SCHEMA_NAME}`);
    }
    if (config.schema) {
      const admin = new pg.Client({ connectionString: config.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.maxConnections ?? 10,
      options: config.schema ? `-c search_path=${config.schema}` : undefined,
    });
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  }
  try {
    await migrate(db, config.dialect === "postgres" ? config.schema : undefined);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect: config.dialect, close: () => db.destroy() };
}

/**
 * better-sqlite3 compiles a statement on every prepare(), and Kysely prepares each query it runs; the app
 * runs the same few hundred SQL texts over and over, so keep their compiled statements (bounded, oldest
 * dropped first). Safe because one connection runs one statement at a time and Kysely never iterates a
 * statement lazily here.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, key, receiver) {
      if (key !== "prepare") {
        const value = Reflect.get(target, key, receiver);
        // Native methods need the real database as `this`, not the proxy.
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (source: string) => {
        let stmt = cache.get(source);
        if (!stmt) {
          stmt = prepare(source);
          if (cache.size >= max) cache.delete(cache.keys().next().value!);
          cache.set(source, stmt);
        }
        return stmt;
      };
    },
  });
}

/**
 * Brings the schema to the latest migration; throws with the failing migration's name. With a PostgreSQL
 * schema, Kysely's own bookkeeping tables go there too: its existence check looks across all schemas, so
 * another schema's tables would otherwise be mistaken for ours.
 */
export async function migrate(db: Kysely<any>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed?.migrationName ?? "(unknown)"} failed: ${message}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Reads DATABASE_URL / ZHIPING_DATA_DIR into a config; a malformed DATABASE_URL is an error, not SQLite. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error(`DATABASE_URL must start with postgres:// or postgresql:// (got "${url.slice(0, 20)}…")`);
    }
    return { dialect: "postgres", url };
  }
  return { dialect: "sqlite", file: `${dataDir(env)}/zhiping.sqlite` };
}

/** The folder for the SQLite file, uploaded evidence and the generated session secret. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return (env.ZHIPING_DATA_DIR?.trim() || "data").replace(/\/+$/, "");
}
