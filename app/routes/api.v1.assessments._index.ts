import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, intParam, requireApiOrganization } from "~/api/api.server";
import { getDb } from "~/db/db.server";

// GET /api/v1/assessments: the token's organisation's assessments, newest first, with their self level.
export async function loader({ request }: LoaderFunctionArgs) {
  const organizationId = await requireApiOrganization(request);
  const url = new URL(request.url);
  const limit = intParam(url, "limit", 50, 1, 200);
  const offset = intParam(url, "offset", 0, 0, 1_000_000);
  const db = await getDb();
  const rows = await db
    .selectFrom("assessment")
    .leftJoin("result", (j) => j.onRef("result.assessmentId", "=", "assessment.id").on("result.kind", "=", "self").on("result.auditVersion", "=", 0))
    .select([
      "assessment.id", "assessment.frameworkId", "assessment.frameworkVersion", "assessment.status", "assessment.createdAt",
      "assessment.submittedAt", "result.level", "result.totalScore", "result.totalMax",
    ])
    .where("assessment.organizationId", "=", organizationId)
    .orderBy("assessment.createdAt", "desc")
    .orderBy("assessment.id")
    .limit(limit + 1)
    .offset(offset)
    .execute();
  return apiJson({
    items: rows.slice(0, limit).map((r) => ({
      id: r.id,
      frameworkId: r.frameworkId,
      frameworkVersion: r.frameworkVersion,
      status: r.status,
      createdAt: r.createdAt,
      submittedAt: r.submittedAt,
      selfResult: r.totalScore === null ? null : { level: r.level, total: { score: r.totalScore, max: r.totalMax } },
    })),
    next: rows.length > limit ? `/api/v1/assessments?limit=${limit}&offset=${offset + limit}` : null,
  });
}
