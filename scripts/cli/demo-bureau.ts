// Demo data for the bureau portfolio and the peer benchmark, added by `zhiping seed` after the thirty
// demo enterprises: six more machinery makers in 北仑 (so the demo enterprise's results have a peer cohort
// of at least five), and 未来工厂 self-assessments with a history (rungs reached over the last two and a
// half years, so the ladder, the targets and progress over time have something to show). Levels and rungs
// are never written: answers are generated and the engine scores them. Idempotent like the rest of the seed.
import type { Kysely } from "kysely";
import type { Framework } from "../../assessments";
import type { Answers, AssessmentResult, IndustryType } from "../../assessments/types";
import type { DB } from "../../app/db/schema";
import { getFramework } from "../../app/domain/frameworks.server";
import { parseOrganizationInput } from "../../app/domain/organization-input";
import { getAssessment } from "../../app/repos/assessments.server";
import { createOrganization } from "../../app/repos/organizations.server";
import { score } from "../../assessments";
import { generateAnswers, prng } from "./demo-answers";
import { seedScored, seedSubmitted } from "./seed-assessment";
import { DEMO_ENTERPRISES, demoOrganizationId, type DemoEnterprise } from "./demo-data";

const DAY = 24 * 3600 * 1000;

/** Peers of the demo enterprise (北仑, general-purpose machinery C34, 规上). Fictional names. */
export const PEER_ENTERPRISES: DemoEnterprise[] = [
  { name: "宁波港城传动机械有限公司", district: "330206", industry: "C3441", cluster: "nev_equipment", aboveScale: true, employees: 260, revenue: "100m-400m", flags: ["zjtx"], cmmm: 2, sme: 2 },
  { name: "宁波小港液压泵阀有限公司", district: "330206", industry: "C3444", cluster: "nev_equipment", aboveScale: true, employees: 180, revenue: "20m-100m", flags: [], cmmm: 1, sme: 1 },
  { name: "宁波大碶精密轴承有限公司", district: "330206", industry: "C3451", cluster: "nev_equipment", aboveScale: true, employees: 420, revenue: "100m-400m", flags: ["cloud_benchmark"], cmmm: 3, sme: 3 },
  { name: "宁波柴桥动力机械有限公司", district: "330206", industry: "C3411", cluster: "nev_equipment", aboveScale: true, employees: 350, revenue: "100m-400m", flags: [], cmmm: 2, sme: 1 },
  { name: "宁波霞浦起重设备有限公司", district: "330206", industry: "C3431", cluster: "nev_equipment", aboveScale: true, employees: 150, revenue: "20m-100m", flags: ["high_tech"], cmmm: 1, sme: 2 },
  { name: "宁波梅山紧固件制造有限公司", district: "330206", industry: "C3482", cluster: "nev_equipment", aboveScale: true, employees: 210, revenue: "20m-100m", flags: ["cloud_benchmark", "zjtx"], cmmm: 2, sme: 3 },
];

/** Index in the demo's enterprise numbering (after the thirty) of each peer. */
export const peerIndex = (i: number) => DEMO_ENTERPRISES.length + i;

/** 未来工厂 assessments: [enterprise index, rung the engine should find, days ago]. */
const LADDER_HISTORY: Array<[number, number, number]> = [
  [6, 1, 880], [6, 2, 500], [6, 3, 90],
  [10, 1, 700], [10, 2, 210],
  [1, 0, 600], [1, 1, 300], [1, 2, 45],
  [20, 1, 450],
  [21, 1, 790], [21, 2, 120],
  [2, 0, 520], [2, 1, 160],
  [9, 1, 380],
  [11, 0, 260],
  [17, 1, 640],
  [25, 1, 330], [25, 1, 35],
  [30, 1, 240], [32, 1, 400], [32, 2, 70], [35, 0, 150], [35, 1, 20],
];

/**
 * Answers to the 未来工厂 framework that the engine scores at exactly `rung` (0 = none met): ratings are
 * generated around a strength, and the application facts (Zhejiang digital level, investment) are set on
 * the right side of the rung's thresholds. Tried over seeds until the engine agrees; throws otherwise.
 */
export function ladderAnswersAtRung(fw: Framework, rung: number, seed: number, cmmmLevel: number | null, thirdParty: boolean, industryType: IndustryType = "discrete"): { answers: Answers; result: AssessmentResult } {
  const base = [0.3, 0.55, 0.72, 0.93][Math.max(0, Math.min(3, rung))];
  for (let attempt = 0; attempt < 400; attempt++) {
    const strength = Math.min(1, Math.max(0, base + ((attempt % 9) - 4) * 0.02));
    const answers = generateAnswers(fw, prng(seed * 7907 + attempt), null, strength);
    answers["zj-digital-level"] = { type: "numeric", value: rung >= 3 ? 3.2 : rung >= 1 ? 2.4 : 1.5 };
    answers.investment = { type: "numeric", value: rung >= 2 ? 5200 : rung === 1 ? 2600 : 900 };
    answers["mountain-island-county"] = { type: "single", value: "no" };
    answers["cmmm-level"] = { type: "numeric", value: cmmmLevel ?? 0 };
    answers["cmmm-assessed-by"] = { type: "single", value: thirdParty ? "third-party" : "self" };
    const result = score(fw, answers, { industryType });
    if ((result.level.value ?? 0) === rung) return { answers, result };
  }
  throw new Error(`no generated answers reach rung ${rung} of ${fw.id}`);
}

/** Adds the peers and the ladder history; returns the number of enterprises and assessments created. */
export async function seedBureauDemo(db: Kysely<DB>, actorId: string, now: number): Promise<{ organizations: number; assessments: number }> {
  const created = { organizations: 0, assessments: 0 };
  const sme = getFramework("sme-digital-2024");
  const cmmm = getFramework("cmmm");
  const ladder = getFramework("future-factory");
  for (const [i, e] of PEER_ENTERPRISES.entries()) {
    const orgId = demoOrganizationId(peerIndex(i));
    if (!(await db.selectFrom("organization").select("id").where("id", "=", orgId).executeTakeFirst())) {
      const parsed = parseOrganizationInput({
        name: e.name, creditCode: "", industryCode: e.industry, districtCode: e.district, clusterCode: e.cluster,
        aboveScale: e.aboveScale ? "on" : "", employees: String(e.employees), revenueBand: e.revenue, flags: e.flags,
      });
      if (!parsed.ok) throw new Error(`demo enterprise ${e.name}: ${JSON.stringify(parsed.errors)}`);
      await createOrganization(db, parsed.value, null, orgId);
      created.organizations++;
    }
    if (cmmm && (await seedSubmitted(db, `${orgId}peercmmm`, orgId, cmmm, e.cmmm, 900 + i * 17, "discrete", actorId, new Date(now - (30 + i * 11) * DAY)))) created.assessments++;
    if (sme && e.sme !== undefined && (await seedSubmitted(db, `${orgId}peersme`, orgId, sme, e.sme, 950 + i * 19, "discrete", actorId, new Date(now - (12 + i * 9) * DAY)))) created.assessments++;
  }
  if (ladder) {
    const count = new Map<number, number>();
    for (const [index, rung, daysAgo] of LADDER_HISTORY) {
      const orgId = demoOrganizationId(index);
      const n = (count.get(index) ?? 0) + 1;
      count.set(index, n);
      const e = index < DEMO_ENTERPRISES.length ? DEMO_ENTERPRISES[index] : PEER_ENTERPRISES[index - DEMO_ENTERPRISES.length];
      const id = `${orgId}ladder${n}`;
      if (await getAssessment(db, id)) continue;
      const org = await db.selectFrom("organization").select("industryType").where("id", "=", orgId).executeTakeFirstOrThrow();
      const industryType: IndustryType = org.industryType === "process" ? "process" : "discrete";
      const { answers, result } = ladderAnswersAtRung(ladder, rung, index * 31 + n, e.cmmm, (e.cmmm ?? 0) >= 3, industryType);
      if (await seedScored(db, id, orgId, ladder, answers, result, industryType, actorId, new Date(now - daysAgo * DAY))) created.assessments++;
    }
  }
  return created;
}
