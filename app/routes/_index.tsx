import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getSessionUser } from "~/auth/session.server";
import { useI18n } from "~/i18n/use-i18n";

export const meta: MetaFunction = () => [{ title: "智评 Zhiping" }];

export async function loader({ request }: LoaderFunctionArgs) {
  return { signedIn: (await getSessionUser(request)) !== null };
}

export default function Index() {
  const { signedIn } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <section className="card">
      <h1>{t("app.name")} · {t("app.tagline")}</h1>
      <p>{t("app.intro")}</p>
      <p className="row">
        {signedIn ? (
          <Link className="button" to="/orgs">{t("nav.orgs")}</Link>
        ) : (
          <>
            <Link className="button" to="/signup">{t("nav.signup")}</Link>
            <Link className="button secondary" to="/login">{t("nav.login")}</Link>
          </>
        )}
      </p>
    </section>
  );
}
