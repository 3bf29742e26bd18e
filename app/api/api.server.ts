// The JSON API's plumbing: bearer-token authentication (organisation-scoped tokens), JSON responses and
// errors of one shape, `{ "error": { "code", "message" } }`, and parameter validation that names the parameter.
import { getDb } from "../db/db.server";
import { organizationOfToken } from "../repos/tokens.server";

export type ApiErrorCode = "unauthorized" | "not_found" | "invalid_parameter" | "method_not_allowed";

export function apiJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

export function apiError(status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): never {
  throw apiJson({ error: { code, message } }, status, headers);
}

/** The organisation the request's bearer token belongs to; 401 otherwise. */
export async function requireApiOrganization(request: Request): Promise<string> {
  const header = request.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const challenge = { "WWW-Authenticate": 'Bearer realm="zhiping"' };
  if (!m) apiError(401, "unauthorized", "send an organisation API token as `Authorization: Bearer <token>`", challenge);
  const organizationId = await organizationOfToken(await getDb(), m[1]);
  if (!organizationId) apiError(401, "unauthorized", "the API token is not valid or has been revoked", challenge);
  return organizationId;
}

/** An integer query parameter within bounds, its default when absent; 400 naming the parameter otherwise. */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    apiError(400, "invalid_parameter", `query parameter \`${name}\` must be a whole number from ${min} to ${max} (got "${raw.slice(0, 20)}")`);
  }
  return Number(raw);
}
