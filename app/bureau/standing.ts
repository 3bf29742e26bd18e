// What an enterprise's stored results say about its standing, as pure functions over result facts (the
// server module loads the facts in batches and stores the outcome). Which result counts:
//   - per assessment, the latest signed audit's result when there is one, else the self result: an audit
//     is the checked version of the same answers;
//   - per framework, the most recent assessment (by the time its self result was stored, i.e. submitted);
//   - a rung is first reached at the time of the earliest assessment whose counting result meets it.
import { FRAMEWORKS, RUNG_LEVEL } from "./ladder";
import type { EnterpriseStandingTable } from "./schema";

export interface ResultFact {
  resultId: string;
  assessmentId: string;
  frameworkId: string;
  kind: "self" | "audit";
  auditVersion: number;
  level: number | null;
  totalScore: number;
  scoredAt: string;
  /** SME results: the cloud rule's verdict on the answers this result was scored from. */
  onCloud?: boolean;
}

export interface CountingAssessment {
  assessmentId: string;
  frameworkId: string;
  result: ResultFact;
  /** When the assessment was submitted (its self result's time), else the counting result's. */
  at: string;
}

export function countingAssessments(results: readonly ResultFact[]): CountingAssessment[] {
  const byAssessment = new Map<string, { self?: ResultFact; audit?: ResultFact }>();
  for (const r of results) {
    const entry = byAssessment.get(r.assessmentId) ?? {};
    if (r.kind === "self") entry.self = r;
    else if (!entry.audit || r.auditVersion > entry.audit.auditVersion) entry.audit = r;
    byAssessment.set(r.assessmentId, entry);
  }
  const out: CountingAssessment[] = [];
  for (const [assessmentId, { self, audit }] of byAssessment) {
    const result = (audit ?? self)!;
    out.push({ assessmentId, frameworkId: result.frameworkId, result, at: self?.scoredAt ?? result.scoredAt });
  }
  return out;
}

function later(a: CountingAssessment, b: CountingAssessment): boolean {
  return a.at > b.at || (a.at === b.at && a.assessmentId > b.assessmentId);
}

export function latestOf(assessments: readonly CountingAssessment[], frameworkId: string): CountingAssessment | null {
  let latest: CountingAssessment | null = null;
  for (const a of assessments) if (a.frameworkId === frameworkId && (!latest || later(a, latest))) latest = a;
  return latest;
}

function firstTime(assessments: readonly CountingAssessment[], meets: (a: CountingAssessment) => boolean): string | null {
  let first: string | null = null;
  for (const a of assessments) if (meets(a) && (first === null || a.at < first)) first = a.at;
  return first;
}

/** The standing columns the results decide (the profile columns come from the organisation). */
export type StandingFacts = Pick<
  EnterpriseStandingTable,
  | "smeLevel" | "smeTotal" | "smeAssessmentId" | "cmmmLevel" | "cmmmTotal" | "cmmmAssessmentId"
  | "ladderRung" | "ladderReadiness" | "ladderAssessmentId" | "onCloud" | "cloudAt" | "rung1At" | "rung2At" | "rung3At" | "latestAt"
> & {
  /** The counting result of the latest ladder assessment, whose stored JSON holds the tier. */
  ladderResultId: string | null;
};

export function standingFacts(results: readonly ResultFact[]): StandingFacts {
  const counting = countingAssessments(results);
  const sme = latestOf(counting, FRAMEWORKS.sme);
  const cmmm = latestOf(counting, FRAMEWORKS.cmmm);
  const ladder = latestOf(counting, FRAMEWORKS.ladder);
  const rungAt = (level: number) => firstTime(counting, (a) => a.frameworkId === FRAMEWORKS.ladder && (a.result.level ?? 0) >= level);
  let latestAt: string | null = null;
  for (const a of [sme, cmmm, ladder]) if (a && (latestAt === null || a.at > latestAt)) latestAt = a.at;
  return {
    smeLevel: sme ? (sme.result.level ?? 0) : null,
    smeTotal: sme ? sme.result.totalScore : null,
    smeAssessmentId: sme?.assessmentId ?? null,
    cmmmLevel: cmmm ? (cmmm.result.level ?? 0) : null,
    cmmmTotal: cmmm ? cmmm.result.totalScore : null,
    cmmmAssessmentId: cmmm?.assessmentId ?? null,
    ladderRung: ladder ? (ladder.result.level ?? 0) : null,
    ladderReadiness: ladder ? ladder.result.totalScore : null,
    ladderAssessmentId: ladder?.assessmentId ?? null,
    ladderResultId: ladder?.result.resultId ?? null,
    onCloud: sme?.result.onCloud ? 1 : 0,
    cloudAt: firstTime(counting, (a) => a.frameworkId === FRAMEWORKS.sme && a.result.onCloud === true),
    rung1At: rungAt(RUNG_LEVEL.workshop),
    rung2At: rungAt(RUNG_LEVEL.factory),
    rung3At: rungAt(RUNG_LEVEL.future),
    latestAt,
  };
}

/** The 智能工厂梯度 tier id from a stored 未来工厂 result (extras.tier.value), null when absent or malformed. */
export function tierFromResultJson(json: string): string | null {
  try {
    const parsed = JSON.parse(json) as { extras?: { tier?: { value?: unknown } } };
    const value = parsed?.extras?.tier?.value;
    return typeof value === "string" && value.length > 0 && value.length <= 40 ? value : null;
  } catch {
    return null;
  }
}
