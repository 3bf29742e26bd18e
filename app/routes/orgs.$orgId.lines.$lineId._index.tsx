import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { allows, requireOrgAccess, requireUser } from "~/access/access.server";
import { orgFormAction } from "~/access/org-form.server";
import { formProblems, LastData, ProblemList, SourceStates, TextField, type ProblemView } from "~/components/LineParts";
import { getDb } from "~/db/db.server";
import { formText } from "~/forms";
import { badRequest, notFound } from "~/http.server";
import type { Message, MessageKey } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { getEnterprise, getLine, removeLine, removeMachine, removeSignal, saveMachine, saveSignal, updateLine } from "~/telemetry/lines.server";
import {
  addressesText,
  checkLine,
  checkMachine,
  checkSignal,
  lineKpiConfigFor,
  missingForKpis,
  shiftsText,
  SIGNAL_KINDS,
  SIGNAL_ROLES,
  STATE_MAPPING_PRESETS,
  type SignalRole,
} from "~/telemetry/registration.server";
import { registrationStatus } from "~/telemetry/status.server";

export const meta: MetaFunction = () => [{ title: "产线登记 · 智评 Zhiping" }];

// One registered line: its settings, machines (ideal cycle time, state mapping, signal roles, KPI readiness)
// and signals (kind, unit, addresses), each with its last data time; and the forms that change them.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org, relation } = await requireOrgAccess(user, params.orgId, "read");
  const db = await getDb();
  const line = await getLine(db, org.id, params.lineId ?? "");
  if (!line) notFound();
  const enterprise = await getEnterprise(db, org.id);
  const status = (await registrationStatus(enterprise?.enterpriseKey ?? null, [line])).lines[0];
  const kpi = enterprise ? lineKpiConfigFor(enterprise.enterpriseKey, line) : null;
  return {
    orgId: org.id,
    canWrite: allows(relation, "write"),
    line: {
      id: line.id,
      key: line.lineKey,
      name: line.name,
      shifts: shiftsText(line.calendar),
      timeZone: line.calendar.timeZone ?? "Asia/Shanghai",
      dayStart: line.calendar.dayStart ?? "00:00",
      realtimeBucketS: line.realtimeBucketS,
      sources: line.sources.join(", "),
    },
    kpiError: kpi?.error ?? null,
    sources: status.sources,
    machines: line.machines.map((m) => ({
      id: m.id,
      key: m.machineKey,
      name: m.name,
      idealCycleTimeS: m.idealCycleTimeS,
      stateMapping: "preset" in m.stateMapping ? m.stateMapping.preset : "custom",
      customMapping: "custom" in m.stateMapping ? JSON.stringify(m.stateMapping.custom) : "",
      roles: m.roles,
      missing: missingForKpis(m),
      lastSeen: status.machines[m.machineKey] ?? null,
      signals: m.signals.map((s) => ({ id: s.id, key: s.signalKey, kind: s.kind, unit: s.unit, addresses: addressesText(s.addresses), lastSeen: status.signals[`${m.machineKey}/${s.signalKey}`] ?? null })),
    })),
  };
}

type ActionResult = { form: string; problems: ProblemView[]; done: Message | null };
const fail = (form: string, problems: ProblemView[], status = 400) => data<ActionResult>({ form, problems, done: null }, { status });
const ok = (form: string, key: MessageKey) => data<ActionResult>({ form, problems: [], done: { key } });

export async function action(args: ActionFunctionArgs) {
  const { user, org, db, form, intent } = await orgFormAction(args, "write");
  const line = await getLine(db, org.id, args.params.lineId ?? "");
  if (!line) notFound();
  const machineId = formText(form, "machineId");
  const machine = machineId ? line.machines.find((m) => m.id === machineId) : undefined;
  if (machineId && !machine) notFound();
  switch (intent) {
    case "updateLine": {
      const checked = checkLine({
        lineKey: line.lineKey, name: formText(form, "name"), shifts: formText(form, "shifts"), timeZone: formText(form, "timeZone"),
        dayStart: formText(form, "dayStart"), realtimeBucketS: formText(form, "realtimeBucketS"), sources: formText(form, "sources"),
      });
      if (!checked.ok) return fail("line", checked.problems);
      await updateLine(db, org.id, line.id, checked.value, user.id);
      return ok("line", "tm.line.saved");
    }
    case "removeLine":
      await removeLine(db, org.id, line.id, user.id);
      throw redirect(`/orgs/${org.id}/lines`);
    case "saveMachine": {
      const roles: Partial<Record<SignalRole, string>> = {};
      for (const role of SIGNAL_ROLES) roles[role] = formText(form, `role.${role}`);
      const checked = checkMachine(
        { machineKey: formText(form, "machineKey"), name: formText(form, "name"), idealCycleTimeS: formText(form, "idealCycleTimeS"), stateMapping: formText(form, "stateMapping"), customMapping: formText(form, "customMapping"), roles },
        machine?.signals ?? [],
      );
      const where = `machine:${machineId || "new"}`;
      if (!checked.ok) return fail(where, checked.problems);
      const saved = await saveMachine(db, org.id, line.id, machine?.id ?? null, checked.value, user.id);
      if (!saved.ok) return saved.reason === "taken" ? fail(where, [{ field: "machineKey", key: "tm.machine.taken" }], 409) : notFound();
      return ok(where, "tm.machine.saved");
    }
    case "removeMachine":
      if (!machine || !(await removeMachine(db, org.id, line.id, machine.id, user.id))) notFound();
      return ok("machines", "tm.machine.saved");
    case "saveSignal": {
      if (!machine) notFound();
      const signalId = formText(form, "signalId");
      const existing = signalId ? machine.signals.find((s) => s.id === signalId) : undefined;
      if (signalId && !existing) notFound();
      const checked = checkSignal({ signalKey: existing ? existing.signalKey : formText(form, "signalKey"), kind: formText(form, "kind"), unit: formText(form, "unit"), addresses: formText(form, "addresses") });
      const where = `signal:${machine.id}:${signalId || "new"}`;
      if (!checked.ok) return fail(where, checked.problems);
      const saved = await saveSignal(db, org.id, line.id, machine.id, existing?.id ?? null, checked.value, user.id);
      if (!saved.ok) return saved.reason === "taken" ? fail(where, [{ field: "signalKey", key: "tm.signal.taken" }], 409) : notFound();
      return ok(where, "tm.signal.saved");
    }
    case "removeSignal": {
      if (!machine || !(await removeSignal(db, org.id, line.id, machine.id, formText(form, "signalId"), user.id))) notFound();
      return ok(`signal:${machine.id}:new`, "tm.signal.saved");
    }
  }
  badRequest("unknown intent");
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type MachineView = Data["machines"][number];

function MachineForm({ machine, canWrite, result }: { machine: MachineView | null; canWrite: boolean; result: ActionResult | undefined }) {
  const { t } = useI18n();
  const where = `machine:${machine?.id ?? "new"}`;
  const { problems, invalid } = formProblems(result, where);
  const id = (name: string) => `${where}-${name}`;
  return (
    <Form method="post" className="stack">
      <input type="hidden" name="intent" value="saveMachine" />
      {machine ? <input type="hidden" name="machineId" value={machine.id} /> : null}
      <div className="row">
        <TextField id={id("key")} name="machineKey" label={t("tm.machine.key")} defaultValue={machine?.key} invalid={invalid("machineKey")} required maxLength={64} readOnly={!canWrite} />
        <TextField id={id("name")} name="name" label={t("tm.machine.name")} defaultValue={machine?.name} invalid={invalid("name")} maxLength={100} readOnly={!canWrite} />
        <TextField id={id("cycle")} name="idealCycleTimeS" label={t("tm.machine.cycle")} defaultValue={machine?.idealCycleTimeS ?? ""} invalid={invalid("idealCycleTimeS")} readOnly={!canWrite} />
      </div>
      <div className="field">
        <label htmlFor={id("mapping")}>{t("tm.machine.mapping")}</label>
        <select id={id("mapping")} name="stateMapping" defaultValue={machine?.stateMapping ?? "opc40001"} aria-invalid={invalid("stateMapping") || undefined} disabled={!canWrite}>
          {[...STATE_MAPPING_PRESETS, "custom" as const].map((p) => <option key={p} value={p}>{t(`tm.machine.mapping.${p}` as MessageKey)}</option>)}
        </select>
      </div>
      <TextField id={id("custom")} name="customMapping" label={t("tm.machine.mapping.custom")} hint={t("tm.machine.customHint")} defaultValue={machine?.customMapping} invalid={invalid("customMapping")} textarea readOnly={!canWrite} />
      {machine ? (
        <fieldset>
          <legend>{t("tm.machine.roles")}</legend>
          <div className="row">
            {SIGNAL_ROLES.map((role) => (
              <div className="field" key={role}>
                <label htmlFor={id(role)}>{t(`tm.role.${role}` as MessageKey)}</label>
                <select id={id(role)} name={`role.${role}`} defaultValue={machine.roles[role] ?? ""} aria-invalid={invalid(`role.${role}`) || undefined} disabled={!canWrite}>
                  <option value="">{t("tm.role.none")}</option>
                  {machine.signals.map((s) => <option key={s.id} value={s.key}>{s.key} ({t(`tm.kind.${s.kind}` as MessageKey)})</option>)}
                </select>
              </div>
            ))}
          </div>
        </fieldset>
      ) : null}
      <ProblemList problems={problems} />
      {result?.form === where && result.done ? <p className="notice ok" role="status">{t(result.done.key)}</p> : null}
      {canWrite ? <p><button type="submit">{machine ? t("tm.save") : t("tm.add")}</button></p> : null}
    </Form>
  );
}

function SignalForm({ machineId, signal, result }: { machineId: string; signal: MachineView["signals"][number] | null; result: ActionResult | undefined }) {
  const { t } = useI18n();
  const where = `signal:${machineId}:${signal?.id ?? "new"}`;
  const { problems, invalid } = formProblems(result, where);
  const id = (name: string) => `${where}-${name}`;
  return (
    <Form method="post" className="stack">
      <input type="hidden" name="intent" value="saveSignal" />
      <input type="hidden" name="machineId" value={machineId} />
      {signal ? <input type="hidden" name="signalId" value={signal.id} /> : null}
      <div className="row">
        <TextField id={id("key")} name="signalKey" label={t("tm.signal.key")} defaultValue={signal?.key} invalid={invalid("signalKey")} required maxLength={128} readOnly={signal !== null} />
        <div className="field">
          <label htmlFor={id("kind")}>{t("tm.signal.kind")}</label>
          <select id={id("kind")} name="kind" defaultValue={signal?.kind ?? "gauge"} aria-invalid={invalid("kind") || undefined}>
            {SIGNAL_KINDS.map((k) => <option key={k} value={k}>{t(`tm.kind.${k}` as MessageKey)}</option>)}
          </select>
        </div>
        <TextField id={id("unit")} name="unit" label={t("tm.signal.unit")} defaultValue={signal?.unit} invalid={invalid("unit")} maxLength={32} />
      </div>
      <TextField id={id("addresses")} name="addresses" label={t("tm.signal.addresses")} hint={t("tm.signal.addressesHint")} defaultValue={signal?.addresses} invalid={invalid("addresses")} textarea />
      <ProblemList problems={problems} />
      {result?.form === where && result.done ? <p className="notice ok" role="status">{t(result.done.key)}</p> : null}
      <p><button type="submit">{signal ? t("tm.save") : t("tm.add")}</button></p>
    </Form>
  );
}

export default function LineRegistration() {
  const d = useLoaderData<typeof loader>();
  const r = useActionData<typeof action>();
  const { t, num } = useI18n();
  const { problems: lineProblems, invalid } = formProblems(r, "line");
  const left = d.machines.filter((m) => m.missing.length > 0);
  return (
    <>
      <p className="row no-print">
        <Link to={`/orgs/${d.orgId}/lines`}>← {t("dash.back")}</Link>
        <Link to={`/orgs/${d.orgId}/lines/${d.line.id}/dashboard`}>{t("tm.lines.dashboard")}</Link>
      </p>
      <section className="card">
        <h2>{d.line.name} <code className="small">{d.line.key}</code></h2>
        <p>{t("tm.lines.sources")}: <SourceStates sources={d.sources} /></p>
        {left.length ? (
          <p className="notice">{t("tm.line.kpiLeft", { list: left.map((m) => `${m.key} (${m.missing.map((x) => t(`tm.missing.${x}` as MessageKey)).join(", ")})`).join("; ") })}</p>
        ) : null}
        {d.kpiError ? <p className="notice bad">{t("tm.line.kpiError", { detail: d.kpiError })}</p> : null}
      </section>

      <section className="card">
        <h2>{t("tm.line.settings")}</h2>
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="updateLine" />
          <TextField id="name" name="name" label={t("tm.line.name")} defaultValue={d.line.name} invalid={invalid("name")} required maxLength={100} readOnly={!d.canWrite} />
          <TextField id="shifts" name="shifts" label={t("tm.line.shifts")} hint={t("tm.line.shiftsHint")} defaultValue={d.line.shifts} invalid={invalid("shifts")} readOnly={!d.canWrite} />
          <div className="row">
            <TextField id="timeZone" name="timeZone" label={t("tm.line.timeZone")} defaultValue={d.line.timeZone} invalid={invalid("timeZone")} readOnly={!d.canWrite} />
            <TextField id="dayStart" name="dayStart" label={t("tm.line.dayStart")} defaultValue={d.line.dayStart} invalid={invalid("dayStart")} readOnly={!d.canWrite} />
            <TextField id="realtimeBucketS" name="realtimeBucketS" label={t("tm.line.bucket")} defaultValue={d.line.realtimeBucketS} invalid={invalid("realtimeBucketS")} readOnly={!d.canWrite} />
          </div>
          <TextField id="sources" name="sources" label={t("tm.line.sources")} hint={t("tm.line.sourcesHint")} defaultValue={d.line.sources} invalid={invalid("sources")} readOnly={!d.canWrite} />
          <ProblemList problems={lineProblems} />
          {r?.form === "line" && r.done ? <p className="notice ok" role="status">{t(r.done.key)}</p> : null}
          {d.canWrite ? <p><button type="submit">{t("tm.save")}</button></p> : null}
        </Form>
      </section>

      <section>
        <h2>{t("tm.machine.title")}</h2>
        {d.machines.map((m) => (
          <section className="card" key={m.id} data-testid={`machine-${m.key}`}>
            <h3>
              {m.name} <code className="small">{m.key}</code>{" "}
              {m.missing.length === 0 ? <span className="tag ok">{t("tm.machine.ready")}</span> : <span className="tag warn">{t("tm.machine.missing", { list: m.missing.map((x) => t(`tm.missing.${x}` as MessageKey)).join(", ") })}</span>}{" "}
              <span className="muted small">{t("tm.lines.lastData")}: <LastData at={m.lastSeen} /></span>
            </h3>
            {m.signals.length === 0 ? <p className="muted">{t("tm.signal.none")}</p> : (
              <table className="small">
                <thead><tr><th>{t("tm.signal.key")}</th><th>{t("tm.signal.kind")}</th><th>{t("tm.signal.unit")}</th><th>{t("tm.signal.addresses")}</th><th>{t("tm.lines.lastData")}</th>{d.canWrite ? <th>{t("common.actions")}</th> : null}</tr></thead>
                <tbody>
                  {m.signals.map((s) => (
                    <tr key={s.id}>
                      <td><code>{s.key}</code>{(Object.entries(m.roles) as Array<[SignalRole, string | null]>).filter(([, v]) => v === s.key).map(([role]) => <span key={role} className="tag"> {t(`tm.role.${role}` as MessageKey)}</span>)}</td>
                      <td>{t(`tm.kind.${s.kind}` as MessageKey)}</td>
                      <td>{s.unit ?? ""}</td>
                      <td><pre className="small" style={{ margin: 0, whiteSpace: "pre-wrap" }}>{s.addresses}</pre></td>
                      <td><LastData at={s.lastSeen} /></td>
                      {d.canWrite ? (
                        <td>
                          <details>
                            <summary>{t("tm.edit")}</summary>
                            <SignalForm machineId={m.id} signal={s} result={r} />
                          </details>
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="intent" value="removeSignal" />
                            <input type="hidden" name="machineId" value={m.id} />
                            <input type="hidden" name="signalId" value={s.id} />
                            <button type="submit" className="danger">{t("tm.remove")}</button>
                          </Form>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {m.idealCycleTimeS !== null ? <p className="muted small">{t("tm.machine.cycle")}: {num(m.idealCycleTimeS, 2)}</p> : null}
            <details open={r?.form === `machine:${m.id}` || undefined}>
              <summary>{t("tm.edit")}</summary>
              <MachineForm machine={m} canWrite={d.canWrite} result={r} />
            </details>
            {d.canWrite ? (
              <>
                <details open={r?.form === `signal:${m.id}:new` || undefined}>
                  <summary>{t("tm.signal.new")}</summary>
                  <SignalForm machineId={m.id} signal={null} result={r} />
                </details>
                <Form method="post">
                  <input type="hidden" name="intent" value="removeMachine" />
                  <input type="hidden" name="machineId" value={m.id} />
                  <p><button type="submit" className="danger">{t("tm.remove")} {m.key}</button> <span className="muted small">{t("tm.removeConfirm")}</span></p>
                </Form>
              </>
            ) : null}
          </section>
        ))}
        {d.canWrite ? (
          <section className="card">
            <h3>{t("tm.machine.new")}</h3>
            <MachineForm machine={null} canWrite result={r} />
          </section>
        ) : null}
      </section>

      {d.canWrite ? (
        <section className="card">
          <Form method="post">
            <input type="hidden" name="intent" value="removeLine" />
            <p><button type="submit" className="danger">{t("tm.line.remove")}</button> <span className="muted small">{t("tm.removeConfirm")}</span></p>
          </Form>
        </section>
      ) : null}
    </>
  );
}
