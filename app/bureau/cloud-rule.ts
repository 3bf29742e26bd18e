// 上云 (on cloud), the first rung of the cultivation funnel. The MIIT SME 2024 framework asks which systems
// run as cloud services (question `cloud-systems`, not scored). An enterprise counts as on cloud when its
// latest SME assessment names at least one *business* system there — R&D design, production management or
// operations (ERP, CRM, supply chain) software, the three kinds the 上云用数 policy names; office software
// alone does not count. Kept as data: the question id and the qualifying options are parameters.
import type { AnswerValue } from "../../assessments/types";

export interface CloudRule {
  frameworkId: string;
  questionId: string;
  /** Options of the multiple-choice question that count as a business system on cloud. */
  qualifying: readonly string[];
  /** How many qualifying options must be chosen. */
  minimum: number;
}

export const CLOUD_RULE: CloudRule = {
  frameworkId: "sme-digital-2024",
  questionId: "cloud-systems",
  qualifying: ["rnd-cloud", "production-cloud", "operations-cloud"],
  minimum: 1,
};

/** The verdict for one stored answer (anything not a multiple-choice answer counts as not on cloud). */
export function meetsCloudRule(answer: AnswerValue | null | undefined, rule: CloudRule = CLOUD_RULE): boolean {
  if (!answer || answer.type !== "multi" || !Array.isArray(answer.value)) return false;
  const chosen = new Set(answer.value.filter((v) => typeof v === "string"));
  let n = 0;
  for (const option of rule.qualifying) if (chosen.has(option)) n++;
  return n >= rule.minimum;
}
