import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLocation, useRouteError, useRouteLoaderData,
} from "@remix-run/react";
import { getSessionUser } from "./auth/session.server";
import { requestLang } from "./i18n/lang.server";
import { useI18n } from "./i18n/use-i18n";
import type { Lang } from "./i18n/i18n";
import type { Role } from "./db/schema";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  return {
    lang: requestLang(request),
    user: user ? { id: user.id, name: user.name, role: user.role } : null,
  };
}

interface RootData {
  lang: Lang;
  user: { id: string; name: string; role: Role } | null;
}

function Header() {
  const data = useRouteLoaderData("root") as RootData | undefined;
  const { t, lang } = useI18n();
  const location = useLocation();
  const here = location.pathname + location.search;
  const other: Lang = lang === "zh" ? "en" : "zh";
  return (
    <header className="site-header no-print">
      <a className="skip" href="#main">{t("nav.skip")}</a>
      <Link to="/" className="brand">{t("app.name")}</Link>
      <nav aria-label="main">
        {data?.user ? <Link to="/orgs">{t("nav.orgs")}</Link> : null}
        {data?.user?.role === "platform_admin" ? <Link to="/admin">{t("nav.admin")}</Link> : null}
        {data?.user?.role === "bureau_admin" || data?.user?.role === "platform_admin" ? <Link to="/bureau">{t("nav.bureau")}</Link> : null}
      </nav>
      <div className="header-end">
        <a href={`/lang?set=${other}&redirectTo=${encodeURIComponent(here)}`} hrefLang={other} lang={other} data-testid="lang-switch">
          {other === "en" ? "English" : "中文"}
        </a>
        {data?.user ? (
          <>
            <span className="who">{data.user.name} · {t(`role.${data.user.role}`)}</span>
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">{t("nav.logout")}</button>
            </Form>
          </>
        ) : (
          <>
            <Link to="/login">{t("nav.login")}</Link>
            <Link to="/signup">{t("nav.signup")}</Link>
          </>
        )}
      </div>
    </header>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData("root") as RootData | undefined;
  return (
    <html lang={data?.lang === "en" ? "en" : "zh-CN"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <Meta />
        <Links />
      </head>
      <body>
        <Header />
        <main id="main">{children}</main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useI18n();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = status === 404 ? t("error.404") : status === 403 ? t("error.403") : status === 400 ? t("error.400") : t("error.generic");
  return (
    <section className="error-page">
      <h1>{t("error.title")} ({status})</h1>
      <p>{message}</p>
      <p><Link to="/">{t("error.home")}</Link></p>
    </section>
  );
}
