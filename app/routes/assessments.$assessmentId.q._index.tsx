import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { getDb } from "~/db/db.server";
import { pageComplete, questionnairePages } from "~/domain/questionnaire-view.server";
import { getAnswers } from "~/repos/assessments.server";

// Resuming: the first page with an unanswered question, or the review page once everything is answered.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  const pages = questionnairePages(ctx.framework);
  const answers = await getAnswers(await getDb(), ctx.assessment.id);
  const base = `/assessments/${ctx.assessment.id}`;
  const open = pages.find((p) => !pageComplete(p, answers));
  if (open) throw redirect(`${base}/q/${open.id}`);
  throw redirect(ctx.assessment.status === "draft" ? `${base}/review` : `${base}/q/${pages[0].id}`);
}
