import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { levelLabel } from "~/components/ResultParts";
import { getDb } from "~/db/db.server";
import { auditState } from "~/domain/audit-view.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { questionnairePages } from "~/domain/questionnaire-view.server";
import { formText } from "~/forms";
import { badRequest } from "~/http.server";
import type { MessageKey } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { listAudits, openAuditVersion, signAuditVersion } from "~/repos/audits.server";
import { saveResult } from "~/repos/results.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "audit");
  const db = await getDb();
  const state = await auditState(db, ctx.assessment, ctx.framework);
  const versions = await listAudits(db, ctx.assessment.id);
  const signer = state.audit?.signedBy
    ? await db.selectFrom("user").select("name").where("id", "=", state.audit.signedBy).executeTakeFirst()
    : undefined;
  const answered = Object.keys(state.self).length;
  return {
    assessmentId: ctx.assessment.id,
    submitted: ctx.assessment.status === "submitted",
    audit: state.audit ? { version: state.audit.version, status: state.audit.status, signedAt: state.audit.signedAt, signedBy: signer?.name ?? null } : null,
    versions: versions.map((v) => ({ version: v.version, status: v.status, createdAt: v.createdAt, signedAt: v.signedAt })),
    decided: state.decisions.size,
    undecided: Math.max(0, answered - state.decisions.size),
    level: state.auditedResult ? { value: state.auditedResult.level.value, name: state.auditedResult.level.name } : null,
    // Answers the lines' measurements contradict: the consultant checks these first.
    measuredMismatches: (state.storedSelf?.result.evidence ?? []).filter((e) => e.mismatch).length,
    pages: questionnairePages(ctx.framework).map((p) => ({
      id: p.id,
      name: p.name,
      decided: p.questionIds.filter((id) => state.decisions.has(id)).length,
      total: p.questionIds.length,
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "audit");
  if (ctx.assessment.status !== "submitted") badRequest("not submitted");
  const db = await getDb();
  const form = await request.formData();
  const intent = formText(form, "intent");
  if (intent === "start") {
    await openAuditVersion(db, ctx.assessment, ctx.user.id);
    throw redirect(`/assessments/${ctx.assessment.id}/audit`);
  }
  if (intent === "signoff") {
    // The open version's audited result, scored with the measurement the self-assessment was scored with.
    const { audit, self, decisions, auditedResult: result } = await auditState(db, ctx.assessment, ctx.framework);
    if (!audit || audit.status !== "open" || !result) return data({ error: "audit.notSubmitted" as MessageKey }, { status: 409 });
    const implicitlyAccepted = Object.keys(self).filter((id) => !decisions.has(id)).length;
    await db.transaction().execute(async (trx) => {
      await signAuditVersion(trx, ctx.assessment, audit, ctx.user.id, { level: result.level.value, implicitlyAccepted });
      await saveResult(trx, ctx.assessment, "audit", audit.version, result);
    });
    throw redirect(`/assessments/${ctx.assessment.id}/compare`);
  }
  badRequest("unknown intent");
}

export default function AuditOverview() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, pick, date } = useI18n();
  const base = `/assessments/${d.assessmentId}`;
  if (!d.submitted) return <p className="notice">{t("audit.notSubmitted")}</p>;
  return (
    <section>
      <section className="card">
        <h2>{t("audit.title")} {d.audit ? <span className="tag">{t("audit.version", { version: d.audit.version })} · {t(`audit.status.${d.audit.status === "signed" ? "signed" : "open"}`)}</span> : null}</h2>
        {d.measuredMismatches ? <p><span className="tag bad" data-testid="measured-flags">{t("ev.auditFlags", { n: d.measuredMismatches })}</span></p> : null}
        {d.level ? <p data-testid="audited-level">{t("audit.levelNow", { level: levelLabel(t, pick, d.level.value, d.level.name) })}</p> : null}
        {d.audit?.status === "signed" ? (
          <p className="notice ok" data-testid="signed-notice">
            {t("audit.signed", { version: d.audit.version, date: date(d.audit.signedAt), who: d.audit.signedBy ?? "", next: d.audit.version + 1 })}
          </p>
        ) : null}
        {!d.audit ? (
          <Form method="post"><input type="hidden" name="intent" value="start" /><button type="submit">{t("audit.start")}</button></Form>
        ) : null}
      </section>
      <section className="card">
        <h2>{t("audit.pages")}</h2>
        <ul>
          {d.pages.map((p) => (
            <li key={p.id}><Link to={`${base}/audit/${p.id}`}>{pick(p.name)}</Link> <span className="muted">({p.decided}/{p.total})</span></li>
          ))}
        </ul>
      </section>
      {d.audit?.status === "open" ? (
        <section className="card">
          <h2>{t("audit.signoff")}</h2>
          <p className="muted">{t("audit.signoffHint", { n: d.undecided })}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="signoff" />
            <button type="submit" data-testid="signoff">{t("audit.signoff")}</button>
          </Form>
          {result?.error ? <p className="error" role="alert">{t(result.error)}</p> : null}
        </section>
      ) : null}
      {d.versions.length > 0 ? (
        <section className="card">
          <table>
            <thead><tr><th>{t("compare.version")}</th><th>{t("audit.decision")}</th><th>{t("common.date")}</th></tr></thead>
            <tbody>
              {d.versions.map((v) => (
                <tr key={v.version}>
                  <td><Link to={`${base}/compare?version=${v.version}`}>{t("audit.version", { version: v.version })}</Link></td>
                  <td>{t(`audit.status.${v.status === "signed" ? "signed" : "open"}`)}</td>
                  <td>{date(v.signedAt ?? v.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </section>
  );
}
