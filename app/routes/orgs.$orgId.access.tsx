import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireOrgAccess, requireUser } from "~/access/access.server";
import { orgFormAction } from "~/access/org-form.server";
import { RevokeForm } from "~/components/RevokeForm";
import { getDb } from "~/db/db.server";
import { EMAIL, formText } from "~/forms";
import { badRequest, notFound } from "~/http.server";
import type { MessageKey } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { grantConsultant, listGrants, revokeGrant } from "~/repos/grants.server";
import { findUserByEmail } from "~/repos/users.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "grant");
  return { grants: await listGrants(await getDb(), org.id) };
}

export async function action(args: ActionFunctionArgs) {
  const { user, org, db, form, intent } = await orgFormAction(args, "grant");
  if (intent === "grant") {
    const email = formText(form, "email").trim().toLowerCase();
    if (!EMAIL.test(email)) return data({ error: "errors.email" as MessageKey }, { status: 400 });
    const consultant = await findUserByEmail(db, email);
    // The same message whether the address is unknown or not a consultant's: no account probing.
    if (!consultant || consultant.role !== "consultant") return data({ error: "errors.consultant" as MessageKey }, { status: 400 });
    await grantConsultant(db, org.id, consultant.id, user.id);
    return { error: null };
  }
  if (intent === "revoke") {
    if (!(await revokeGrant(db, org.id, formText(form, "grantId"), user.id))) notFound();
    return { error: null };
  }
  badRequest("unknown intent");
}

export default function ConsultantAccess() {
  const { grants } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, date } = useI18n();
  return (
    <section className="card">
      <h2>{t("grant.title")}</h2>
      <p className="muted">{t("grant.intro")}</p>
      <Form method="post" className="row">
        <input type="hidden" name="intent" value="grant" />
        <div className="field">
          <label htmlFor="grant-email">{t("grant.email")}</label>
          <input id="grant-email" name="email" type="email" required aria-invalid={Boolean(result?.error)} />
        </div>
        <button type="submit">{t("grant.submit")}</button>
      </Form>
      {result?.error ? <p className="error" role="alert">{t(result.error)}</p> : null}
      {grants.length === 0 ? <p className="muted">{t("grant.none")}</p> : (
        <table>
          <thead><tr><th>{t("role.consultant")}</th><th>{t("auth.email")}</th><th>{t("common.date")}</th><th>{t("common.actions")}</th></tr></thead>
          <tbody>
            {grants.map((g) => (
              <tr key={g.id}>
                <td>{g.name}</td>
                <td>{g.email}</td>
                <td>{date(g.grantedAt)}</td>
                <td>
                  {g.revokedAt ? t("grant.revoked", { date: date(g.revokedAt) }) : (
                    <RevokeForm idName="grantId" id={g.id} label={t("grant.revoke")} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
