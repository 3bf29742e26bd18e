import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TrailCard } from "~/components/TrailTable";
import { getDb } from "~/db/db.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { listTrailForPage } from "~/repos/trail.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  return { items: await listTrailForPage(await getDb(), { organizationId: ctx.org.id, assessmentId: ctx.assessment.id }, 500) };
}

export default function AssessmentTrail() {
  const { items } = useLoaderData<typeof loader>();
  return <TrailCard items={items} />;
}
