import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { allows, requireOrgAccess, requireUser } from "~/access/access.server";
import { OrganizationFields } from "~/components/OrganizationFields";
import { getDb } from "~/db/db.server";
import { parseOrganizationForm, type FieldErrors } from "~/domain/organization-input";
import { clusterByCode, districtByCode, flagByCode, industryByCode, revenueBandByCode } from "~/domain/reference-data";
import { formText, formTexts } from "~/forms";
import { notFound } from "~/http.server";
import { useI18n } from "~/i18n/use-i18n";
import { getOrganization, organizationToInput, updateOrganization } from "~/repos/organizations.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { relation } = await requireOrgAccess(user, params.orgId, "read");
  const org = await getOrganization(await getDb(), params.orgId!);
  if (!org) notFound();
  return { org, values: organizationToInput(org), canEdit: allows(relation, "write") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "write");
  const form = await request.formData();
  const parsed = parseOrganizationForm(form);
  if (!parsed.ok) {
    const values: Record<string, string | string[]> = { flags: formTexts(form, "flags") };
    for (const k of ["name", "creditCode", "industryCode", "districtCode", "clusterCode", "aboveScale", "employees", "revenueBand"]) values[k] = formText(form, k);
    return data({ ok: false as const, errors: parsed.errors, values }, { status: 400 });
  }
  const db = await getDb();
  try {
    await updateOrganization(db, org.id, parsed.value, user.id);
  } catch (error) {
    if (/credit_code/i.test(String(error))) {
      return data({ ok: false as const, errors: { creditCode: "errors.creditCode" } as FieldErrors, values: organizationToInput({ ...org, flags: parsed.value.flags }) }, { status: 400 });
    }
    throw error;
  }
  return { ok: true as const, errors: {} as FieldErrors, values: null };
}

export default function Profile() {
  const { org, values, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, pick } = useI18n();
  if (!canEdit) {
    return (
      <dl className="card">
        <dt>{t("org.creditCode")}</dt><dd>{org.creditCode ?? "—"}</dd>
        <dt>{t("org.industry")}</dt><dd>{org.industryCode} {pick(industryByCode.get(org.industryDivision)?.name)} · {t(`org.industryType.${org.industryType === "process" ? "process" : "discrete"}`)}</dd>
        <dt>{t("org.district")}</dt><dd>{pick(districtByCode.get(org.districtCode)?.name)}</dd>
        <dt>{t("org.cluster")}</dt><dd>{org.clusterCode ? pick(clusterByCode.get(org.clusterCode)?.name) : "—"}</dd>
        <dt>{t("org.aboveScale")}</dt><dd>{org.aboveScale ? t("common.yes") : t("common.no")}</dd>
        <dt>{t("org.employees")}</dt><dd>{org.employees}</dd>
        <dt>{t("org.revenueBand")}</dt><dd>{pick(revenueBandByCode.get(org.revenueBand)?.name)}</dd>
        <dt>{t("org.flags")}</dt><dd>{org.flags.map((f) => pick(flagByCode.get(f)?.name)).join("、") || "—"}</dd>
      </dl>
    );
  }
  return (
    <section className="card">
      {result?.ok ? <p className="notice ok" role="status">{t("org.saved")}</p> : null}
      <Form method="post" className="stack" noValidate>
        <OrganizationFields values={result?.values ?? values} errors={result?.errors ?? {}} />
        <div><button type="submit">{t("common.save")}</button></div>
      </Form>
    </section>
  );
}
