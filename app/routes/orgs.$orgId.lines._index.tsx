import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { allows, requireOrgAccess, requireUser } from "~/access/access.server";
import { orgFormAction } from "~/access/org-form.server";
import { formProblems, LastData, ProblemList, SourceStates, TextField, type ProblemView } from "~/components/LineParts";
import { getDb } from "~/db/db.server";
import { formText } from "~/forms";
import { badRequest } from "~/http.server";
import type { Message } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { getEnterprise, importLines, listLines, createLine, setEnterprise } from "~/telemetry/lines.server";
import { checkEnterprise, checkLine, lineKpiConfigFor } from "~/telemetry/registration.server";
import { MAX_REGISTRY_BYTES, parseRegistryImport } from "~/telemetry/registry-yaml.server";
import { registrationStatus } from "~/telemetry/status.server";

export const meta: MetaFunction = () => [{ title: "产线与网关 · 智评 Zhiping" }];

// The organisation's registered lines with each machine's last data time and the connection state of the
// ingest sources feeding them; its telemetry id; registering a line; importing an ingest configuration.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org, relation } = await requireOrgAccess(user, params.orgId, "read");
  const db = await getDb();
  const enterprise = await getEnterprise(db, org.id);
  const lines = await listLines(db, org.id);
  const status = await registrationStatus(enterprise?.enterpriseKey ?? null, lines);
  return {
    orgId: org.id,
    canWrite: allows(relation, "write"),
    enterprise,
    status: { readerProblem: status.readerProblem, ingest: status.ingest },
    lines: lines.map((l, i) => {
      const kpi = enterprise ? lineKpiConfigFor(enterprise.enterpriseKey, l) : null;
      return {
        id: l.id,
        key: l.lineKey,
        name: l.name,
        machines: l.machines.map((m) => ({ key: m.machineKey, name: m.name, lastSeen: status.lines[i].machines[m.machineKey] ?? null })),
        inKpis: kpi?.config?.machines.length ?? 0,
        sources: status.lines[i].sources,
      };
    }),
  };
}

type ActionResult = { form: string; problems: ProblemView[]; done: Message | null; notes: Message[] };

const result = (form: string, problems: ProblemView[], status = 400) => data<ActionResult>({ form, problems, done: null, notes: [] }, { status });

export async function action(args: ActionFunctionArgs) {
  const { user, org, db, form, intent } = await orgFormAction(args, "write");
  if (intent === "enterprise") {
    const checked = checkEnterprise({ enterpriseKey: formText(form, "enterpriseKey"), sparkplugGroup: formText(form, "sparkplugGroup"), topicRoot: formText(form, "topicRoot") });
    if (!checked.ok) return result("enterprise", checked.problems);
    const saved = await setEnterprise(db, org.id, checked.value, user.id);
    if (!saved.ok) return result("enterprise", [{ field: saved.taken, key: "tm.enterprise.taken", params: { field: checked.value[saved.taken] } }], 409);
    return data<ActionResult>({ form: "enterprise", problems: [], done: { key: "tm.enterprise.saved" }, notes: [] });
  }
  if (intent === "createLine") {
    const checked = checkLine({
      lineKey: formText(form, "lineKey"), name: formText(form, "name"), shifts: formText(form, "shifts"), timeZone: formText(form, "timeZone"),
      dayStart: formText(form, "dayStart"), realtimeBucketS: formText(form, "realtimeBucketS"), sources: formText(form, "sources"),
    });
    if (!checked.ok) return result("createLine", checked.problems);
    const created = await createLine(db, org.id, checked.value, user.id);
    if (!created.ok) return result("createLine", [{ field: "lineKey", key: "tm.line.taken" }], 409);
    throw redirect(`/orgs/${org.id}/lines/${created.id}`);
  }
  if (intent === "import") {
    let text = formText(form, "yaml");
    const file = form.get("file");
    if (file instanceof File && file.size > 0) {
      if (file.size > MAX_REGISTRY_BYTES) return result("import", [{ path: "", message: { key: "tm.import.tooLarge", params: { kib: MAX_REGISTRY_BYTES / 1024 } } }]);
      const bytes = new Uint8Array(await file.arrayBuffer());
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        return result("import", [{ path: "", message: { key: "tm.import.wrongFile" } }]);
      }
    }
    const enterprise = await getEnterprise(db, org.id);
    const parsed = parseRegistryImport(text, enterprise?.enterpriseKey ?? null);
    if (!parsed.ok) return result("import", parsed.problems);
    if (!enterprise) {
      // The file names this organisation's telemetry id: take it (with the default group and topic root).
      const checked = checkEnterprise({ enterpriseKey: parsed.enterpriseKey });
      if (!checked.ok) return result("import", checked.problems);
      const saved = await setEnterprise(db, org.id, checked.value, user.id);
      if (!saved.ok) return result("import", [{ field: saved.taken, key: "tm.enterprise.taken", params: { field: checked.value[saved.taken] } }], 409);
    }
    const summary = await importLines(db, org.id, parsed.lines, { calendar: { timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [] }, realtimeBucketS: 60, sources: [] }, user.id);
    return data<ActionResult>({
      form: "import",
      problems: [],
      done: { key: "tm.import.done", params: { created: summary.linesCreated, updated: summary.linesUpdated, machines: summary.machines, signals: summary.signals } },
      notes: parsed.ignoredConventions ? [{ key: "tm.import.conventions", params: { n: parsed.ignoredConventions } }] : [],
    });
  }
  badRequest("unknown intent");
}

export default function Lines() {
  const d = useLoaderData<typeof loader>();
  const r = useActionData<typeof action>();
  const { t } = useI18n();
  const enterpriseForm = formProblems(r, "enterprise");
  const lineForm = formProblems(r, "createLine");
  const importForm = formProblems(r, "import");
  const done = (form: string) => (r && r.form === form && r.done ? <p className="notice ok" role="status">{t(r.done.key, r.done.params)}{r.notes.map((n, i) => <span key={i}> {t(n.key, n.params)}</span>)}</p> : null);
  return (
    <>
      <section className="card">
        <h2>{t("tm.title")}</h2>
        <p className="muted">{t("tm.intro")}</p>
        {d.status.readerProblem ? <p className="notice">{t("dash.problem.notConfigured", { detail: d.status.readerProblem })}</p> : null}
        {!d.status.ingest.configured ? <p className="muted small">{t("tm.status.notConfigured")}</p> : d.status.ingest.problem ? <p className="notice bad">{t("tm.status.unreachable", { detail: d.status.ingest.problem })}</p> : null}
        <p className="row">
          {d.canWrite ? <Link to={`/orgs/${d.orgId}/lines/gateways`}>{t("tm.lines.gateways")}</Link> : null}
          {d.lines.length > 0 ? <a href={`/orgs/${d.orgId}/lines/registry.yaml`} download>{t("tm.lines.export")}</a> : null}
        </p>
      </section>

      <section className="card">
        <h2>{t("tm.lines.title")}</h2>
        {d.lines.length === 0 ? <p className="muted">{t("tm.lines.none")}</p> : (
          <table data-testid="lines">
            <thead>
              <tr><th>{t("tm.line.name")}</th><th>{t("tm.lines.machines")} · {t("tm.lines.lastData")}</th><th>{t("tm.lines.sources")}</th><th>{t("common.actions")}</th></tr>
            </thead>
            <tbody>
              {d.lines.map((l) => (
                <tr key={l.id}>
                  <td><strong>{l.name}</strong> <code className="small">{l.key}</code><div className="muted small">{t("tm.lines.kpiReady")}: {l.inKpis}/{l.machines.length}</div></td>
                  <td className="small">
                    {l.machines.map((m) => (
                      <div key={m.key} data-testid={`last-data-${l.key}-${m.key}`}>{m.name} <code>{m.key}</code> · <LastData at={m.lastSeen} /></div>
                    ))}
                  </td>
                  <td><SourceStates sources={l.sources} /></td>
                  <td>
                    <Link to={`/orgs/${d.orgId}/lines/${l.id}/dashboard`} data-testid={`dashboard-${l.key}`}>{t("tm.lines.dashboard")}</Link>
                    {" · "}
                    <Link to={`/orgs/${d.orgId}/lines/${l.id}`}>{t("tm.lines.details")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <h2>{t("tm.enterprise.title")}</h2>
        <p className="muted small">{t("tm.enterprise.hint")}</p>
        {d.canWrite ? (
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="enterprise" />
            <TextField id="enterpriseKey" name="enterpriseKey" label={t("tm.enterprise.key")} defaultValue={d.enterprise?.enterpriseKey} invalid={enterpriseForm.invalid("enterpriseKey")} required maxLength={64} />
            <TextField id="sparkplugGroup" name="sparkplugGroup" label={t("tm.enterprise.group")} defaultValue={d.enterprise?.sparkplugGroup} invalid={enterpriseForm.invalid("sparkplugGroup")} maxLength={64} />
            <TextField id="topicRoot" name="topicRoot" label={t("tm.enterprise.root")} defaultValue={d.enterprise?.topicRoot} invalid={enterpriseForm.invalid("topicRoot")} maxLength={200} />
            <ProblemList problems={enterpriseForm.problems} />
            {done("enterprise")}
            <p><button type="submit">{t("tm.save")}</button></p>
          </Form>
        ) : d.enterprise ? (
          <p><code>{d.enterprise.enterpriseKey}</code> · <code>spBv1.0/{d.enterprise.sparkplugGroup}/#</code> · <code>{d.enterprise.topicRoot}/#</code></p>
        ) : <p className="muted">{t("tm.enterprise.none")}</p>}
      </section>

      {d.canWrite ? (
        <>
          <section className="card">
            <h2>{t("tm.lines.new")}</h2>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="createLine" />
              <TextField id="lineKey" name="lineKey" label={t("tm.line.key")} hint={t("tm.line.keyHint")} invalid={lineForm.invalid("lineKey")} required maxLength={64} />
              <TextField id="lineName" name="name" label={t("tm.line.name")} invalid={lineForm.invalid("name")} required maxLength={100} />
              <TextField id="shifts" name="shifts" label={t("tm.line.shifts")} hint={t("tm.line.shiftsHint")} defaultValue="day 08:00-20:00, night 20:00-08:00" invalid={lineForm.invalid("shifts")} />
              <div className="row">
                <TextField id="timeZone" name="timeZone" label={t("tm.line.timeZone")} defaultValue="Asia/Shanghai" invalid={lineForm.invalid("timeZone")} />
                <TextField id="dayStart" name="dayStart" label={t("tm.line.dayStart")} defaultValue="00:00" invalid={lineForm.invalid("dayStart")} />
                <TextField id="realtimeBucketS" name="realtimeBucketS" label={t("tm.line.bucket")} defaultValue="60" invalid={lineForm.invalid("realtimeBucketS")} />
              </div>
              <TextField id="sources" name="sources" label={t("tm.line.sources")} hint={t("tm.line.sourcesHint")} invalid={lineForm.invalid("sources")} />
              <ProblemList problems={lineForm.problems} />
              <p><button type="submit" data-testid="create-line">{t("tm.add")}</button></p>
            </Form>
          </section>

          <section className="card">
            <h2>{t("tm.import.title")}</h2>
            <p className="muted small">{t("tm.import.hint")}</p>
            <Form method="post" encType="multipart/form-data" className="stack">
              <input type="hidden" name="intent" value="import" />
              <TextField id="yaml" name="yaml" label={t("tm.import.text")} textarea />
              <div className="field">
                <label htmlFor="file">{t("tm.import.file")}</label>
                <input id="file" name="file" type="file" accept=".yaml,.yml,text/yaml,text/plain" />
              </div>
              {importForm.problems.length ? <p className="error">{t("tm.import.failed")}</p> : null}
              <ProblemList problems={importForm.problems} testId="import-problems" />
              {done("import")}
              <p><button type="submit">{t("tm.import.submit")}</button></p>
            </Form>
          </section>
        </>
      ) : null}
    </>
  );
}
