// The databases the data-layer suite runs against: SQLite in a temp file, and PostgreSQL (ZP_PG_URL from
// scripts/services.sh) in a schema of its own that is dropped afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "~/db/connection.server";
import { requireService, uniqueName } from "../../support/services";

export interface DatabaseTarget {
  name: "sqlite" | "postgres";
  open(): Promise<Database>;
  /** Removes everything open() created. */
  cleanup(): Promise<void>;
}

export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [];
  let dir: string | undefined;
  targets.push({
    name: "sqlite",
    open: async () => {
      dir = mkdtempSync(join(tmpdir(), "zhiping-db-"));
      return openDatabase({ dialect: "sqlite", file: join(dir, "test.sqlite") });
    },
    cleanup: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  });
  const pgUrl = requireService("pg");
  if (pgUrl) {
    const schema = uniqueName("zp_db").toLowerCase();
    targets.push({
      name: "postgres",
      open: () => openDatabase({ dialect: "postgres", url: pgUrl, schema }),
      cleanup: async () => {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    });
  }
  return targets;
}
