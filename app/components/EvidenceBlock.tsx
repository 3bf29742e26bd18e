// The evidence of one answer: what is attached (files download through an access-checked route, links open
// in a new tab without a referrer) and, while the assessment is a draft, inputs to add more. The inputs
// belong to forms rendered outside the questionnaire form (HTML's `form` attribute), because forms cannot
// nest: each upload is a plain multipart post that works without JavaScript.
import { ALLOWED_EVIDENCE_ACCEPT } from "../domain/answer-fields";
import { isMessageKey } from "../i18n/i18n";
import { useI18n } from "../i18n/use-i18n";

export interface EvidenceItem {
  id: string;
  kind: string;
  label: string;
  url: string | null;
  sizeBytes: number | null;
}

export function evidenceFormId(questionId: string): string {
  return `ev-${questionId}`;
}
export function evidenceRemoveFormId(evidenceId: string): string {
  return `ev-remove-${evidenceId}`;
}

export function EvidenceBlock(props: { questionId: string; items: EvidenceItem[]; canEdit: boolean; error?: string | null }) {
  const { t, num } = useI18n();
  const { questionId, items, canEdit } = props;
  const form = evidenceFormId(questionId);
  const errorKey = props.error ? `evidence.error.${props.error}` : null;
  return (
    <div className="evidence">
      <strong>{t("evidence.title")}</strong>
      {items.length === 0 ? <span className="muted small"> · {t("evidence.none")}</span> : (
        <ul>
          {items.map((e) => (
            <li key={e.id}>
              {e.kind === "file" ? (
                <a href={`/evidence/${e.id}`}>{e.label}</a>
              ) : (
                <a href={e.url ?? "#"} target="_blank" rel="noopener noreferrer nofollow">{e.label}</a>
              )}
              {e.sizeBytes !== null ? <span className="muted small"> ({num(e.sizeBytes / 1024, 0)} KB)</span> : null}
              {canEdit ? (
                <> <button type="submit" form={evidenceRemoveFormId(e.id)} className="link-button small">{t("common.remove")}</button></>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canEdit ? (
        <details>
          <summary>{t("evidence.file")}</summary>
          <div className="row">
            <input type="file" name="file" form={form} accept={ALLOWED_EVIDENCE_ACCEPT} aria-label={t("evidence.file")} />
            <button type="submit" form={form} name="intent" value="upload" className="secondary">{t("evidence.upload")}</button>
          </div>
          <p className="muted small">{t("evidence.fileHint")}</p>
          <div className="row">
            <input type="url" name="url" form={form} placeholder="https://" aria-label={t("evidence.link")} maxLength={2000} style={{ maxWidth: "24rem" }} />
            <button type="submit" form={form} name="intent" value="link" className="secondary">{t("evidence.addLink")}</button>
          </div>
        </details>
      ) : null}
      {errorKey && isMessageKey(errorKey) ? <p className="error" role="alert">{t(errorKey)}</p> : null}
    </div>
  );
}

/** The forms the evidence inputs submit through, rendered after the questionnaire form. */
export function EvidenceForms(props: { assessmentId: string; returnTo: string; questionIds: string[]; items: EvidenceItem[] }) {
  const action = `/assessments/${props.assessmentId}/evidence`;
  return (
    <div hidden>
      {props.questionIds.map((qid) => (
        <form key={qid} id={evidenceFormId(qid)} method="post" action={action} encType="multipart/form-data">
          <input type="hidden" name="questionId" value={qid} />
          <input type="hidden" name="returnTo" value={props.returnTo} />
        </form>
      ))}
      {props.items.map((e) => (
        <form key={e.id} id={evidenceRemoveFormId(e.id)} method="post" action={action} encType="multipart/form-data">
          <input type="hidden" name="intent" value="remove" />
          <input type="hidden" name="evidenceId" value={e.id} />
          <input type="hidden" name="returnTo" value={props.returnTo} />
        </form>
      ))}
    </div>
  );
}
