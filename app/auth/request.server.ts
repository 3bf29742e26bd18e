// What the app may believe about where a request came from. Forwarded headers are honoured only when
// TRUST_PROXY names how many proxies in front of the app append to them (TRUST_PROXY=1 for one).
export function trustedProxyHops(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRUST_PROXY?.trim().toLowerCase();
  if (!raw || raw === "0" || raw === "false") return 0;
  if (raw === "true") return 1;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** True when the browser reached us over https (directly, or at a trusted proxy). */
export function isHttps(request: Request): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  if (trustedProxyHops() === 0) return false;
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return proto === "https";
}

/** The origin the browser sees (scheme://host[:port]), for the same-origin check on mutating requests. */
export function publicOrigin(request: Request): string {
  const url = new URL(request.url);
  const hops = trustedProxyHops();
  const host = (hops > 0 && request.headers.get("x-forwarded-host")?.split(",")[0]?.trim()) || url.host;
  return `${isHttps(request) ? "https" : url.protocol.replace(":", "")}://${host}`;
}

/**
 * The client's address, or null when unknown. A custom server may pass it as `context.clientAddress`;
 * behind trusted proxies it is the entry the outermost trusted proxy appended to X-Forwarded-For
 * (entries further left are client-controlled and ignored). zhiping serve passes it; remix-serve (`remix dev`) does not.
 */
export function clientAddress(request: Request, context?: unknown): string | null {
  const fromContext = (context as { clientAddress?: unknown } | undefined)?.clientAddress;
  if (typeof fromContext === "string" && fromContext) return fromContext;
  const hops = trustedProxyHops();
  if (hops === 0) return null;
  const chain = (request.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return chain.length >= hops ? chain[chain.length - hops] : (chain[0] ?? null);
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Cross-site request forgery guard for cookie-authenticated requests, on top of SameSite=Lax: a mutating
 * request that names an origin (Origin, or Referer when Origin is absent) must name ours. Requests naming
 * none are let through (non-browser clients; SameSite keeps the session cookie off cross-site posts).
 */
export function isSameOriginRequest(request: Request): boolean {
  if (!MUTATING.has(request.method.toUpperCase())) return true;
  const expected = publicOrigin(request);
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === expected;
  const referer = request.headers.get("referer");
  if (referer) {
    try {
      return new URL(referer).origin === expected;
    } catch {
      return false;
    }
  }
  return true;
}

export function isMutating(request: Request): boolean {
  return MUTATING.has(request.method.toUpperCase());
}

/** Forms posted to the app are small; a larger declared body is refused before it is read (uploads excepted). */
export const MAX_FORM_BYTES = 1024 * 1024;

function isOversizedForm(request: Request): boolean {
  if (!isMutating(request)) return false;
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) return false; // evidence uploads check their own limit
  const length = Number(request.headers.get("content-length") ?? "0");
  return Number.isFinite(length) && length > MAX_FORM_BYTES;
}

/** Throws 413 for a form declared larger than MAX_FORM_BYTES, before anything reads its body. */
export function refuseOversizedForm(request: Request): void {
  if (isOversizedForm(request)) throw new Response("Payload Too Large", { status: 413 });
}
