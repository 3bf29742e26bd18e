import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { unknownAccountHash, verifyPassword } from "~/auth/password.server";
import { clearAccountFailures, loginRetryAfter, recordLoginFailure } from "~/auth/rate-limit.server";
import { clientAddress, isSameOriginRequest, refuseOversizedForm } from "~/auth/request.server";
import { getSessionUser, safeRedirect, startSession } from "~/auth/session.server";
import { getDb } from "~/db/db.server";
import { EMAIL, formText } from "~/forms";
import type { Message } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { findUserByEmail } from "~/repos/users.server";

export const meta: MetaFunction = () => [{ title: "登录 · 智评 Zhiping" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionUser(request)) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (!isSameOriginRequest(request)) return data({ error: { key: "errors.crossSite" } as Message, email: "" }, { status: 403 });
  refuseOversizedForm(request);
  const form = await request.formData();
  const email = formText(form, "email").trim().toLowerCase();
  const password = formText(form, "password");
  const redirectTo = safeRedirect(formText(form, "redirectTo"));
  if (!EMAIL.test(email) || password.length === 0 || password.length > 200) {
    return data({ error: { key: "auth.login.failed" } as Message, email }, { status: 400 });
  }
  const db = await getDb();
  const ip = clientAddress(request, context);
  const wait = await loginRetryAfter(db, email, ip);
  if (wait > 0) {
    return data(
      { error: { key: "auth.login.throttled", params: { minutes: Math.ceil(wait / 60) } } as Message, email },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  }
  const user = await findUserByEmail(db, email);
  // The hash is checked even for unknown accounts so the answer takes as long either way.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await unknownAccountHash()));
  if (!user || !ok) {
    await recordLoginFailure(db, email, ip);
    return data({ error: { key: "auth.login.failed" } as Message, email }, { status: 400 });
  }
  await clearAccountFailures(db, email);
  return startSession(request, user.id, redirectTo);
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useI18n();
  return (
    <section className="card" style={{ maxWidth: 460 }}>
      <h1>{t("auth.login.title")}</h1>
      {result?.error ? <p className="notice bad" role="alert">{t(result.error.key, result.error.params)}</p> : null}
      <Form method="post" className="stack">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <div className="field">
          <label htmlFor="email">{t("auth.email")}</label>
          <input id="email" name="email" type="email" autoComplete="username" required defaultValue={result?.email ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="password">{t("auth.password")}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <div><button type="submit">{t("auth.login.submit")}</button></div>
      </Form>
      <p><Link to="/signup">{t("auth.login.noAccount")}</Link></p>
    </section>
  );
}
