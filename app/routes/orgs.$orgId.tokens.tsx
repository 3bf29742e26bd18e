import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireOrgAccess, requireUser } from "~/access/access.server";
import { orgFormAction } from "~/access/org-form.server";
import { RevokeForm } from "~/components/RevokeForm";
import { getDb } from "~/db/db.server";
import { formText } from "~/forms";
import { badRequest, notFound } from "~/http.server";
import type { MessageKey } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { createApiToken, listApiTokens, revokeApiToken } from "~/repos/tokens.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "write");
  return { tokens: await listApiTokens(await getDb(), org.id) };
}

export async function action(args: ActionFunctionArgs) {
  const { user, org, db, form, intent } = await orgFormAction(args, "write");
  if (intent === "create") {
    const name = formText(form, "name").trim();
    if (name.length < 1 || name.length > 60) return data({ error: "errors.tokenName" as MessageKey, token: null }, { status: 400 });
    const { token } = await createApiToken(db, org.id, name, user.id);
    // Shown once in this response and never stored in plain text.
    return data({ error: null, token }, { headers: { "Cache-Control": "no-store" } });
  }
  if (intent === "revoke") {
    if (!(await revokeApiToken(db, org.id, formText(form, "tokenId"), user.id))) notFound();
    return { error: null, token: null };
  }
  badRequest("unknown intent");
}

export default function Tokens() {
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, date } = useI18n();
  return (
    <section className="card">
      <h2>{t("token.title")}</h2>
      <p className="muted">{t("token.intro")} <a href="/api/openapi.json">{t("token.docs")}</a></p>
      {result?.token ? (
        <p className="notice ok" role="status">
          {t("token.created")} <code data-testid="new-token">{result.token}</code>
        </p>
      ) : null}
      <Form method="post" className="row">
        <input type="hidden" name="intent" value="create" />
        <div className="field">
          <label htmlFor="token-name">{t("token.name")}</label>
          <input id="token-name" name="name" type="text" maxLength={60} required />
        </div>
        <button type="submit">{t("token.create")}</button>
      </Form>
      {result?.error ? <p className="error" role="alert">{t(result.error)}</p> : null}
      {tokens.length === 0 ? <p className="muted">{t("token.none")}</p> : (
        <table>
          <thead><tr><th>{t("token.name")}</th><th>ID</th><th>{t("common.date")}</th><th>{t("token.lastUsed")}</th><th>{t("common.actions")}</th></tr></thead>
          <tbody>
            {tokens.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td><code>{k.tokenPrefix}…</code></td>
                <td>{date(k.createdAt)}</td>
                <td>{k.lastUsedAt ? date(k.lastUsedAt) : t("token.never")}</td>
                <td>
                  {k.revokedAt ? t("token.revoked") : (
                    <RevokeForm idName="tokenId" id={k.id} label={t("token.revoke")} />
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
