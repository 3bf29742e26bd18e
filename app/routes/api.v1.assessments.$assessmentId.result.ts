import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiError, apiJson, requireApiOrganization } from "~/api/api.server";
import { getDb } from "~/db/db.server";
import { getAssessment } from "~/repos/assessments.server";
import { getResult } from "~/repos/results.server";

// GET /api/v1/assessments/:id/result: the stored self result (once submitted) and the latest signed audit.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const organizationId = await requireApiOrganization(request);
  const db = await getDb();
  const assessment = params.assessmentId ? await getAssessment(db, params.assessmentId) : undefined;
  if (!assessment || assessment.organizationId !== organizationId) apiError(404, "not_found", "no such assessment");
  const self = await getResult(db, assessment.id, "self");
  const signed = await db
    .selectFrom("audit")
    .select(["version", "signedAt"])
    .where("assessmentId", "=", assessment.id)
    .where("status", "=", "signed")
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  const audited = signed ? await getResult(db, assessment.id, "audit", signed.version) : null;
  return apiJson({
    assessmentId: assessment.id,
    status: assessment.status,
    self: self?.result ?? null,
    audited: signed && audited ? { version: signed.version, signedAt: signed.signedAt, result: audited.result } : null,
  });
}
