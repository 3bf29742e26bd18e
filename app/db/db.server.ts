// The app's one database handle, opened (and migrated) on first use. Kept on globalThis so a dev-server
// rebuild does not open a second pool.
import type { Kysely } from "kysely";
import { configFromEnv, openDatabase, type Database } from "./connection.server";
import type { DB } from "./schema";

const holder = globalThis as typeof globalThis & { __zhipingDb?: Promise<Database> };

export function database(): Promise<Database> {
  holder.__zhipingDb ??= openDatabase(configFromEnv()).catch((error) => {
    holder.__zhipingDb = undefined;
    throw error;
  });
  return holder.__zhipingDb;
}

export async function getDb(): Promise<Kysely<DB>> {
  return (await database()).db;
}

/** For tests and CLI commands that open their own database: make it the app's handle. */
export function useDatabase(db: Database): void {
  holder.__zhipingDb = Promise.resolve(db);
}

export async function closeDatabase(): Promise<void> {
  const current = holder.__zhipingDb;
  holder.__zhipingDb = undefined;
  if (current) await (await current).close();
}
