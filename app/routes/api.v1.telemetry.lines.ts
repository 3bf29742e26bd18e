import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, requireApiOrganization } from "~/api/api.server";
import { getDb } from "~/db/db.server";
import { getEnterprise, listLines } from "~/telemetry/lines.server";
import { registrationStatus } from "~/telemetry/status.server";

// GET /api/v1/telemetry/lines: the token's organisation's registered lines — machines, signals with their
// per-source addresses (its ingest registry, as JSON), KPI roles — with each signal's last data time and the
// connection state of the ingest sources feeding each line. For an HTTP gateway or an ingest keeping its
// registry in step with the registration.
export async function loader({ request }: LoaderFunctionArgs) {
  const organizationId = await requireApiOrganization(request);
  const db = await getDb();
  const enterprise = await getEnterprise(db, organizationId);
  const lines = await listLines(db, organizationId);
  const status = await registrationStatus(enterprise?.enterpriseKey ?? null, lines);
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return apiJson({
    enterprise: enterprise ? { key: enterprise.enterpriseKey, sparkplugGroup: enterprise.sparkplugGroup, topicRoot: enterprise.topicRoot } : null,
    items: lines.map((l, i) => ({
      id: l.id,
      key: l.lineKey,
      name: l.name,
      calendar: l.calendar,
      sources: status.lines[i].sources.map((s) => ({ name: s.name, state: s.state })),
      machines: l.machines.map((m) => ({
        key: m.machineKey,
        name: m.name,
        idealCycleTimeS: m.idealCycleTimeS,
        roles: m.roles,
        lastDataAt: iso(status.lines[i].machines[m.machineKey] ?? null),
        signals: m.signals.map((s) => ({ key: s.signalKey, kind: s.kind, unit: s.unit, addresses: s.addresses, lastDataAt: iso(status.lines[i].signals[`${m.machineKey}/${s.signalKey}`] ?? null) })),
      })),
    })),
  });
}
