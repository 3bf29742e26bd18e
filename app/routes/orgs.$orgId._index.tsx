import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { allows, requireOrgAccess, requireUser } from "~/access/access.server";
import { TrendChart } from "~/components/Charts";
import { levelLabel } from "~/components/ResultParts";
import { getDb } from "~/db/db.server";
import { availableFrameworks, frameworkFor } from "~/domain/engine.server";
import { formText } from "~/forms";
import type { MessageKey } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { createAssessment, listAssessments } from "~/repos/assessments.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org, relation } = await requireOrgAccess(user, params.orgId, "read");
  const assessments = await listAssessments(await getDb(), org.id);
  const frameworks = availableFrameworks();
  const names = new Map(frameworks.map((f) => [f.id, f.name]));
  // One trend line per framework, from the submitted self results, oldest first.
  const trends = new Map<string, Array<{ at: string; score: number; max: number }>>();
  for (const a of [...assessments].reverse()) {
    if (a.totalScore === null || a.totalMax === null) continue;
    const list = trends.get(a.frameworkId) ?? [];
    list.push({ at: a.submittedAt ?? a.createdAt, score: a.totalScore, max: a.totalMax });
    trends.set(a.frameworkId, list);
  }
  return {
    orgId: org.id,
    canWrite: allows(relation, "write"),
    frameworks: frameworks.map((f) => ({ id: f.id, version: f.version, name: f.name, description: f.description, questions: f.questions.length })),
    assessments: assessments.map((a) => ({ ...a, frameworkName: names.get(a.frameworkId) ?? null })),
    trends: [...trends].filter(([, list]) => list.length > 1).map(([id, points]) => ({ id, name: names.get(id) ?? null, points })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "write");
  const form = await request.formData();
  const found = frameworkFor(formText(form, "frameworkId"));
  if (!found) return data({ error: "errors.framework" as MessageKey }, { status: 400 });
  const id = await createAssessment(await getDb(), {
    organizationId: org.id, frameworkId: found.framework.id, frameworkVersion: found.framework.version, industryType: org.industryType, actorId: user.id,
  });
  throw redirect(`/assessments/${id}/q`);
}

export default function OrganizationOverview() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, pick, num, date } = useI18n();
  return (
    <>
      {d.canWrite ? (
        <section className="card">
          <h2>{t("org.start")}</h2>
          <Form method="post" className="stack">
            {d.frameworks.map((f, i) => (
              <label key={f.id} className="options">
                <span style={{ display: "flex", gap: "0.5rem", fontWeight: 400 }}>
                  <input type="radio" name="frameworkId" value={f.id} defaultChecked={i === 0} />
                  <span><strong>{pick(f.name)}</strong> <span className="muted small">v{f.version} · {f.questions}</span><br /><span className="muted small">{pick(f.description)}</span></span>
                </span>
              </label>
            ))}
            {result?.error ? <p className="error" role="alert">{t(result.error)}</p> : null}
            <div><button type="submit" data-testid="start-assessment">{t("org.startButton")}</button></div>
          </Form>
        </section>
      ) : null}
      <section className="card">
        <h2>{t("org.assessments")}</h2>
        {d.assessments.length === 0 ? <p className="muted">{t("org.noAssessments")}</p> : (
          <table>
            <thead>
              <tr><th>{t("assessment.framework")}</th><th>{t("assessment.created")}</th><th>{t("assessment.status.submitted")}</th><th>{t("assessment.level")}</th><th>{t("assessment.auditedLevel")}</th><th /></tr>
            </thead>
            <tbody>
              {d.assessments.map((a) => (
                <tr key={a.id}>
                  <td>{a.frameworkName ? pick(a.frameworkName) : a.frameworkId} <span className="muted small">v{a.frameworkVersion}</span></td>
                  <td>{date(a.createdAt)}</td>
                  <td>{a.submittedAt ? date(a.submittedAt) : <span className="tag">{t("assessment.status.draft")}</span>}</td>
                  <td>{a.status === "submitted" ? `${levelLabel(t, pick, a.level)} · ${num(a.totalScore ?? 0, 2)}` : "—"}</td>
                  <td>{a.audit ? levelLabel(t, pick, a.audit.level) : "—"}</td>
                  <td>
                    <Link to={`/assessments/${a.id}`}>{a.status === "draft" && d.canWrite ? t("assessment.continue") : t("assessment.viewResult")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {d.trends.map((tr) => (
        <section className="card" key={tr.id}>
          <h2>{t("org.history")} · {tr.name ? pick(tr.name) : tr.id}</h2>
          <TrendChart testId={`trend-${tr.id}`} label={t("result.total")} labels={tr.points.map((p) => date(p.at).slice(0, 10))} values={tr.points.map((p) => p.score)} max={tr.points[0].max} />
        </section>
      ))}
    </>
  );
}
