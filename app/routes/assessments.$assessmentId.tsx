import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { allows } from "~/access/access.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { useI18n } from "~/i18n/use-i18n";

// The frame of every assessment page: whose assessment, which framework, and the tabs the user may open.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  return {
    assessment: { id: ctx.assessment.id, status: ctx.assessment.status, frameworkVersion: ctx.assessment.frameworkVersion },
    org: { id: ctx.org.id, name: ctx.org.name },
    framework: { id: ctx.framework.id, name: ctx.framework.name, version: ctx.framework.version },
    exactFramework: ctx.exactFramework,
    can: { audit: allows(ctx.relation, "audit") },
  };
}

export default function AssessmentFrame() {
  const { assessment, org, framework, exactFramework, can } = useLoaderData<typeof loader>();
  const { t, pick } = useI18n();
  const base = `/assessments/${assessment.id}`;
  const cls = ({ isActive }: { isActive: boolean }) => (isActive ? "active" : "");
  return (
    <>
      <p className="muted no-print"><Link to={`/orgs/${org.id}`}>{org.name}</Link></p>
      <h1>
        {pick(framework.name)} <span className="tag">{t(`assessment.status.${assessment.status}`)}</span>
      </h1>
      {!exactFramework ? (
        <p className="notice">{t("assessment.frameworkChanged", { version: assessment.frameworkVersion, current: framework.version })}</p>
      ) : null}
      <nav className="tabs" aria-label="assessment">
        <NavLink to={`${base}/q`} className={cls}>{t("q.sections")}</NavLink>
        {assessment.status === "draft" ? <NavLink to={`${base}/review`} className={cls}>{t("review.title")}</NavLink> : null}
        <NavLink to={`${base}/result`} className={cls}>{t("result.title")}</NavLink>
        {can.audit ? <NavLink to={`${base}/audit`} className={cls}>{t("audit.title")}</NavLink> : null}
        {assessment.status === "submitted" ? <NavLink to={`${base}/compare`} className={cls}>{t("result.compare")}</NavLink> : null}
        <NavLink to={`${base}/trail`} className={cls}>{t("trail.title")}</NavLink>
      </nav>
      <Outlet />
    </>
  );
}
