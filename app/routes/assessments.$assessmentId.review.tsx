import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { allows } from "~/access/access.server";
import { ProgressBar } from "~/components/ProgressBar";
import { levelLabel } from "~/components/ResultParts";
import { getDb } from "~/db/db.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { scoreAnswers } from "~/domain/engine.server";
import { questionnairePages } from "~/domain/questionnaire-view.server";
import type { MessageKey } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { getAnswers, getAssessment, markSubmitted } from "~/repos/assessments.server";
import { saveResult } from "~/repos/results.server";
import { liveEvidence } from "~/telemetry/assessment-evidence.server";
import { saveMeasurement } from "~/telemetry/evidence.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  const answers = await getAnswers(await getDb(), ctx.assessment.id);
  // The provisional level with what the lines measure (fused as the framework says), as submission will score it.
  const fused = ctx.assessment.status === "draft" ? (await liveEvidence(await getDb(), ctx.assessment, ctx.framework, answers)).fused : null;
  const result = fused ?? scoreAnswers(ctx.framework, answers, ctx.assessment.industryType);
  const missing = questionnairePages(ctx.framework)
    .map((p) => ({
      pageId: p.id,
      name: p.name,
      questions: p.sections.flatMap((s) => s.questions).filter((q) => answers[q.id] === undefined).map((q) => ({ id: q.id, text: q.text })),
    }))
    .filter((p) => p.questions.length > 0);
  return {
    assessmentId: ctx.assessment.id,
    status: ctx.assessment.status,
    canSubmit: ctx.assessment.status === "draft" && allows(ctx.relation, "write"),
    completeness: result.completeness,
    level: { value: result.level.value, name: result.level.name, ceiling: result.level.ceiling },
    missing,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "write");
  const db = await getDb();
  if (ctx.assessment.status !== "draft") return data({ error: "review.alreadySubmitted" as MessageKey }, { status: 409 });
  const answers = await getAnswers(db, ctx.assessment.id);
  // Measured now over the stated window, scored with the answers, and stored with the result (explainable later).
  const evidence = await liveEvidence(db, ctx.assessment, ctx.framework, answers);
  const result = evidence.fused ?? scoreAnswers(ctx.framework, answers, ctx.assessment.industryType);
  if (result.completeness.answered < result.completeness.total) return data({ error: "review.incomplete" as MessageKey }, { status: 400 });
  await db.transaction().execute(async (trx) => {
    // Re-read inside the transaction: two submissions racing must not both store a result.
    const current = await getAssessment(trx, ctx.assessment.id);
    if (!current || current.status !== "draft") return;
    const resultId = await saveResult(trx, current, "self", 0, result);
    if (evidence.snapshot) await saveMeasurement(trx, resultId, current.organizationId, evidence.snapshot);
    await markSubmitted(trx, current, ctx.user.id);
  });
  throw redirect(`/assessments/${ctx.assessment.id}/result`);
}

export default function Review() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, pick } = useI18n();
  const base = `/assessments/${d.assessmentId}`;
  const unanswered = d.completeness.total - d.completeness.answered;
  return (
    <section className="card">
      <h2>{t("review.title")}</h2>
      <ProgressBar answered={d.completeness.answered} total={d.completeness.total} />
      <p data-testid="provisional-level">
        {t("review.provisional", { level: levelLabel(t, pick, d.level.value, d.level.name), ceiling: levelLabel(t, pick, d.level.ceiling) })}
      </p>
      {unanswered === 0 ? <p className="notice ok">{t("review.complete")}</p> : (
        <>
          <p>{t("review.missing", { n: unanswered })}</p>
          <ul>
            {d.missing.map((p) => (
              <li key={p.pageId}>
                <Link to={`${base}/q/${p.pageId}`}>{pick(p.name)}</Link>
                <ul>
                  {p.questions.slice(0, 8).map((q) => (
                    <li key={q.id}><Link to={`${base}/q/${p.pageId}#q-${q.id}`}>{pick(q.text)}</Link></li>
                  ))}
                  {p.questions.length > 8 ? <li className="muted">…</li> : null}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
      {result?.error ? <p className="notice bad" role="alert">{t(result.error)}</p> : null}
      {d.canSubmit ? (
        <Form method="post">
          <p className="muted">{t("review.submitHint")}</p>
          <button type="submit" disabled={unanswered > 0} data-testid="submit-assessment">{t("review.submit")}</button>
        </Form>
      ) : null}
    </section>
  );
}
