import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { validateAnswer } from "../../assessments";
import type { Text } from "../../assessments/types";
import { EvidenceBlock } from "~/components/EvidenceBlock";
import { MeasuredLine } from "~/components/MeasuredEvidence";
import { PageLinks } from "~/components/PageLinks";
import { QuestionField } from "~/components/QuestionField";
import { getDb } from "~/db/db.server";
import { auditState } from "~/domain/audit-view.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { evidenceOnPage, findPage, measuredOnPage } from "~/domain/questionnaire-page.server";
import { questionView, rawAnswerFromForm } from "~/domain/questionnaire-view.server";
import { describe } from "~/domain/result-view.server";
import { formText } from "~/forms";
import { badRequest } from "~/http.server";
import { translate, type Lang } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { recordDecision } from "~/repos/audits.server";
import { getAnswers } from "~/repos/assessments.server";
import { storedEvidenceView } from "~/telemetry/assessment-evidence.server";

const MAX_TEXT = 2000;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "audit");
  const { page, prev, next } = findPage(ctx.framework, params.pageId);
  const db = await getDb();
  const state = await auditState(db, ctx.assessment, ctx.framework);
  const evidence = await evidenceOnPage(db, ctx.assessment.id, page);
  // What the lines measured when the self-assessment was submitted, with its mismatch flags.
  const measured = storedEvidenceView(ctx.framework, state.storedSelf);
  return {
    assessmentId: ctx.assessment.id,
    submitted: ctx.assessment.status === "submitted",
    measured: measuredOnPage(measured, page),
    pageName: page.trail,
    prev,
    next,
    items: page.questionIds.map((id) => {
      const q = ctx.framework.questions.find((x) => x.id === id)!;
      const d = state.decisions.get(id);
      return {
        view: questionView(ctx.framework, q, state.audited),
        self: describe(ctx.framework, id, state.self[id]),
        decision: d?.decision ?? null,
        comment: d?.comment ?? "",
        evidenceChecked: d?.evidenceChecked ?? "",
        evidence: evidence[id] ?? [],
      };
    }),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "audit");
  if (ctx.assessment.status !== "submitted") badRequest("not submitted");
  const { page } = findPage(ctx.framework, params.pageId);
  const form = await request.formData();
  const questionId = formText(form, "q");
  if (!page.questionIds.includes(questionId)) badRequest("unknown question");
  const q = ctx.framework.questions.find((x) => x.id === questionId)!;
  const decision = formText(form, "decision");
  const comment = formText(form, "comment").trim();
  const evidenceChecked = formText(form, "evidenceChecked").trim();
  const fail = (message: Text) => data({ questionId, message }, { status: 400 });
  const msg = (key: Parameters<typeof translate>[1]): Text => ({ zh: translate("zh" as Lang, key), en: translate("en" as Lang, key) });
  if (decision !== "accept" && decision !== "adjust") return fail(msg("audit.decisionError"));
  if (comment.length > MAX_TEXT || evidenceChecked.length > MAX_TEXT) return fail(msg("audit.tooLong"));
  const db = await getDb();
  const self = await getAnswers(db, ctx.assessment.id);
  let value = self[questionId];
  if (decision === "adjust") {
    const check = validateAnswer(ctx.framework, questionId, rawAnswerFromForm(q, form));
    if (!check.ok) return fail({ zh: `${translate("zh", "audit.decisionError")}${check.message.zh}`, en: `${translate("en", "audit.decisionError")}${check.message.en}` });
    if (!comment) return fail(msg("audit.commentRequired"));
    value = check.value;
  }
  if (!value) return fail(msg("audit.decisionError"));
  await recordDecision(db, ctx.assessment, { questionId, decision, value, comment, evidenceChecked }, ctx.user.id);
  throw redirect(`/assessments/${ctx.assessment.id}/audit/${page.id}#q-${encodeURIComponent(questionId)}`);
}

export default function AuditPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, pick } = useI18n();
  const base = `/assessments/${d.assessmentId}`;
  if (!d.submitted) return <p className="notice">{t("audit.notSubmitted")}</p>;
  return (
    <section>
      <p className="no-print"><Link to={`${base}/audit`}>← {t("audit.title")}</Link></p>
      <h2>{d.pageName.map((n) => pick(n)).join(" · ")}</h2>
      {d.items.map((item) => (
        <Form method="post" key={item.view.id} data-testid={`audit-${item.view.id}`}>
          <input type="hidden" name="q" value={item.view.id} />
          <QuestionField question={item.view} disabled={false} autosave={false} error={result?.questionId === item.view.id ? result.message : null}>
            <p><strong>{t("audit.self")}:</strong> {pick(item.self)} {item.decision === null ? <span className="tag warn">{t("audit.undecided")}</span> : <span className={`tag ${item.decision === "adjust" ? "bad" : "ok"}`}>{t(item.decision === "adjust" ? "audit.adjust" : "audit.accept")}</span>}</p>
            {d.measured.items[item.view.id] ? <MeasuredLine item={d.measured.items[item.view.id]} oee={d.measured.oee} /> : null}
            <EvidenceBlock questionId={item.view.id} items={item.evidence} canEdit={false} />
            <div className="checks" role="radiogroup" aria-label={t("audit.decision")}>
              <label><input type="radio" name="decision" value="accept" defaultChecked={item.decision !== "adjust"} /> {t("audit.accept")}</label>
              <label><input type="radio" name="decision" value="adjust" defaultChecked={item.decision === "adjust"} /> {t("audit.adjust")}</label>
            </div>
            <div className="grid">
              <div className="field">
                <label htmlFor={`c-${item.view.id}`}>{t("audit.comment")}</label>
                <textarea id={`c-${item.view.id}`} name="comment" defaultValue={item.comment} maxLength={2000} />
              </div>
              <div className="field">
                <label htmlFor={`e-${item.view.id}`}>{t("audit.evidenceChecked")}</label>
                <textarea id={`e-${item.view.id}`} name="evidenceChecked" defaultValue={item.evidenceChecked} maxLength={2000} />
              </div>
            </div>
            <p><button type="submit">{t("audit.record")}</button></p>
          </QuestionField>
        </Form>
      ))}
      <PageLinks prev={d.prev} next={d.next} to={(id) => `${base}/audit/${id}`} />
    </section>
  );
}
