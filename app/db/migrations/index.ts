// Every migration, in order. A static list rather than a folder scan: the server bundle has no migration
// files on disk to scan, and the order is then explicit in review.
import type { Migration } from "kysely";
import * as m0001 from "./0001_initial";
import * as m0002 from "./0002_reference_data";
import * as m0003 from "./0003_bureau";
import * as m0004 from "./0004_lines_and_gateways";

export const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_reference_data": m0002,
  "0003_bureau": m0003,
  "0004_lines_and_gateways": m0004,
};
