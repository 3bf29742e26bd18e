import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireOrgAccess, requireUser } from "~/access/access.server";
import { TrailCard } from "~/components/TrailTable";
import { getDb } from "~/db/db.server";
import { listTrailForPage } from "~/repos/trail.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "read");
  return { items: await listTrailForPage(await getDb(), { organizationId: org.id }, 300) };
}

export default function OrganizationTrail() {
  const { items } = useLoaderData<typeof loader>();
  return <TrailCard items={items} />;
}
