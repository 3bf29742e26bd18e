// How an ingest.yaml names an InfluxDB (v1 HTTP API: 1.x, 2.x through DBRP mapping, 3.x Core) — the same
// keys and rules for the sink that writes and the reader that queries, so one section can be copied to the other;
// and the same endpoints and Authorization header from them.
import { z } from "zod";

export const influxConnectionFields = {
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  database: z.string().min(1),
  retentionPolicy: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  password: z.string().optional(),
  /** InfluxDB 2.x/3.x API token (sent as `Authorization: Token …`); instead of username/password. */
  token: z.string().min(1).optional(),
};

/** Credentials are a token or a username (with or without password), never both. */
export function checkInfluxCredentials(c: { token?: string; username?: string; password?: string }, ctx: z.RefinementCtx): void {
  if (c.token && c.username) ctx.addIssue({ code: "custom", path: ["token"], message: "use either token or username/password, not both" });
  if (c.password !== undefined && c.username === undefined) ctx.addIssue({ code: "custom", path: ["password"], message: "password without username" });
}

/** An endpoint of the v1 API (`write?…`, `query`) under the configured URL, with or without its trailing slash. */
export function influxEndpoint(url: string, path: string): URL {
  return new URL(path, url.endsWith("/") ? url : `${url}/`);
}

/** The Authorization header for the configured credentials (none without any). */
export function influxAuthorization(c: { token?: string; username?: string; password?: string }): Record<string, string> {
  if (c.token) return { Authorization: `Token ${c.token}` };
  if (c.username !== undefined) return { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password ?? ""}`).toString("base64")}` };
  return {};
}
