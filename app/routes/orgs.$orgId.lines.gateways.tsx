import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireOrgAccess, requireUser } from "~/access/access.server";
import { orgFormAction } from "~/access/org-form.server";
import { RevokeForm } from "~/components/RevokeForm";
import { ProblemList, TextField, type ProblemView } from "~/components/LineParts";
import { getDb } from "~/db/db.server";
import { formText } from "~/forms";
import { badRequest, notFound } from "~/http.server";
import type { MessageKey } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { createGateway, listGateways, revokeGateway, type GatewayKind } from "~/telemetry/gateways.server";
import { getEnterprise } from "~/telemetry/lines.server";
import { gatewayTopics } from "~/telemetry/mosquitto.server";

export const meta: MetaFunction = () => [{ title: "网关接入凭据 · 智评 Zhiping" }];

// Gateway credentials of the organisation: MQTT user + password (shown once) limited to its own topics, or
// an API token for HTTP gateways; revocation. Members only, like API tokens.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "write");
  const db = await getDb();
  const enterprise = await getEnterprise(db, org.id);
  return {
    orgId: org.id,
    enterprise,
    topics: enterprise ? gatewayTopics(enterprise) : [],
    gateways: await listGateways(db, org.id),
  };
}

type Created = { kind: "mqtt"; username: string; password: string } | { kind: "http"; token: string };
type ActionResult = { problems: ProblemView[]; created: Created | null };

export async function action(args: ActionFunctionArgs) {
  const { user, org, db, form, intent } = await orgFormAction(args, "write");
  if (intent === "create") {
    const kind = formText(form, "kind");
    if (kind !== "mqtt" && kind !== "http") return data<ActionResult>({ problems: [{ field: "kind", key: "tm.err.kind" }], created: null }, { status: 400 });
    const outcome = await createGateway(db, org.id, formText(form, "name").trim(), kind as GatewayKind, user.id);
    if (!outcome.ok) {
      const key: MessageKey = outcome.reason === "noEnterprise" ? "tm.err.noEnterprise" : outcome.reason === "taken" ? "tm.gw.taken" : "tm.gw.badName";
      return data<ActionResult>({ problems: [{ field: "name", key }], created: null }, { status: outcome.reason === "taken" ? 409 : 400 });
    }
    const created: Created = outcome.kind === "mqtt" ? { kind: "mqtt", username: outcome.username, password: outcome.password } : { kind: "http", token: outcome.token };
    // The secret is in this response only: never cached, never stored in plain text.
    return data<ActionResult>({ problems: [], created }, { headers: { "Cache-Control": "no-store" } });
  }
  if (intent === "revoke") {
    if (!(await revokeGateway(db, org.id, formText(form, "gatewayId"), user.id))) notFound();
    return data<ActionResult>({ problems: [], created: null });
  }
  badRequest("unknown intent");
}

export default function Gateways() {
  const d = useLoaderData<typeof loader>();
  const r = useActionData<typeof action>();
  const { t, date } = useI18n();
  const invalid = (field: string) => (r?.problems ?? []).some((p) => p.field === field);
  return (
    <>
      <p className="no-print"><Link to={`/orgs/${d.orgId}/lines`}>← {t("dash.back")}</Link></p>
      <section className="card">
        <h2>{t("tm.gw.title")}</h2>
        <p className="muted">{t("tm.gw.intro")}</p>
        {d.enterprise ? (
          <>
            <h3>{t("tm.gw.topics")}</h3>
            <ul data-testid="gateway-topics">
              {d.topics.map((g) => <li key={g.topic}><code>{g.topic}</code> · {t(`tm.gw.access.${g.access}` as MessageKey)}</li>)}
            </ul>
          </>
        ) : <p className="notice">{t("tm.err.noEnterprise")} <Link to={`/orgs/${d.orgId}/lines`}>{t("tm.enterprise.title")}</Link></p>}
        <p className="muted small">{t("tm.gw.broker")}</p>
      </section>

      <section className="card">
        {r?.created ? (
          <div className="notice ok" role="status" data-testid="gateway-secret">
            <p>{t("tm.gw.created")}</p>
            {r.created.kind === "mqtt" ? (
              <p>{t("tm.gw.username")}: <code data-testid="gateway-username">{r.created.username}</code><br />{t("tm.gw.password")}: <code data-testid="gateway-password">{r.created.password}</code></p>
            ) : (
              <p>{t("tm.gw.token")}: <code data-testid="gateway-token">{r.created.token}</code></p>
            )}
          </div>
        ) : null}
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="create" />
          <TextField id="gateway-name" name="name" label={t("tm.gw.name")} hint={t("tm.gw.nameHint")} invalid={invalid("name")} required maxLength={32} />
          <div className="field">
            <label htmlFor="gateway-kind">{t("tm.gw.kind")}</label>
            <select id="gateway-kind" name="kind" defaultValue="mqtt">
              <option value="mqtt">{t("tm.gw.kind.mqtt")}</option>
              <option value="http">{t("tm.gw.kind.http")}</option>
            </select>
          </div>
          <button type="submit">{t("tm.gw.create")}</button>
        </Form>
        <ProblemList problems={r?.problems ?? []} />
        {d.gateways.length === 0 ? <p className="muted">{t("tm.gw.none")}</p> : (
          <table data-testid="gateways">
            <thead><tr><th>{t("tm.gw.name")}</th><th>{t("tm.gw.kind")}</th><th>{t("tm.gw.username")} / {t("tm.gw.token")}</th><th>{t("common.date")}</th><th>{t("common.actions")}</th></tr></thead>
            <tbody>
              {d.gateways.map((g) => (
                <tr key={g.id}>
                  <td>{g.name}</td>
                  <td>{t(`tm.gw.kind.${g.kind}` as MessageKey)}</td>
                  <td><code>{g.kind === "mqtt" ? g.username : `${g.tokenPrefix ?? ""}…`}</code></td>
                  <td>{date(g.createdAt)}</td>
                  <td>
                    {g.revokedAt ? <span className="tag">{t("tm.gw.revoked")} {date(g.revokedAt)}</span> : (
                      <RevokeForm idName="gatewayId" id={g.id} label={t("tm.gw.revoke")} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
