// A labelled form field with its hint and error, wired for screen readers (aria-invalid/-describedby).
import type { ReactNode } from "react";
import { useI18n } from "../i18n/use-i18n";
import type { MessageKey } from "../i18n/i18n";

export function Field(props: {
  name: string;
  label: string;
  error?: MessageKey | null;
  hint?: string;
  children: (attrs: { id: string; name: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const { t } = useI18n();
  const id = `f-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? <span className="hint" id={`${id}-hint`}>{props.hint}</span> : null}
      {props.children({ id, name: props.name, "aria-invalid": Boolean(props.error), "aria-describedby": describedBy })}
      {props.error ? <p className="error" id={`${id}-error`} role="alert">{t(props.error)}</p> : null}
    </div>
  );
}
