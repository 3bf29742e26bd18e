import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireOrgAccess, requireUser } from "~/access/access.server";
import { getDb } from "~/db/db.server";
import { readEvidenceFile } from "~/evidence/storage.server";
import { notFound } from "~/http.server";
import { getEvidence } from "~/repos/evidence.server";

// Downloads an uploaded evidence file to anyone who may read its organisation (404 for everyone else).
// Always as an attachment with the sniffed type and nosniff, so a file can never run as a page of ours.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = await getDb();
  const evidence = params.evidenceId ? await getEvidence(db, params.evidenceId) : undefined;
  if (!evidence) notFound();
  await requireOrgAccess(user, evidence.organizationId, "read");
  if (evidence.kind !== "file" || !evidence.storedName) notFound();
  let bytes: Buffer;
  try {
    bytes = await readEvidenceFile(evidence.organizationId, evidence.storedName);
  } catch {
    notFound();
  }
  const name = evidence.fileName ?? "evidence";
  const ascii = name.replace(/[^\x20-\x7E]/g, "_").replace(/["\\]/g, "_");
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": evidence.contentType ?? "application/octet-stream",
      "Content-Length": String(bytes.length),
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}
