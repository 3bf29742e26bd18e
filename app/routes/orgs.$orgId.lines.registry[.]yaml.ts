import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireOrgAccess, requireUser } from "~/access/access.server";
import { getDb } from "~/db/db.server";
import { nowIso } from "~/db/ids.server";
import { notFound } from "~/http.server";
import { getEnterprise, listLines } from "~/telemetry/lines.server";
import { registryYaml } from "~/telemetry/registry-yaml.server";

// The organisation's registration as the `registry:` section of an ingest.yaml, for its ingest service.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "read");
  const db = await getDb();
  const enterprise = await getEnterprise(db, org.id);
  if (!enterprise) notFound();
  const text = registryYaml(enterprise.enterpriseKey, org.name, await listLines(db, org.id), nowIso());
  return new Response(text, {
    headers: {
      "Content-Type": "application/yaml; charset=utf-8",
      "Content-Disposition": `attachment; filename="registry-${enterprise.enterpriseKey}.yaml"`,
      "Cache-Control": "private, no-store",
    },
  });
}
