// One cultivation target as a form (edit or add). Ids are per form, so several forms share a page; errors
// sit under their field and are announced; on a failed save the values typed are shown again.
import { Form } from "@remix-run/react";
import { METRICS } from "../bureau/targets";
import type { TargetErrors } from "../bureau/target-input";
import { useI18n } from "../i18n/use-i18n";

export type TargetFormValues = Record<"plan" | "metric" | "param" | "targetValue" | "baseline" | "periodStart" | "periodEnd", string>;

export function BureauTargetForm({ formKey, targetId, values, errors, intent }: { formKey: string; targetId: string | null; values: TargetFormValues; errors: TargetErrors; intent: "save" | "add" }) {
  const { t } = useI18n();
  const field = (name: keyof TargetFormValues, input: (attrs: { id: string; name: string; "aria-invalid": boolean; "aria-describedby"?: string }) => JSX.Element, hint?: string) => {
    const id = `t-${formKey}-${name}`;
    const error = errors[name];
    return (
      <div className="field">
        <label htmlFor={id}>{t(`bureau.targets.field.${name}`)}</label>
        {hint ? <span className="hint" id={`${id}-hint`}>{hint}</span> : null}
        {input({ id, name, "aria-invalid": Boolean(error), "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined })}
        {error ? <p className="error" id={`${id}-error`} role="alert">{t(error)}</p> : null}
      </div>
    );
  };
  return (
    <Form method="post" className="card" noValidate data-testid={`target-form-${formKey}`}>
      <input type="hidden" name="intent" value={intent} />
      {targetId ? <input type="hidden" name="id" value={targetId} /> : null}
      {errors.form ? <p className="error" role="alert">{t(errors.form)}</p> : null}
      <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(170px, 1fr))", gap: "0.6rem", alignItems: "start" }}>
        {field("plan", (a) => <input {...a} type="text" defaultValue={values.plan} maxLength={100} required />)}
        {field("metric", (a) => (
          <select {...a} defaultValue={values.metric}>
            {METRICS.map((m) => <option key={m.metric} value={m.metric}>{t(`bureau.metric.${m.metric}`, { param: "N" })}</option>)}
          </select>
        ))}
        {field("param", (a) => <input {...a} type="text" inputMode="numeric" defaultValue={values.param} maxLength={2} />, t("bureau.targets.field.param.hint"))}
        {field("targetValue", (a) => <input {...a} type="text" inputMode="decimal" defaultValue={values.targetValue} required />)}
        {field("baseline", (a) => <input {...a} type="text" inputMode="decimal" defaultValue={values.baseline} />)}
        {field("periodStart", (a) => <input {...a} type="text" placeholder="2021-01" defaultValue={values.periodStart} maxLength={7} required />)}
        {field("periodEnd", (a) => <input {...a} type="text" placeholder="2025-12" defaultValue={values.periodEnd} maxLength={7} required />)}
      </div>
      <p className="row" style={{ marginBottom: 0 }}>
        <button type="submit">{intent === "add" ? t("bureau.targets.add") : t("bureau.targets.save")}</button>
      </p>
    </Form>
  );
}
