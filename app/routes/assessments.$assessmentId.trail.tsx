import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TrailTable } from "~/components/TrailTable";
import { getDb } from "~/db/db.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { useI18n } from "~/i18n/use-i18n";
import { listTrail } from "~/repos/trail.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  const items = await listTrail(await getDb(), { organizationId: ctx.org.id, assessmentId: ctx.assessment.id }, 500);
  return { items: items.map(({ organizationId: _o, assessmentId: _a, actorId: _u, ...rest }) => rest) };
}

export default function AssessmentTrail() {
  const { items } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <section className="card">
      <h2>{t("trail.title")}</h2>
      <TrailTable items={items} />
    </section>
  );
}
