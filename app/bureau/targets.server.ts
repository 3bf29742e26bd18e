// Cultivation targets of a region: read, add, change, remove. Who may change them is the route's check
// (city bureau of the region, platform admin); every change is stamped with its author.
import type { Kysely } from "kysely";
import { newId, nowIso } from "../db/ids.server";
import type { DB } from "../db/schema";
import { bureauDb } from "./schema";
import type { TargetInput } from "./target-input";

export interface TargetRecord extends TargetInput {
  id: string;
  updatedAt: string;
}

export async function listTargets(db: Kysely<DB>, regionCode: string): Promise<TargetRecord[]> {
  const rows = await bureauDb(db)
    .selectFrom("cultivationTarget")
    .select(["id", "plan", "metric", "param", "targetValue", "baseline", "periodStart", "periodEnd", "updatedAt"])
    .where("regionCode", "=", regionCode)
    .orderBy("sortOrder")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    ...r, metric: r.metric as TargetInput["metric"], param: r.param === null ? null : Number(r.param), targetValue: Number(r.targetValue), baseline: Number(r.baseline),
  }));
}

export async function addTarget(db: Kysely<DB>, regionCode: string, input: TargetInput, actorId: string): Promise<string> {
  const b = bureauDb(db);
  const last = await b.selectFrom("cultivationTarget").select((eb) => eb.fn.max("sortOrder").as("n")).where("regionCode", "=", regionCode).executeTakeFirst();
  const id = newId();
  await b
    .insertInto("cultivationTarget")
    .values({ id, regionCode, ...input, sortOrder: Number(last?.n ?? -1) + 1, updatedAt: nowIso(), updatedBy: actorId })
    .execute();
  return id;
}

/** false when the region has no such target (another region's id is the same as none). */
export async function updateTarget(db: Kysely<DB>, regionCode: string, id: string, input: TargetInput, actorId: string): Promise<boolean> {
  const r = await bureauDb(db)
    .updateTable("cultivationTarget")
    .set({ ...input, updatedAt: nowIso(), updatedBy: actorId })
    .where("id", "=", id)
    .where("regionCode", "=", regionCode)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function removeTarget(db: Kysely<DB>, regionCode: string, id: string): Promise<boolean> {
  const r = await bureauDb(db).deleteFrom("cultivationTarget").where("id", "=", id).where("regionCode", "=", regionCode).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
