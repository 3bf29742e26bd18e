import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { allows, requireOrgAccess, requireUser } from "~/access/access.server";
import { useI18n } from "~/i18n/use-i18n";

// The frame of every organisation page: its name and the tabs the user's relation to it allows.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org, relation } = await requireOrgAccess(user, params.orgId, "read");
  return {
    org: { id: org.id, name: org.name },
    can: { write: allows(relation, "write"), grant: allows(relation, "grant") },
  };
}

export default function OrganizationFrame() {
  const { org, can } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const cls = ({ isActive }: { isActive: boolean }) => (isActive ? "active" : "");
  return (
    <>
      <h1>{org.name}</h1>
      <nav className="tabs" aria-label="organisation">
        <NavLink end to={`/orgs/${org.id}`} className={cls}>{t("org.tabs.overview")}</NavLink>
        <NavLink to={`/orgs/${org.id}/profile`} className={cls}>{t("org.tabs.profile")}</NavLink>
        {can.grant ? <NavLink to={`/orgs/${org.id}/access`} className={cls}>{t("org.tabs.access")}</NavLink> : null}
        {can.write ? <NavLink to={`/orgs/${org.id}/tokens`} className={cls}>{t("org.tabs.tokens")}</NavLink> : null}
        <NavLink to={`/orgs/${org.id}/lines`} className={cls}>{t("org.tabs.lines")}</NavLink>
        <NavLink to={`/orgs/${org.id}/trail`} className={cls}>{t("org.tabs.trail")}</NavLink>
      </nav>
      <Outlet />
    </>
  );
}
