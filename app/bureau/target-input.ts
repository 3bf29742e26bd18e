// A cultivation target as submitted by the targets form, validated field by field (errors are message keys
// per field, shown next to the input; the other fields keep what was typed).
import { z } from "zod";
import type { MessageKey } from "../i18n/i18n";
import { isTargetMetric, metricByCode, type TargetMetric } from "./targets";

export interface TargetInput {
  plan: string;
  metric: TargetMetric;
  param: number | null;
  targetValue: number;
  baseline: number;
  periodStart: string;
  periodEnd: string;
}

export type TargetErrors = Partial<Record<keyof TargetInput | "form", MessageKey>>;

const e = (key: MessageKey) => ({ error: key });
const MONTH = /^(20\d\d|2100)-(0[1-9]|1[0-2])$/;
const NUMBER = /^-?\d{1,12}(\.\d{1,4})?$/;

const schema = z
  .object({
    plan: z.string(e("bureau.targets.error.plan")).trim().min(1, e("bureau.targets.error.plan")).max(100, e("bureau.targets.error.plan")),
    metric: z.string(e("bureau.targets.error.metric")).refine(isTargetMetric, e("bureau.targets.error.metric")),
    param: z.string().trim().regex(/^\d{0,2}$/, e("bureau.targets.error.param")),
    targetValue: z.string(e("bureau.targets.error.targetValue")).trim().regex(NUMBER, e("bureau.targets.error.targetValue")).transform(Number),
    baseline: z.string().trim().regex(/^$|^-?\d{1,12}(\.\d{1,4})?$/, e("bureau.targets.error.baseline")).transform((s) => (s === "" ? 0 : Number(s))),
    periodStart: z.string(e("bureau.targets.error.period")).trim().regex(MONTH, e("bureau.targets.error.period")),
    periodEnd: z.string(e("bureau.targets.error.period")).trim().regex(MONTH, e("bureau.targets.error.period")),
  })
  .superRefine((v, ctx) => {
    const def = isTargetMetric(v.metric) ? metricByCode.get(v.metric)! : null;
    if (def?.param) {
      const n = Number(v.param);
      if (v.param === "" || n < def.param.min || n > def.param.max) ctx.addIssue({ code: "custom", path: ["param"], message: "bureau.targets.error.param" });
    }
    if (v.targetValue <= 0 || v.targetValue > 1e9 || (def?.unit === "percent" && v.targetValue > 100)) {
      ctx.addIssue({ code: "custom", path: ["targetValue"], message: "bureau.targets.error.targetValue" });
    }
    if (v.baseline < 0 || v.baseline >= v.targetValue) ctx.addIssue({ code: "custom", path: ["baseline"], message: "bureau.targets.error.baseline" });
    if (MONTH.test(v.periodStart) && MONTH.test(v.periodEnd) && v.periodStart > v.periodEnd) {
      ctx.addIssue({ code: "custom", path: ["periodEnd"], message: "bureau.targets.error.periodOrder" });
    }
  });

export function parseTargetInput(raw: Record<string, unknown>): { ok: true; value: TargetInput } | { ok: false; errors: TargetErrors } {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors: TargetErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form") as keyof TargetErrors;
      errors[field] ??= issue.message as MessageKey;
    }
    return { ok: false, errors };
  }
  const v = parsed.data;
  const def = metricByCode.get(v.metric as TargetMetric)!;
  return {
    ok: true,
    value: {
      plan: v.plan, metric: v.metric as TargetMetric, param: def.param ? Number(v.param) : null, targetValue: v.targetValue, baseline: v.baseline,
      periodStart: v.periodStart, periodEnd: v.periodEnd,
    },
  };
}
