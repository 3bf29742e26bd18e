// A data folder of an end-to-end test's own, seeded with the demo as `zhiping seed` seeds it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "~/db/connection.server";
import { seedDemo } from "../../scripts/cli/seed";

type Db = Awaited<ReturnType<typeof openDatabase>>["db"];

/**
 * A new data folder with the demo seeded; `more` adds what the test needs before the database is closed.
 * If either fails, the folder is removed (the caller never learns its name to clean it up).
 */
export async function seededDemoFolder(prefix: string, more?: (db: Db, dataDir: string) => Promise<void>): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const database = await openDatabase({ dialect: "sqlite", file: join(dataDir, "zhiping.sqlite") });
  try {
    await seedDemo(database.db);
    await more?.(database.db, dataDir);
  } catch (err) {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  await database.close();
  return dataDir;
}
