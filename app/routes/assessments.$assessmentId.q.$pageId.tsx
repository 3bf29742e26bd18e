import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import type { Text } from "../../assessments/types";
import { allows } from "~/access/access.server";
import { EvidenceBlock, EvidenceForms } from "~/components/EvidenceBlock";
import { MeasuredLine } from "~/components/MeasuredEvidence";
import { PageLinks } from "~/components/PageLinks";
import { ProgressBar } from "~/components/ProgressBar";
import { QuestionField } from "~/components/QuestionField";
import { getDb } from "~/db/db.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { scoreAnswers } from "~/domain/engine.server";
import { evidenceOnPage, findPage, measuredOnPage } from "~/domain/questionnaire-page.server";
import { pageComplete, questionView, readPageAnswers } from "~/domain/questionnaire-view.server";
import { formText } from "~/forms";
import { badRequest } from "~/http.server";
import { useI18n } from "~/i18n/use-i18n";
import { getAnswers, saveAnswers } from "~/repos/assessments.server";
import { assessmentEvidence } from "~/telemetry/assessment-evidence.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  const { pages, page, prev, next } = findPage(ctx.framework, params.pageId);
  const db = await getDb();
  const answers = await getAnswers(db, ctx.assessment.id);
  const { completeness } = scoreAnswers(ctx.framework, answers, ctx.assessment.industryType);
  const evidence = await evidenceOnPage(db, ctx.assessment.id, page);
  const query = new URL(request.url).searchParams;
  // Measured values beside the claims (a draft is measured now; a submitted assessment shows what was stored).
  const measured = (await assessmentEvidence(db, ctx.assessment, ctx.framework, answers)).view;
  return {
    assessmentId: ctx.assessment.id,
    canEdit: ctx.assessment.status === "draft" && allows(ctx.relation, "write"),
    submitted: ctx.assessment.status !== "draft",
    completeness,
    nav: pages.map((p) => ({ id: p.id, name: p.name, complete: pageComplete(p, answers) })),
    page: {
      id: page.id,
      trail: page.trail,
      sections: page.sections.map((s) => ({
        id: s.node.id,
        path: s.path.map((p) => p.name),
        questions: s.questions.map((q) => questionView(ctx.framework, q, answers)),
      })),
    },
    prev,
    next,
    evidence,
    evidenceError: { code: query.get("evidenceError"), questionId: query.get("eq") },
    measured: measuredOnPage(measured, page),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "write");
  if (ctx.assessment.status !== "draft") badRequest("submitted assessments are read-only");
  const { page, prev, next } = findPage(ctx.framework, params.pageId);
  const form = await request.formData();
  const intent = formText(form, "intent") || "save";
  let ids = page.questionIds;
  if (intent === "autosave") {
    const q = formText(form, "q");
    if (!page.questionIds.includes(q)) badRequest("unknown question");
    ids = [q];
  }
  const questions = ids.map((id) => ctx.framework.questions.find((q) => q.id === id)!);
  const outcome = readPageAnswers(ctx.framework, questions, form);
  const saved = await saveAnswers(await getDb(), ctx.assessment, outcome.changes, ctx.user.id);
  const errorCount = Object.keys(outcome.errors).length;
  if (intent === "autosave" || errorCount > 0) {
    return data(
      { errors: outcome.errors as Record<string, Text>, submitted: outcome.submitted, saved: outcome.changes.map((c) => c.questionId), changed: saved },
      { status: errorCount > 0 ? 400 : 200 },
    );
  }
  const base = `/assessments/${ctx.assessment.id}`;
  if (intent === "next" && next) throw redirect(`${base}/q/${next}`);
  if (intent === "prev" && prev) throw redirect(`${base}/q/${prev}`);
  if (intent === "review" || intent === "next") throw redirect(`${base}/review`);
  throw redirect(`${base}/q/${page.id}`);
}

export default function QuestionnairePage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  const { t, pick } = useI18n();
  const errors = result?.errors ?? {};
  const errorCount = Object.keys(errors).length;
  const base = `/assessments/${d.assessmentId}`;
  const allQuestionIds = d.page.sections.flatMap((s) => s.questions.map((q) => q.id));
  const allEvidence = Object.values(d.evidence).flat();
  return (
    <section>
      <ProgressBar answered={d.completeness.answered} total={d.completeness.total} />
      <ul className="section-nav" aria-label={t("q.sections")}>
        {d.nav.map((p) => (
          <li key={p.id}>
            <Link to={`${base}/q/${p.id}`} className={[p.id === d.page.id ? "current" : "", p.complete ? "done" : ""].join(" ")} aria-current={p.id === d.page.id ? "page" : undefined}>
              {pick(p.name)}
            </Link>
          </li>
        ))}
      </ul>
      <h2>{d.page.trail.map((x) => pick(x)).join(" · ")}</h2>
      {d.submitted ? <p className="notice">{t("q.readOnly")}</p> : !d.canEdit ? <p className="notice">{t("q.viewOnly")}</p> : null}
      {errorCount > 0 ? <p className="notice bad" role="alert">{t("q.errorsOnPage", { n: errorCount })}</p> : null}
      <Form method="post" noValidate>
        {d.page.sections.map((s) => (
          <section key={s.id}>
            {s.path.length > 1 ? <h3>{s.path.slice(1).map((x) => pick(x)).join(" · ")}</h3> : null}
            {s.questions.map((q) => (
              <QuestionField
                key={q.id}
                question={q}
                disabled={!d.canEdit}
                error={errors[q.id] ?? null}
                submitted={result?.submitted?.[q.id]}
              >
                {d.measured.items[q.id] ? <MeasuredLine item={d.measured.items[q.id]} oee={d.measured.oee} /> : null}
                <EvidenceBlock
                  questionId={q.id}
                  items={d.evidence[q.id] ?? []}
                  canEdit={d.canEdit}
                  error={d.evidenceError.questionId === q.id ? d.evidenceError.code : null}
                />
              </QuestionField>
            ))}
          </section>
        ))}
        {d.canEdit ? (
          <p className="row no-print">
            {d.prev ? <button type="submit" name="intent" value="prev" className="secondary">{t("q.savePrev")}</button> : null}
            <button type="submit" name="intent" value="save" className="secondary">{t("q.saveStay")}</button>
            {d.next ? (
              <button type="submit" name="intent" value="next" data-testid="save-next">{t("q.saveNext")}</button>
            ) : (
              <button type="submit" name="intent" value="review" data-testid="save-review">{t("q.toReview")}</button>
            )}
          </p>
        ) : (
          <PageLinks prev={d.prev} next={d.next} to={(id) => `${base}/q/${id}`} />
        )}
      </Form>
      {d.canEdit ? (
        <EvidenceForms assessmentId={d.assessmentId} returnTo={location.pathname} questionIds={allQuestionIds} items={allEvidence} />
      ) : null}
    </section>
  );
}
