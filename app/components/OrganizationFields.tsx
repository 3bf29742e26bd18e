// The organisation profile inputs, shared by sign-up, the profile page and the admin page.
import { CLUSTERS, DISTRICTS, FLAGS, REVENUE_BANDS } from "../domain/reference-data";
import type { FieldErrors } from "../domain/organization-input";
import { useI18n } from "../i18n/use-i18n";
import { Field } from "./Field";

export type OrganizationValues = Record<string, string | string[] | undefined>;

export function OrganizationFields({ values = {}, errors = {} }: { values?: OrganizationValues; errors?: FieldErrors }) {
  const { t, pick } = useI18n();
  const v = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : "");
  const flags = Array.isArray(values.flags) ? values.flags : [];
  return (
    <>
      <Field name="name" label={t("org.name")} error={errors.name}>
        {(a) => <input {...a} type="text" defaultValue={v("name")} required maxLength={100} />}
      </Field>
      <Field name="creditCode" label={`${t("org.creditCode")} ${t("common.optional")}`} error={errors.creditCode}>
        {(a) => <input {...a} type="text" defaultValue={v("creditCode")} maxLength={18} autoComplete="off" />}
      </Field>
      <Field name="industryCode" label={t("org.industryCode")} hint={t("org.industryHint")} error={errors.industryCode}>
        {(a) => <input {...a} type="text" defaultValue={v("industryCode")} required pattern="[Cc][0-9]{2,4}" maxLength={5} />}
      </Field>
      <Field name="districtCode" label={t("org.district")} error={errors.districtCode}>
        {(a) => (
          <select {...a} defaultValue={v("districtCode")} required>
            <option value="" />
            {DISTRICTS.map((d) => <option key={d.code} value={d.code}>{pick(d.name)}</option>)}
          </select>
        )}
      </Field>
      <Field name="clusterCode" label={`${t("org.cluster")} ${t("common.optional")}`} error={errors.clusterCode}>
        {(a) => (
          <select {...a} defaultValue={v("clusterCode")}>
            <option value="">{t("common.none")}</option>
            {CLUSTERS.map((c) => <option key={c.code} value={c.code}>{pick(c.name)}</option>)}
          </select>
        )}
      </Field>
      <div className="field">
        <label className="checks">
          <input type="checkbox" name="aboveScale" defaultChecked={v("aboveScale") === "on"} /> {t("org.aboveScale")}
        </label>
        {errors.aboveScale ? <p className="error" role="alert">{t(errors.aboveScale)}</p> : null}
      </div>
      <Field name="employees" label={t("org.employees")} error={errors.employees}>
        {(a) => <input {...a} type="number" min={1} max={1000000} step={1} defaultValue={v("employees")} required />}
      </Field>
      <Field name="revenueBand" label={t("org.revenueBand")} error={errors.revenueBand}>
        {(a) => (
          <select {...a} defaultValue={v("revenueBand")} required>
            <option value="" />
            {REVENUE_BANDS.map((b) => <option key={b.code} value={b.code}>{pick(b.name)}</option>)}
          </select>
        )}
      </Field>
      <fieldset className="field">
        <legend><strong>{t("org.flags")}</strong></legend>
        <div className="checks">
          {FLAGS.map((f) => (
            <label key={f.code}>
              <input type="checkbox" name="flags" value={f.code} defaultChecked={flags.includes(f.code)} /> {pick(f.name)}
            </label>
          ))}
        </div>
        {errors.flags ? <p className="error" role="alert">{t(errors.flags)}</p> : null}
      </fieldset>
    </>
  );
}
