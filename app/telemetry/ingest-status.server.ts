// The connection state of the ingest's sources, from its `/healthz` JSON (ZHIPING_INGEST_STATUS_URL). A
// page shows only the sources its lines name, so one ingest serving several enterprises tells no tenant
// about another's. When the ingest cannot be reached every source is `unknown` — never "connected" on hope.
import { z } from "zod";

export type SourceState = "connecting" | "connected" | "disconnected" | "error" | "unknown";

const healthSchema = z.object({
  status: z.string(),
  sources: z.record(
    z.string(),
    z.object({
      state: z.enum(["connecting", "connected", "disconnected", "error"]).catch("error"),
      detail: z.string().max(2000).optional().catch(undefined),
      since: z.number().optional().catch(undefined),
    }),
  ),
});

export interface SourceStatus {
  name: string;
  state: SourceState;
  detail: string | null;
  /** Epoch ms of the last change of state, when the ingest says. */
  since: number | null;
}

export interface IngestStatus {
  /** Whether the ingest answered with a status we could read. */
  reachable: boolean;
  /** Why not, for people. */
  problem: string | null;
  sources: Map<string, SourceStatus>;
}

const TIMEOUT_MS = 1500;
const CACHE_MS = 3000;
let cache: { url: string; at: number; status: Promise<IngestStatus> } | null = null;

/** Reads /healthz (200 or 503 both carry the JSON); failures become `reachable: false` with the reason. */
export async function fetchIngestStatus(url: string, fetchImpl: typeof fetch = fetch): Promise<IngestStatus> {
  const unreachable = (problem: string): IngestStatus => ({ reachable: false, problem, sources: new Map() });
  let body: unknown;
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: "application/json" } });
    if (response.status !== 200 && response.status !== 503) return unreachable(`the ingest answered ${response.status}`);
    body = await response.json();
  } catch (err) {
    return unreachable(err instanceof Error && err.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS} ms` : `cannot reach the ingest (${(err as Error).message})`);
  }
  const parsed = healthSchema.safeParse(body);
  if (!parsed.success) return unreachable("the ingest's status is not in the expected shape");
  const sources = new Map<string, SourceStatus>();
  for (const [name, s] of Object.entries(parsed.data.sources)) sources.set(name, { name, state: s.state, detail: s.detail ?? null, since: s.since ?? null });
  return { reachable: true, problem: null, sources };
}

/** The ingest's status (cached for a few seconds: every dashboard tick asks), or null when not configured. */
export function ingestStatus(env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<IngestStatus> | null {
  const url = env.ZHIPING_INGEST_STATUS_URL?.trim();
  if (!url) return null;
  if (!/^https?:\/\/\S+$/.test(url)) return Promise.resolve({ reachable: false, problem: "ZHIPING_INGEST_STATUS_URL must be an http(s) URL", sources: new Map() });
  if (cache && cache.url === url && now - cache.at < CACHE_MS) return cache.status;
  cache = { url, at: now, status: fetchIngestStatus(url) };
  return cache.status;
}

/** The states of the named sources; a source the ingest does not report (or an unreachable ingest) is unknown. */
export function statesOf(names: readonly string[], status: IngestStatus | null): SourceStatus[] {
  return names.map((name) => status?.sources.get(name) ?? { name, state: "unknown", detail: status?.problem ?? null, since: null });
}
