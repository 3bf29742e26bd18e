// Sessions: a random id in a signed, httpOnly, SameSite=Lax cookie (Secure over https); the server keeps
// only the id's SHA-256 with the user and expiry, so signing out or an admin can end a session anywhere.
import { createHash, randomBytes } from "node:crypto";
import { createCookie, redirect, type Cookie } from "@remix-run/node";
import { getDb } from "../db/db.server";
import { nowIso } from "../db/ids.server";
import type { Role } from "../db/schema";
import { isHttps } from "./request.server";
import { sessionSecrets } from "./secret.server";

export const SESSION_DAYS = 14;
const SESSION_MS = SESSION_DAYS * 24 * 3600 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  regionCode: string | null;
}

let cookie: Cookie | undefined;
function sessionCookie(): Cookie {
  cookie ??= createCookie("zp_session", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: SESSION_MS / 1000,
    secrets: sessionSecrets(),
  });
  return cookie;
}

/** What the session table keeps of a session id (the benches' bulk seeding writes sessions the same way). */
export function sessionIdHash(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

async function sessionIdOf(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

// Remix hands the same Request to the root, layout and page loaders of one document request: look the
// session up once per request, not once per loader.
const perRequest = new WeakMap<Request, Promise<SessionUser | null>>();

/** The signed-in user, or null (no cookie, bad signature, unknown or expired session). */
export function getSessionUser(request: Request): Promise<SessionUser | null> {
  let found = perRequest.get(request);
  if (!found) {
    found = lookUpSessionUser(request);
    perRequest.set(request, found);
  }
  return found;
}

async function lookUpSessionUser(request: Request): Promise<SessionUser | null> {
  const id = await sessionIdOf(request);
  if (!id) return null;
  const db = await getDb();
  const row = await db
    .selectFrom("session")
    .innerJoin("user", "user.id", "session.userId")
    .select(["user.id", "user.email", "user.name", "user.role", "user.regionCode", "session.expiresAt"])
    .where("session.idHash", "=", sessionIdHash(id))
    .executeTakeFirst();
  if (!row || row.expiresAt <= nowIso()) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, regionCode: row.regionCode };
}

/** Starts a session for the user and redirects; the cookie is Secure when the request came over https. */
export async function startSession(request: Request, userId: string, redirectTo: string): Promise<Response> {
  const id = randomBytes(32).toString("base64url");
  const now = new Date();
  const db = await getDb();
  await db
    .insertInto("session")
    .values({
      idHash: sessionIdHash(id),
      userId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_MS).toISOString(),
    })
    .execute();
  // Expired sessions of this user are dropped here rather than by a sweeper process.
  await db.deleteFrom("session").where("userId", "=", userId).where("expiresAt", "<=", now.toISOString()).execute();
  return redirect(redirectTo, {
    headers: { "Set-Cookie": await sessionCookie().serialize(id, { secure: isHttps(request) }) },
  });
}

export async function endSession(request: Request, redirectTo: string): Promise<Response> {
  const id = await sessionIdOf(request);
  if (id) {
    const db = await getDb();
    await db.deleteFrom("session").where("idHash", "=", sessionIdHash(id)).execute();
  }
  return redirect(redirectTo, {
    headers: { "Set-Cookie": await sessionCookie().serialize("", { maxAge: 0, secure: isHttps(request) }) },
  });
}

/** Only same-site relative paths: `redirectTo` comes from the query string and must not send users away. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/orgs"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
