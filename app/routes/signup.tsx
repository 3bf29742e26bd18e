import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "~/auth/password.server";
import { isSameOriginRequest, refuseOversizedForm } from "~/auth/request.server";
import { getSessionUser, startSession } from "~/auth/session.server";
import { Field } from "~/components/Field";
import { OrganizationFields } from "~/components/OrganizationFields";
import { getDb } from "~/db/db.server";
import { newId } from "~/db/ids.server";
import { parseOrganizationForm, type FieldErrors } from "~/domain/organization-input";
import { EMAIL, formText, formTexts } from "~/forms";
import { useI18n } from "~/i18n/use-i18n";
import { createOrganization } from "~/repos/organizations.server";
import { addMembership, createUser, findUserByEmail } from "~/repos/users.server";

export const meta: MetaFunction = () => [{ title: "注册 · 智评 Zhiping" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionUser(request)) throw redirect("/orgs");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  refuseOversizedForm(request);
  const form = await request.formData();
  const values: Record<string, string | string[]> = {};
  for (const name of ["userName", "email", "name", "creditCode", "industryCode", "districtCode", "clusterCode", "aboveScale", "employees", "revenueBand"]) {
    values[name] = formText(form, name);
  }
  values.flags = formTexts(form, "flags");
  if (!isSameOriginRequest(request)) return data({ errors: { form: "errors.crossSite" } as FieldErrors, values }, { status: 403 });

  const errors: FieldErrors = {};
  const userName = formText(form, "userName").trim();
  const email = formText(form, "email").trim().toLowerCase();
  const password = formText(form, "password");
  if (userName.length < 1 || userName.length > 60) errors.userName = "errors.personName";
  if (!EMAIL.test(email)) errors.email = "errors.email";
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) errors.password = "errors.password";
  else if (password !== formText(form, "passwordConfirm")) errors.passwordConfirm = "errors.passwordConfirm";
  const org = parseOrganizationForm(form);
  if (!org.ok) Object.assign(errors, org.errors);
  const db = await getDb();
  if (!errors.email && (await findUserByEmail(db, email))) errors.email = "errors.emailTaken";
  if (Object.keys(errors).length > 0 || !org.ok) return data({ errors, values }, { status: 400 });

  const passwordHash = await hashPassword(password);
  const userId = newId();
  let orgId: string;
  try {
    orgId = await db.transaction().execute(async (trx) => {
      await createUser(trx, { email, name: userName, passwordHash, role: "member" }, userId);
      const id = await createOrganization(trx, org.value, userId);
      await addMembership(trx, userId, id);
      return id;
    });
  } catch (error) {
    // Two sign-ups racing for one e-mail or credit code: the unique index decides.
    if (await findUserByEmail(db, email)) return data({ errors: { email: "errors.emailTaken" } as FieldErrors, values }, { status: 400 });
    if (/credit_code/i.test(String(error))) return data({ errors: { creditCode: "errors.creditCode" } as FieldErrors, values }, { status: 400 });
    throw error;
  }
  return startSession(request, userId, `/orgs/${orgId}`);
}

export default function Signup() {
  const result = useActionData<typeof action>();
  const errors = result?.errors ?? {};
  const values = result?.values ?? {};
  const { t } = useI18n();
  const v = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : "");
  return (
    <section className="card">
      <h1>{t("auth.signup.title")}</h1>
      {errors.form ? <p className="notice bad" role="alert">{t(errors.form)}</p> : null}
      <Form method="post" className="stack" noValidate>
        <h2>{t("auth.signup.account")}</h2>
        <Field name="userName" label={t("auth.name")} error={errors.userName}>
          {(a) => <input {...a} type="text" autoComplete="name" defaultValue={v("userName")} required maxLength={60} />}
        </Field>
        <Field name="email" label={t("auth.email")} error={errors.email}>
          {(a) => <input {...a} type="email" autoComplete="username" defaultValue={v("email")} required />}
        </Field>
        <Field name="password" label={t("auth.password")} hint={t("auth.passwordHint")} error={errors.password}>
          {(a) => <input {...a} type="password" autoComplete="new-password" required minLength={10} />}
        </Field>
        <Field name="passwordConfirm" label={t("auth.passwordConfirm")} error={errors.passwordConfirm}>
          {(a) => <input {...a} type="password" autoComplete="new-password" required />}
        </Field>
        <h2>{t("org.profile")}</h2>
        <OrganizationFields values={values} errors={errors} />
        <div><button type="submit">{t("auth.signup.submit")}</button></div>
      </Form>
      <p><Link to="/login">{t("auth.signup.haveAccount")}</Link></p>
    </section>
  );
}
