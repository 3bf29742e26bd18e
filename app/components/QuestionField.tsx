// One question of the questionnaire as plain form inputs (works without JavaScript: the page's form posts
// them all). With JavaScript, changing an answer saves it at once through a fetcher, and the message from
// the engine's validation appears under the question.
import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, type FormEvent } from "react";
import { autosaveDone, joinAutosave, requestAutosave } from "./autosave-turns";
import type { Text } from "../../assessments/types";
import { fieldName, MULTI_NONE } from "../domain/answer-fields";
import type { QuestionView } from "../domain/questionnaire-view.server";
import { useI18n } from "../i18n/use-i18n";

interface AutosaveResult {
  errors?: Record<string, Text>;
  saved?: string[];
}

export function QuestionField(props: {
  question: QuestionView;
  /** What the user last submitted for this question (shown back with its error). */
  submitted?: string | string[];
  error?: Text | null;
  disabled: boolean;
  /** Save each change at once (the questionnaire); off where a separate button records (the audit). */
  autosave?: boolean;
  children?: React.ReactNode;
}) {
  const { question: q, disabled } = props;
  const { t, pick, num } = useI18n();
  const fetcher = useFetcher<AutosaveResult>({ key: `autosave:${q.id}` });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const fieldsetRef = useRef<HTMLFieldSetElement>(null);
  // One save of the page in flight at a time (autosave-turns): a change made meanwhile is sent when the
  // save before it is over, so saves arrive in order and none is aborted half-way.
  const inFlight = useRef(false);
  const seenBusy = useRef(false);
  const sendRef = useRef<() => void>(() => {});
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);
  useEffect(() => joinAutosave(q.id, () => sendRef.current()), [q.id]);
  useEffect(() => {
    if (!inFlight.current) return;
    if (fetcher.state !== "idle") seenBusy.current = true;
    else if (seenBusy.current) {
      inFlight.current = false;
      seenBusy.current = false;
      autosaveDone(q.id);
    }
  });

  const value = props.submitted ?? q.value;
  const values = Array.isArray(value) ? value : value === null ? [] : [value];
  const name = fieldName(q.id);
  const autosaveError = fetcher.state === "idle" ? fetcher.data?.errors?.[q.id] : undefined;
  const error = autosaveError ?? (fetcher.data ? null : props.error);
  const saved = fetcher.state === "idle" && fetcher.data?.saved?.includes(q.id) && !autosaveError;

  function onChange(event: FormEvent<HTMLFieldSetElement>) {
    if (disabled) return;
    const target = event.target as HTMLInputElement;
    const fieldset = event.currentTarget;
    if (target.type === "checkbox" && target.checked) {
      // "None of these" and the options exclude each other.
      for (const box of Array.from(fieldset.querySelectorAll<HTMLInputElement>('input[type="checkbox"]'))) {
        if (box !== target && (box.value === MULTI_NONE || target.value === MULTI_NONE)) box.checked = false;
      }
    }
    if (props.autosave === false) return;
    if (timer.current) clearTimeout(timer.current);
    // Typing is saved once the user pauses; a click on a choice is saved at once.
    if (target.type === "text") timer.current = setTimeout(save, 600);
    else save();
  }

  function save() {
    requestAutosave(q.id);
  }

  // Runs when this question's turn comes: the answer as the inputs show it then.
  sendRef.current = () => {
    const fieldset = fieldsetRef.current;
    if (!fieldset) return autosaveDone(q.id);
    const form = new FormData();
    form.set("intent", "autosave");
    form.set("q", q.id);
    for (const input of Array.from(fieldset.querySelectorAll<HTMLInputElement>(`[name="${CSS.escape(name)}"]`))) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) continue;
      form.append(name, input.value);
    }
    inFlight.current = true;
    seenBusy.current = false;
    fetcher.submit(form, { method: "post" });
  };

  const describedBy = error ? `${q.id}-error` : undefined;
  return (
    <fieldset className="question" id={`q-${q.id}`} ref={fieldsetRef} onChange={onChange} aria-describedby={describedBy}>
      <legend>
        {pick(q.text)} {q.level !== null ? <span className="tag">{t("q.levelTag", { n: q.level })}</span> : null}
      </legend>
      {q.help ? <p className="muted small">{pick(q.help)}</p> : null}
      {q.evidenceNote ? <p className="small"><span className="tag ok">{t("q.measuredHint")}</span> {pick(q.evidenceNote)}</p> : null}
      {q.type === "numeric" || q.type === "percentage" ? (
        <div className="row">
          <input
            type="text"
            inputMode="decimal"
            name={name}
            defaultValue={values[0] ?? ""}
            disabled={disabled}
            aria-invalid={Boolean(error)}
            aria-label={pick(q.text)}
            style={{ maxWidth: "12rem" }}
          />
          {q.unit ? <span>{pick(q.unit)}</span> : null}
          <span className="muted small">
            {q.type === "percentage" ? t("q.percentHint") : rangeHint(q, t)}
          </span>
        </div>
      ) : (
        <div className="options" role={q.type === "multi" ? "group" : "radiogroup"}>
          {q.choices.map((c) => (
            <label key={c.value}>
              <input
                type={q.type === "multi" ? "checkbox" : "radio"}
                name={name}
                value={c.value}
                defaultChecked={values.includes(c.value)}
                disabled={disabled}
              />
              <span>
                {pick(c.label)}
                {c.worth !== null && q.type !== "sceneLevel" && q.type !== "rating" ? <span className="muted small"> · {t("q.worth", { n: num(c.worth, 2) })}</span> : null}
                {c.description ? <small>{pick(c.description)}</small> : null}
              </span>
            </label>
          ))}
          {q.type === "multi" ? (
            <label>
              <input type="checkbox" name={name} value={MULTI_NONE} defaultChecked={values.includes(MULTI_NONE)} disabled={disabled} />
              <span>{t("q.noneOfThese")}</span>
            </label>
          ) : null}
        </div>
      )}
      <p className="save-state" aria-live="polite">
        {fetcher.state !== "idle" ? t("common.saving") : saved ? t("q.saved") : ""}
      </p>
      {error ? <p className="error" id={`${q.id}-error`} role="alert">{pick(error)}</p> : null}
      {props.children}
    </fieldset>
  );
}

function rangeHint(q: QuestionView, t: (k: "q.range" | "q.atLeast" | "q.wholeNumber", p?: Record<string, string | number>) => string): string {
  const parts: string[] = [];
  if (q.min !== null && q.max !== null) parts.push(t("q.range", { min: q.min, max: q.max }));
  else if (q.min !== null) parts.push(t("q.atLeast", { min: q.min }));
  if (q.integer) parts.push(t("q.wholeNumber"));
  return parts.join(" · ");
}
