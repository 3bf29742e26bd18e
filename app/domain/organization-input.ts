// The organisation profile as submitted by a form or an admin tool, validated field by field. Errors are
// message keys per field so the page can show each one next to its input in the user's language.
import { z } from "zod";
import { isValidCreditCode } from "./credit-code";
import { clusterByCode, districtByCode, flagByCode, industryByCode, industryDivision, revenueBandByCode } from "./reference-data";
import type { MessageKey } from "../i18n/i18n";

export interface OrganizationInput {
  name: string;
  creditCode: string | null;
  industryCode: string;
  industryDivision: string;
  industryType: "discrete" | "process";
  districtCode: string;
  regionCode: string;
  clusterCode: string | null;
  aboveScale: boolean;
  employees: number;
  revenueBand: string;
  flags: string[];
}

export type FieldErrors = Record<string, MessageKey>;

const e = (key: MessageKey) => ({ error: key });

const schema = z.object({
  name: z.string(e("errors.required")).trim().min(2, e("errors.orgName")).max(100, e("errors.orgName")),
  creditCode: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .refine((s) => s === "" || isValidCreditCode(s), e("errors.creditCode"))
    .transform((s) => (s === "" ? null : s)),
  industryCode: z
    .string(e("errors.required"))
    .trim()
    .transform((s) => s.toUpperCase())
    .refine((s) => industryDivision(s) !== null, e("errors.industryCode")),
  districtCode: z.string(e("errors.required")).refine((s) => districtByCode.has(s), e("errors.district")),
  clusterCode: z
    .string()
    .refine((s) => s === "" || clusterByCode.has(s), e("errors.cluster"))
    .transform((s) => (s === "" ? null : s)),
  aboveScale: z.enum(["", "on", "1", "true", "0", "false"], e("errors.aboveScale")).transform((s) => s === "on" || s === "1" || s === "true"),
  employees: z
    .string(e("errors.required"))
    .trim()
    .regex(/^\d{1,7}$/, e("errors.employees"))
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1_000_000, e("errors.employees")),
  revenueBand: z.string(e("errors.required")).refine((s) => revenueBandByCode.has(s), e("errors.revenueBand")),
  flags: z.array(z.string()).refine((list) => list.every((f) => flagByCode.has(f)), e("errors.flags")),
});

/** Reads the profile from form fields (unchecked checkboxes are simply absent). */
export function parseOrganizationForm(form: FormData): { ok: true; value: OrganizationInput } | { ok: false; errors: FieldErrors } {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : undefined;
  };
  return parseOrganizationInput({
    name: text("name"),
    creditCode: text("creditCode") ?? "",
    industryCode: text("industryCode"),
    districtCode: text("districtCode"),
    clusterCode: text("clusterCode") ?? "",
    aboveScale: text("aboveScale") ?? "",
    employees: text("employees"),
    revenueBand: text("revenueBand"),
    flags: form.getAll("flags").filter((v): v is string => typeof v === "string"),
  });
}

export function parseOrganizationInput(raw: Record<string, unknown>): { ok: true; value: OrganizationInput } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      errors[field] ??= (issue.message.startsWith("errors.") ? issue.message : "errors.invalid") as MessageKey;
    }
    return { ok: false, errors };
  }
  const v = parsed.data;
  const division = industryDivision(v.industryCode)!;
  const district = districtByCode.get(v.districtCode)!;
  return {
    ok: true,
    value: {
      name: v.name,
      creditCode: v.creditCode,
      industryCode: v.industryCode,
      industryDivision: division,
      industryType: industryByCode.get(division)!.industryType,
      districtCode: v.districtCode,
      regionCode: district.regionCode,
      clusterCode: v.clusterCode,
      aboveScale: v.aboveScale,
      employees: v.employees,
      revenueBand: v.revenueBand,
      flags: [...new Set(v.flags)].sort(),
    },
  };
}
