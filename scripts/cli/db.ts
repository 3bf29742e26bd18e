// `zhiping db migrate`: brings the configured database (DATABASE_URL, else SQLite under ZHIPING_DATA_DIR or
// ./data) to the latest schema. The app also migrates on start; this is for deployments that do it first.
import { configFromEnv, openDatabase } from "../../app/db/connection.server";

export async function main(argv: string[]): Promise<number> {
  if (argv[0] !== "migrate") {
    console.error("usage: zhiping db migrate");
    return 2;
  }
  let config;
  try {
    config = configFromEnv();
  } catch (error) {
    console.error(String((error as Error).message));
    return 1;
  }
  const database = await openDatabase(config);
  await database.close();
  console.log(`database is at the latest schema (${config.dialect})`);
  return 0;
}
