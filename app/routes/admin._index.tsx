import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole, requireUser } from "~/access/access.server";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "~/auth/password.server";
import { Field } from "~/components/Field";
import { OrganizationFields } from "~/components/OrganizationFields";
import { getDb } from "~/db/db.server";
import { parseOrganizationForm, type FieldErrors } from "~/domain/organization-input";
import { DISTRICTS, NINGBO } from "~/domain/reference-data";
import { EMAIL, formText } from "~/forms";
import { badRequest } from "~/http.server";
import type { Message } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { grantConsultant } from "~/repos/grants.server";
import { createOrganization, getOrganization } from "~/repos/organizations.server";
import { addMembership, createUser, findUserByEmail, isRole, listUsers, ROLES } from "~/repos/users.server";

export const meta: MetaFunction = () => [{ title: "平台管理 · 智评 Zhiping" }];

const REGION_CODES = new Set([NINGBO.code, ...DISTRICTS.map((d) => d.code)]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, "platform_admin");
  return { users: await listUsers(await getDb()) };
}

type Result = { form: string; errors: FieldErrors; notice: Message | null };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  requireRole(user, "platform_admin");
  const form = await request.formData();
  const db = await getDb();
  const intent = formText(form, "intent");
  const fail = (errors: FieldErrors) => data<Result>({ form: intent, errors, notice: null }, { status: 400 });

  if (intent === "createUser") {
    const errors: FieldErrors = {};
    const email = formText(form, "email").trim().toLowerCase();
    const name = formText(form, "name").trim();
    const password = formText(form, "password");
    const role = formText(form, "role");
    const regionCode = formText(form, "regionCode");
    const organizationId = formText(form, "organizationId").trim();
    if (!EMAIL.test(email)) errors.email = "errors.email";
    if (name.length < 1 || name.length > 60) errors.name = "errors.personName";
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) errors.password = "errors.password";
    if (!isRole(role)) errors.role = "errors.role";
    if (role === "bureau_admin" && !REGION_CODES.has(regionCode)) errors.regionCode = "errors.region";
    if (role === "member" && !(organizationId && (await getOrganization(db, organizationId)))) errors.organizationId = "errors.organization";
    if (!errors.email && (await findUserByEmail(db, email))) errors.email = "errors.emailTaken";
    if (Object.keys(errors).length > 0 || !isRole(role)) return fail(errors);
    const passwordHash = await hashPassword(password);
    await db.transaction().execute(async (trx) => {
      const id = await createUser(trx, { email, name, passwordHash, role, regionCode: role === "bureau_admin" ? regionCode : null });
      if (role === "member") await addMembership(trx, id, organizationId);
    });
    return data<Result>({ form: intent, errors: {}, notice: { key: "admin.userCreated", params: { email } } });
  }
  if (intent === "createOrg") {
    const parsed = parseOrganizationForm(form);
    if (!parsed.ok) return fail(parsed.errors);
    await createOrganization(db, parsed.value, user.id);
    return data<Result>({ form: intent, errors: {}, notice: { key: "admin.orgCreated", params: { name: parsed.value.name } } });
  }
  if (intent === "grant") {
    const consultant = await findUserByEmail(db, formText(form, "consultantEmail"));
    const organizationId = formText(form, "organizationId").trim();
    const errors: FieldErrors = {};
    if (!consultant || consultant.role !== "consultant") errors.consultantEmail = "errors.consultant";
    if (!organizationId || !(await getOrganization(db, organizationId))) errors.organizationId = "errors.organization";
    if (Object.keys(errors).length > 0 || !consultant) return fail(errors);
    await grantConsultant(db, organizationId, consultant.id, user.id);
    return data<Result>({ form: intent, errors: {}, notice: { key: "admin.granted" } });
  }
  badRequest("unknown intent");
}

export default function Admin() {
  const { users } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, pick, date } = useI18n();
  const errorsFor = (form: string) => (result?.form === form ? result.errors : {});
  const u = errorsFor("createUser");
  const g = errorsFor("grant");
  return (
    <section>
      <h1>{t("admin.title")}</h1>
      {result?.notice ? <p className="notice ok" role="status">{t(result.notice.key, result.notice.params)}</p> : null}
      <div className="grid">
        <section className="card">
          <h2>{t("admin.createUser")}</h2>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="createUser" />
            <Field name="name" label={t("auth.name")} error={u.name}>{(a) => <input {...a} type="text" required />}</Field>
            <Field name="email" label={t("auth.email")} error={u.email}>{(a) => <input {...a} type="email" required />}</Field>
            <Field name="password" label={t("auth.password")} hint={t("auth.passwordHint")} error={u.password}>{(a) => <input {...a} type="password" autoComplete="new-password" required />}</Field>
            <Field name="role" label={t("admin.role")} error={u.role}>
              {(a) => <select {...a}>{ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}</select>}
            </Field>
            <Field name="regionCode" label={t("admin.region")} error={u.regionCode}>
              {(a) => (
                <select {...a}>
                  <option value="" />
                  <option value={NINGBO.code}>{t("region.all")}</option>
                  {DISTRICTS.map((d) => <option key={d.code} value={d.code}>{pick(d.name)}</option>)}
                </select>
              )}
            </Field>
            <Field name="organizationId" label={t("admin.organization")} hint="ID" error={u.organizationId}>{(a) => <input {...a} type="text" />}</Field>
            <div><button type="submit">{t("admin.createUser")}</button></div>
          </Form>
        </section>
        <section className="card">
          <h2>{t("admin.grant")}</h2>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="grant" />
            <Field name="consultantEmail" label={t("grant.email")} error={g.consultantEmail}>{(a) => <input {...a} type="email" required />}</Field>
            <Field name="organizationId" label={t("admin.organization")} hint="ID" error={g.organizationId}>{(a) => <input {...a} type="text" required />}</Field>
            <div><button type="submit">{t("grant.submit")}</button></div>
          </Form>
        </section>
      </div>
      <section className="card">
        <h2>{t("admin.createOrg")}</h2>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="createOrg" />
          <OrganizationFields errors={errorsFor("createOrg")} />
          <div><button type="submit">{t("admin.createOrg")}</button></div>
        </Form>
      </section>
      <h2>{t("admin.users")}</h2>
      <table>
        <thead><tr><th>{t("auth.name")}</th><th>{t("auth.email")}</th><th>{t("admin.role")}</th><th>{t("admin.region")}</th><th>{t("common.date")}</th></tr></thead>
        <tbody>
          {users.map((x) => (
            <tr key={x.id}><td>{x.name}</td><td>{x.email}</td><td>{t(`role.${x.role}`)}</td><td>{x.regionCode ?? ""}</td><td>{date(x.createdAt)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
