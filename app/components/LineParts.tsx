// Small pieces of the line pages: a form's problems (which form they belong to, and in the page's language), an ingest source's connection
// state, a last-data time, and a text field with its label and problems.
import type { Message, MessageKey, Params } from "../i18n/i18n";
import { useI18n } from "../i18n/use-i18n";

export interface ProblemView {
  field?: string;
  key?: MessageKey;
  params?: Params;
  /** Import problems: the key path in the file, and a message of ours or the ingest's own words. */
  path?: string;
  message?: Message | string;
}

/**
 * The problems of one form on a page of several (the action's result names the form it answers) and whether
 * a field has one, for aria-invalid.
 */
export function formProblems(result: { form: string; problems: ProblemView[] } | undefined, form: string) {
  const problems = result?.form === form ? result.problems : [];
  return { problems, invalid: (field: string) => problems.some((p) => p.field === field) };
}

export function ProblemList({ problems, testId }: { problems: readonly ProblemView[]; testId?: string }) {
  const { t } = useI18n();
  if (problems.length === 0) return null;
  return (
    <ul className="error" role="alert" data-testid={testId}>
      {problems.map((p, i) => {
        const text = p.key ? t(p.key, p.params) : typeof p.message === "string" ? p.message : p.message ? t(p.message.key, p.message.params) : "";
        return (
          <li key={i}>
            {p.path ? <code>{p.path}</code> : null}
            {p.path ? ": " : ""}
            {text}
          </li>
        );
      })}
    </ul>
  );
}

const STATE_TAG: Record<string, string> = { connected: "ok", connecting: "warn", disconnected: "bad", error: "bad", unknown: "" };

export function SourceStates({ sources }: { sources: ReadonlyArray<{ name: string; state: string; detail: string | null }> }) {
  const { t } = useI18n();
  if (sources.length === 0) return <span className="muted">—</span>;
  return (
    <span className="row" style={{ gap: "0.3rem" }}>
      {sources.map((s) => (
        <span key={s.name} className={`tag ${STATE_TAG[s.state] ?? ""}`} title={s.detail ?? undefined} data-testid={`source-${s.name}`} data-state={s.state}>
          {s.name}: {t(`tm.state.${s.state}` as MessageKey)}
        </span>
      ))}
    </span>
  );
}

/** A last-data time: date and time in Shanghai, or "never". */
export function LastData({ at }: { at: number | null }) {
  const { t, date } = useI18n();
  if (at === null) return <span className="muted">{t("tm.never")}</span>;
  return <time dateTime={new Date(at).toISOString()}>{date(new Date(at).toISOString())}</time>;
}

export function TextField(props: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  defaultValue?: string | number | null;
  invalid?: boolean;
  required?: boolean;
  maxLength?: number;
  textarea?: boolean;
  readOnly?: boolean;
}) {
  const { id, name, label, hint, invalid } = props;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label} {hint ? <span className="hint">{hint}</span> : null}
      </label>
      {props.textarea ? (
        <textarea id={id} name={name} defaultValue={props.defaultValue ?? ""} aria-invalid={invalid || undefined} maxLength={props.maxLength} readOnly={props.readOnly} />
      ) : (
        <input id={id} name={name} type="text" defaultValue={props.defaultValue ?? ""} aria-invalid={invalid || undefined} required={props.required} maxLength={props.maxLength} readOnly={props.readOnly} />
      )}
    </div>
  );
}
