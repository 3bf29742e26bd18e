import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiError, apiJson, requireApiOrganization } from "~/api/api.server";
import { assessmentJson } from "~/api/serialize.server";
import { getDb } from "~/db/db.server";
import { getAnswers, getAssessment } from "~/repos/assessments.server";

// GET /api/v1/assessments/:id: the assessment and its self answers. Another organisation's id is a 404.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const organizationId = await requireApiOrganization(request);
  const db = await getDb();
  const assessment = params.assessmentId ? await getAssessment(db, params.assessmentId) : undefined;
  if (!assessment || assessment.organizationId !== organizationId) apiError(404, "not_found", "no such assessment");
  return apiJson({ ...assessmentJson(assessment), answers: await getAnswers(db, assessment.id) });
}
