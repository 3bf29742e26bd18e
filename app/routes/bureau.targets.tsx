// The region's cultivation targets: every bureau admin of the region reads them; the city bureau and
// platform admins add, change and remove them (403 for anyone else posting).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireBureauScope } from "~/bureau/scope.server";
import { parseTargetInput, type TargetErrors } from "~/bureau/target-input";
import { addTarget, listTargets, removeTarget, updateTarget } from "~/bureau/targets.server";
import { BureauTargetForm, type TargetFormValues } from "~/components/BureauTargetForm";
import { getDb } from "~/db/db.server";
import { formText } from "~/forms";
import { badRequest, forbidden } from "~/http.server";
import type { Message } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";

export const meta: MetaFunction = () => [{ title: "培育目标 · 智评 Zhiping" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = await getDb();
  const { user, scope } = await requireBureauScope(request, db);
  return {
    scopeName: scope.regionName,
    region: user.role === "platform_admin" ? scope.regionCode : null,
    canEdit: scope.canEditTargets,
    targets: await listTargets(db, scope.regionCode),
  };
}

const FIELDS = ["plan", "metric", "param", "targetValue", "baseline", "periodStart", "periodEnd"] as const;

type Result = { form: string; errors: TargetErrors; values: TargetFormValues | null; notice: Message | null };

export async function action({ request }: ActionFunctionArgs) {
  const db = await getDb();
  const { user, scope } = await requireBureauScope(request, db);
  if (!scope.canEditTargets) forbidden();
  const form = await request.formData();
  const intent = formText(form, "intent");
  const id = formText(form, "id");
  if (intent === "remove") {
    if (!(await removeTarget(db, scope.regionCode, id))) return data<Result>({ form: id, errors: { form: "bureau.targets.error.notFound" }, values: null, notice: null }, { status: 404 });
    return data<Result>({ form: "", errors: {}, values: null, notice: { key: "bureau.targets.removed" } });
  }
  if (intent !== "save" && intent !== "add") badRequest("unknown intent");
  const values = Object.fromEntries(FIELDS.map((f) => [f, formText(form, f)])) as TargetFormValues;
  const formKey = intent === "add" ? "new" : id;
  const parsed = parseTargetInput(values);
  if (!parsed.ok) return data<Result>({ form: formKey, errors: parsed.errors, values, notice: null }, { status: 400 });
  if (intent === "add") {
    await addTarget(db, scope.regionCode, parsed.value, user.id);
    return data<Result>({ form: "", errors: {}, values: null, notice: { key: "bureau.targets.added" } });
  }
  if (!(await updateTarget(db, scope.regionCode, id, parsed.value, user.id))) {
    return data<Result>({ form: formKey, errors: { form: "bureau.targets.error.notFound" }, values, notice: null }, { status: 404 });
  }
  return data<Result>({ form: "", errors: {}, values: null, notice: { key: "bureau.targets.saved" } });
}

const EMPTY: TargetFormValues = { plan: "", metric: "newWorkshopOrFactory", param: "", targetValue: "", baseline: "0", periodStart: "", periodEnd: "" };

export default function BureauTargetsPage() {
  const { scopeName, region, canEdit, targets } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, pick, num } = useI18n();
  const back = region ? `/bureau?region=${encodeURIComponent(region)}` : "/bureau";
  const errorsFor = (key: string): TargetErrors => (result?.form === key ? result.errors : {});
  const valuesFor = (key: string, stored: TargetFormValues): TargetFormValues => (result?.form === key && result.values ? result.values : stored);
  return (
    <section data-testid="bureau-targets">
      <h1>{t("bureau.targets.page", { scope: pick(scopeName) })}</h1>
      <p><Link to={back}>← {t("bureau.targets.back")}</Link></p>
      {result?.notice ? <p className="notice ok" role="status">{t(result.notice.key, result.notice.params)}</p> : null}
      {!canEdit ? (
        <>
          <p className="muted">{t("bureau.targets.readOnly")}</p>
          <table>
            <thead><tr><th>{t("bureau.targets.field.metric")}</th><th>{t("bureau.targets.field.plan")}</th><th className="num">{t("bureau.targets.field.targetValue")}</th><th className="num">{t("bureau.targets.field.baseline")}</th><th>{t("bureau.targets.field.periodStart")}</th><th>{t("bureau.targets.field.periodEnd")}</th></tr></thead>
            <tbody>
              {targets.map((x) => (
                <tr key={x.id}><td>{t(`bureau.metric.${x.metric}`, { param: x.param ?? "" })}</td><td>{x.plan}</td><td className="num">{num(x.targetValue, 2)}</td><td className="num">{num(x.baseline, 2)}</td><td>{x.periodStart}</td><td>{x.periodEnd}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <>
          {targets.map((x) => (
            <div key={x.id}>
              <h2>{t(`bureau.metric.${x.metric}`, { param: x.param ?? "" })}</h2>
              <BureauTargetForm
                formKey={x.id}
                targetId={x.id}
                intent="save"
                errors={errorsFor(x.id)}
                values={valuesFor(x.id, {
                  plan: x.plan, metric: x.metric, param: x.param === null ? "" : String(x.param), targetValue: String(x.targetValue), baseline: String(x.baseline),
                  periodStart: x.periodStart, periodEnd: x.periodEnd,
                })}
              />
              <Form method="post" className="no-print" style={{ marginTop: "-0.6rem", marginBottom: "1rem" }}>
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="id" value={x.id} />
                <button type="submit" className="danger">{t("bureau.targets.remove")}</button>
              </Form>
            </div>
          ))}
          <h2>{t("bureau.targets.add")}</h2>
          <BureauTargetForm formKey="new" targetId={null} intent="add" errors={errorsFor("new")} values={valuesFor("new", EMPTY)} />
        </>
      )}
    </section>
  );
}
