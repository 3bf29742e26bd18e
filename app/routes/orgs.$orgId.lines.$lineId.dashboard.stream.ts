import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireOrgAccess, requireUser } from "~/access/access.server";
import { getDb } from "~/db/db.server";
import { notFound } from "~/http.server";
import { dashboardSnapshot } from "~/telemetry/dashboard.server";
import { eventStream } from "~/telemetry/event-stream.server";

// The live line view's updates: server-sent events (`event: snapshot`, JSON) every few seconds, or one JSON
// snapshot for clients that poll (any request not asking for text/event-stream). Access-checked like the page.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "read");
  const lineId = params.lineId ?? "";
  const db = await getDb();
  const first = await dashboardSnapshot(db, org.id, lineId);
  if (!first) notFound();
  if (!(request.headers.get("accept") ?? "").includes("text/event-stream")) {
    return new Response(JSON.stringify(first), { headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store" } });
  }
  // A null snapshot (the line was removed meanwhile) ends the stream; the client's reconnect then gets 404.
  return eventStream(request.signal, first, first.refreshS * 1000, () => dashboardSnapshot(db, org.id, lineId));
}
