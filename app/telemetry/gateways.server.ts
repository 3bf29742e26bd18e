// Gateway credentials of an organisation. An MQTT gateway gets a user name and a generated password (shown
// once; only Mosquitto's `$7$` hash is kept) whose ACL covers the enterprise's own topics; an HTTP gateway
// gets an organisation API token (the app's existing token mechanism). Revoking keeps the row, so the trail
// and the list still say who had access until when; the broker files are written from active rows only.
import type { Kysely } from "kysely";
import { newId, nowIso } from "../db/ids.server";
import type { DB } from "../db/schema";
import { createApiToken, revokeApiToken } from "../repos/tokens.server";
import { recordEvents, type TrailEvent } from "../repos/trail.server";
import { getEnterprise } from "./lines.server";
import { gatewayTopics, generatePassword, mosquittoPasswordHash, type BrokerAccount } from "./mosquitto.server";
import { withTelemetry } from "./schema";

export const GATEWAY_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
export type GatewayKind = "mqtt" | "http";

function event(e: Omit<TrailEvent, "action"> & { action: "gateway.create" | "gateway.revoke" }): TrailEvent {
  return e as unknown as TrailEvent;
}

export interface GatewayListItem {
  id: string;
  name: string;
  kind: GatewayKind;
  username: string | null;
  tokenPrefix: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export async function listGateways(db: Kysely<DB>, organizationId: string): Promise<GatewayListItem[]> {
  const rows = await withTelemetry(db)
    .selectFrom("gateway")
    .leftJoin("apiToken", "apiToken.id", "gateway.apiTokenId")
    .select(["gateway.id", "gateway.name", "gateway.kind", "gateway.username", "apiToken.tokenPrefix", "gateway.createdAt", "gateway.revokedAt"])
    .where("gateway.organizationId", "=", organizationId)
    .orderBy("gateway.createdAt", "desc")
    .execute();
  return rows.map((r) => ({ ...r, kind: r.kind as GatewayKind, tokenPrefix: r.tokenPrefix ?? null }));
}

export type CreateGatewayOutcome =
  | { ok: true; id: string; kind: "mqtt"; username: string; password: string }
  | { ok: true; id: string; kind: "http"; token: string }
  | { ok: false; reason: "noEnterprise" | "badName" | "taken" };

/**
 * Creates a gateway. The secret (password or token) is in the outcome and nowhere else: it is shown once.
 * MQTT needs the organisation's telemetry id first (its topics are derived from it).
 */
export async function createGateway(db: Kysely<DB>, organizationId: string, name: string, kind: GatewayKind, actorId: string): Promise<CreateGatewayOutcome> {
  if (!GATEWAY_NAME.test(name)) return { ok: false, reason: "badName" };
  const t = withTelemetry(db);
  const active = await t.selectFrom("gateway").select("id").where("organizationId", "=", organizationId).where("name", "=", name).where("revokedAt", "is", null).executeTakeFirst();
  if (active) return { ok: false, reason: "taken" };
  const id = newId();
  if (kind === "http") {
    // The token is made by the app's own mechanism (and recorded there); the gateway row points at it.
    const { id: tokenId, token } = await createApiToken(db, organizationId, `gateway ${name}`, actorId);
    await db.transaction().execute(async (trx) => {
      await withTelemetry(trx).insertInto("gateway").values({ id, organizationId, name, kind, username: null, passwordHash: null, apiTokenId: tokenId, createdBy: actorId, createdAt: nowIso(), revokedAt: null, revokedBy: null }).execute();
      await recordEvents(trx, [event({ organizationId, actorId, action: "gateway.create", subject: name, after: { kind, tokenId } })]);
    });
    return { ok: true, id, kind, token };
  }
  const enterprise = await getEnterprise(db, organizationId);
  if (!enterprise) return { ok: false, reason: "noEnterprise" };
  const username = `${enterprise.enterpriseKey}.${name}`;
  // A revoked gateway of the same name keeps its row (and user name) for the record: number the new one.
  const used = await t.selectFrom("gateway").select("username").where("username", "like", `${username}%`).execute();
  const taken = new Set(used.map((u) => u.username));
  let unique = username;
  for (let n = 2; taken.has(unique); n++) unique = `${username}-${n}`;
  const password = generatePassword();
  await db.transaction().execute(async (trx) => {
    await withTelemetry(trx)
      .insertInto("gateway")
      .values({ id, organizationId, name, kind, username: unique, passwordHash: mosquittoPasswordHash(password), apiTokenId: null, createdBy: actorId, createdAt: nowIso(), revokedAt: null, revokedBy: null })
      .execute();
    await recordEvents(trx, [event({ organizationId, actorId, action: "gateway.create", subject: name, after: { kind, username: unique } })]);
  });
  return { ok: true, id, kind, username: unique, password };
}

/** Revokes a gateway of the organisation (its API token too); false when there is no such active gateway. */
export async function revokeGateway(db: Kysely<DB>, organizationId: string, gatewayId: string, actorId: string): Promise<boolean> {
  const t = withTelemetry(db);
  const row = await t.selectFrom("gateway").select(["id", "name", "apiTokenId"]).where("id", "=", gatewayId).where("organizationId", "=", organizationId).where("revokedAt", "is", null).executeTakeFirst();
  if (!row) return false;
  if (row.apiTokenId) await revokeApiToken(db, organizationId, row.apiTokenId, actorId);
  await db.transaction().execute(async (trx) => {
    await withTelemetry(trx).updateTable("gateway").set({ revokedAt: nowIso(), revokedBy: actorId }).where("id", "=", gatewayId).execute();
    await recordEvents(trx, [event({ organizationId, actorId, action: "gateway.revoke", subject: row.name })]);
  });
  return true;
}

/** Every active MQTT gateway of every organisation, as broker accounts with their enterprise's topics. */
export async function brokerAccounts(db: Kysely<DB>): Promise<BrokerAccount[]> {
  const rows = await withTelemetry(db)
    .selectFrom("gateway")
    .innerJoin("telemetryEnterprise", "telemetryEnterprise.organizationId", "gateway.organizationId")
    .innerJoin("organization", "organization.id", "gateway.organizationId")
    .select(["gateway.username", "gateway.passwordHash", "gateway.name", "telemetryEnterprise.sparkplugGroup", "telemetryEnterprise.topicRoot", "organization.name as organizationName"])
    .where("gateway.kind", "=", "mqtt")
    .where("gateway.revokedAt", "is", null)
    .orderBy("gateway.username")
    .execute();
  return rows
    .filter((r) => r.username !== null && r.passwordHash !== null)
    .map((r) => ({
      username: r.username!,
      passwordHash: r.passwordHash!,
      grants: gatewayTopics({ sparkplugGroup: r.sparkplugGroup, topicRoot: r.topicRoot }),
      comment: `${r.organizationName} · gateway ${r.name}`,
    }));
}
