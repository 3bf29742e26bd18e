import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db/db.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { latestSignedResult, selfResult } from "~/domain/results-query.server";
import { resultCsv } from "~/domain/export.server";
import { notFound } from "~/http.server";
import { requestLang } from "~/i18n/lang.server";
import { getAnswers } from "~/repos/assessments.server";

// CSV and JSON exports of an assessment's result (and the audited result when one is signed).
export async function loader({ request, params }: LoaderFunctionArgs) {
  if (params.format !== "csv" && params.format !== "json") notFound();
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  const db = await getDb();
  const self = await selfResult(db, ctx.assessment, ctx.framework);
  const audited = await latestSignedResult(db, ctx.assessment.id);
  const answers = await getAnswers(db, ctx.assessment.id);
  const stem = `zhiping-${ctx.framework.id}-${ctx.assessment.id}`;
  if (params.format === "json") {
    const body = {
      assessment: {
        id: ctx.assessment.id, organization: ctx.org.name, frameworkId: ctx.assessment.frameworkId, frameworkVersion: ctx.assessment.frameworkVersion,
        status: ctx.assessment.status, submittedAt: ctx.assessment.submittedAt,
      },
      answers,
      self: { provisional: self.provisional, result: self.result },
      audited: audited ? { version: audited.version, signedAt: audited.signedAt, result: audited.result } : null,
    };
    return new Response(JSON.stringify(body, null, 2), {
      headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="${stem}.json"`, "Cache-Control": "private, no-store" },
    });
  }
  const csv = resultCsv(ctx.framework, self.result, answers, audited?.result ?? null, requestLang(request));
  // A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
  return new Response(`\uFEFF${csv}`, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${stem}.csv"`, "Cache-Control": "private, no-store" },
  });
}
