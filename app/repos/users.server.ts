// Accounts. E-mail addresses are stored lower-cased and are the sign-in name.
import type { Kysely } from "kysely";
import { newId, nowIso } from "../db/ids.server";
import type { DB, Role, User } from "../db/schema";

export const ROLES: readonly Role[] = ["member", "consultant", "bureau_admin", "platform_admin"];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Kysely<DB>, email: string): Promise<User | undefined> {
  return db.selectFrom("user").selectAll().where("email", "=", normaliseEmail(email)).executeTakeFirst();
}

export interface NewUser {
  email: string;
  name: string;
  /** From hashPassword(); hashed before any transaction so a slow hash never holds the database. */
  passwordHash: string;
  role: Role;
  regionCode?: string | null;
}

export async function createUser(db: Kysely<DB>, input: NewUser, id = newId()): Promise<string> {
  await db
    .insertInto("user")
    .values({
      id,
      email: normaliseEmail(input.email),
      name: input.name.trim(),
      passwordHash: input.passwordHash,
      role: input.role,
      regionCode: input.role === "bureau_admin" ? (input.regionCode ?? null) : null,
      createdAt: nowIso(),
    })
    .execute();
  return id;
}

export async function addMembership(db: Kysely<DB>, userId: string, organizationId: string): Promise<void> {
  await db
    .insertInto("membership")
    .values({ userId, organizationId, createdAt: nowIso() })
    .onConflict((oc) => oc.columns(["userId", "organizationId"]).doNothing())
    .execute();
}

export async function listUsers(db: Kysely<DB>, limit = 500) {
  return db
    .selectFrom("user")
    .select(["id", "email", "name", "role", "regionCode", "createdAt"])
    .orderBy("role")
    .orderBy("email")
    .limit(limit)
    .execute();
}
