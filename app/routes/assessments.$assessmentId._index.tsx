import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { allows } from "~/access/access.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";

// Opening an assessment: answering goes on where it stopped; anyone else lands on the result.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  const base = `/assessments/${ctx.assessment.id}`;
  if (ctx.assessment.status === "draft" && allows(ctx.relation, "write")) throw redirect(`${base}/q`);
  throw redirect(`${base}/result`);
}
