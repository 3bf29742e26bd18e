import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/access/access.server";
import { getDb } from "~/db/db.server";
import { districtByCode, industryByCode, industryDivision } from "~/domain/reference-data";
import { useI18n } from "~/i18n/use-i18n";
import { listVisibleOrganizations } from "~/repos/org-list.server";

export const meta: MetaFunction = () => [{ title: "企业 · 智评 Zhiping" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? "").slice(0, 100);
  const pageRaw = Number(params.get("page") ?? "1");
  const page = Number.isInteger(pageRaw) && pageRaw >= 1 && pageRaw <= 100_000 ? pageRaw : 1;
  const list = await listVisibleOrganizations(await getDb(), user, { q, page });
  // An enterprise member with one enterprise has nothing to choose: go straight to it.
  if (user.role === "member" && list.rows.length === 1 && page === 1 && !q) throw redirect(`/orgs/${list.rows[0].id}`);
  return { ...list, q, role: user.role };
}

export default function Organizations() {
  const { rows, page, hasMore, q, role } = useLoaderData<typeof loader>();
  const { t, pick } = useI18n();
  return (
    <section>
      <h1>{t("org.list.title")}</h1>
      {role !== "member" ? (
        <Form method="get" className="row no-print" role="search">
          <div className="field">
            <label htmlFor="q">{t("org.list.search")}</label>
            <input id="q" name="q" type="search" defaultValue={q} maxLength={100} />
          </div>
          <button type="submit" className="secondary">{t("common.search")}</button>
        </Form>
      ) : null}
      {rows.length === 0 ? <p className="muted">{t("org.list.empty")}</p> : (
        <table>
          <thead>
            <tr><th>{t("org.name")}</th><th>{t("org.district")}</th><th>{t("org.industry")}</th><th>{t("org.aboveScale")}</th></tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.id}>
                <td><Link to={`/orgs/${o.id}`}>{o.name}</Link></td>
                <td>{pick(districtByCode.get(o.districtCode)?.name)}</td>
                <td>{o.industryCode} {pick(industryByCode.get(industryDivision(o.industryCode) ?? "")?.name)}</td>
                <td>{o.aboveScale ? t("common.yes") : t("common.no")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="row no-print">
        {page > 1 ? <Link to={`?q=${encodeURIComponent(q)}&page=${page - 1}`}>← {t("common.page", { page: page - 1 })}</Link> : null}
        {hasMore ? <Link to={`?q=${encodeURIComponent(q)}&page=${page + 1}`}>{t("common.page", { page: page + 1 })} →</Link> : null}
      </p>
    </section>
  );
}
