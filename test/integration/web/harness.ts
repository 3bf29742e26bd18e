// Calling Remix loaders and actions directly, the way the server would: a real Request (with the session
// cookie of a signed-in user and a same-origin Origin header on posts), against the app's real database
// handle, opened on a temp SQLite file (or PostgreSQL) per test file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { hashPassword } from "~/auth/password.server";
import { startSession } from "~/auth/session.server";
import { openDatabase } from "~/db/connection.server";
import { closeDatabase, getDb, useDatabase } from "~/db/db.server";
import { parseOrganizationInput } from "~/domain/organization-input";
import { createOrganization } from "~/repos/organizations.server";
import { addMembership, createUser } from "~/repos/users.server";
import type { Role } from "~/db/schema";
import type { DatabaseTarget } from "../db/targets";

export const ORIGIN = "http://zhiping.test";

export interface TestApp {
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A fresh data folder and database for one test file (SQLite in the folder unless `target` opens another,
 * e.g. a PostgreSQL schema from test/integration/db/targets.ts); call close() in afterAll.
 */
export async function startTestApp(target?: DatabaseTarget): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "zhiping-web-"));
  process.env.ZHIPING_DATA_DIR = dataDir;
  process.env.SESSION_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
  delete process.env.TRUST_PROXY;
  useDatabase(target ? await target.open() : await openDatabase({ dialect: "sqlite", file: join(dataDir, "zhiping.sqlite") }));
  return {
    dataDir,
    close: async () => {
      await closeDatabase();
      await target?.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let userCounter = 0;
let passwordHash: Promise<string> | undefined;
export const TEST_PASSWORD = "correct horse battery staple";

export async function makeUser(role: Role, opts: { name?: string; email?: string; regionCode?: string; organizationId?: string } = {}) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const db = await getDb();
  const email = opts.email ?? `user${++userCounter}-${role}@example.test`;
  const id = await createUser(db, { email, name: opts.name ?? `${role} ${userCounter}`, passwordHash: await passwordHash, role, regionCode: opts.regionCode ?? null });
  if (opts.organizationId) await addMembership(db, id, opts.organizationId);
  return { id, email, cookie: await sessionCookie(id) };
}

export async function makeOrganization(overrides: Record<string, unknown> = {}, actorId: string | null = null): Promise<string> {
  const parsed = parseOrganizationInput({
    name: "宁波测试企业", creditCode: "", industryCode: "C34", districtCode: "330212", clusterCode: "", aboveScale: "on",
    employees: "150", revenueBand: "20m-100m", flags: [], ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return createOrganization(await getDb(), parsed.value, actorId);
}

/** The Cookie header of a new session for the user. */
export async function sessionCookie(userId: string): Promise<string> {
  const response = await startSession(new Request(`${ORIGIN}/login`), userId, "/");
  const setCookie = response.headers.get("set-cookie") ?? "";
  return setCookie.split(";")[0];
}

export interface Outcome {
  status: number;
  headers: Headers;
  /** The response body as text, or the JSON of returned data. */
  body: string;
  data: unknown;
  location: string | null;
}

type RouteFn = (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown;

export interface CallOptions {
  method?: string;
  path: string;
  params?: Record<string, string>;
  cookie?: string;
  form?: FormData | Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** Origin header for posts; defaults to the app's own origin. */
  origin?: string | null;
}

function toFormData(form: CallOptions["form"]): FormData | undefined {
  if (!form) return undefined;
  if (form instanceof FormData) return form;
  const fd = new FormData();
  for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) fd.append(k, item);
  return fd;
}

async function normalise(value: unknown): Promise<Outcome> {
  if (value instanceof Response) {
    // ignoreBOM keeps a byte-order mark in the text, so tests can see it (Response.text() drops it).
    const body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await value.arrayBuffer());
    let data: unknown = body;
    try {
      data = JSON.parse(body);
    } catch {
      /* not JSON */
    }
    return { status: value.status, headers: value.headers, body, data, location: value.headers.get("location") };
  }
  if (value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit") {
    const v = value as { data: unknown; init: ResponseInit | null };
    return { status: v.init?.status ?? 200, headers: new Headers(v.init?.headers), body: JSON.stringify(v.data) ?? "", data: v.data, location: null };
  }
  return { status: 200, headers: new Headers(), body: JSON.stringify(value ?? null), data: value, location: null };
}

/** Runs a loader (GET) or action (other methods) and returns what the client would get, thrown or not. */
export async function call(fn: unknown, opts: CallOptions): Promise<Outcome> {
  const method = opts.method ?? "GET";
  const headers = new Headers(opts.headers);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  if (method !== "GET" && opts.origin !== null) headers.set("origin", opts.origin ?? ORIGIN);
  const request = new Request(`${ORIGIN}${opts.path}`, { method, headers, body: method === "GET" ? undefined : toFormData(opts.form) });
  try {
    return await normalise(await (fn as RouteFn)({ request, params: opts.params ?? {}, context: {} }));
  } catch (thrown) {
    if (thrown instanceof Response || (thrown && typeof thrown === "object" && (thrown as { type?: string }).type === "DataWithResponseInit")) {
      return normalise(thrown);
    }
    throw thrown;
  }
}
