// `zhiping seed`: the demo data (accounts, thirty enterprises, scored assessments with history, a consultant
// grant and a signed audit) in the configured database. Idempotent: everything has a fixed id, and what
// exists is left alone, so running the demo twice does not duplicate anything.
import type { Kysely } from "kysely";
import type { Framework } from "../../assessments";
import type { IndustryType } from "../../assessments/types";
import { hashPassword } from "../../app/auth/password.server";
import { configFromEnv, openDatabase } from "../../app/db/connection.server";
import type { DB } from "../../app/db/schema";
import { getFramework } from "../../app/domain/frameworks.server";
import { parseOrganizationInput } from "../../app/domain/organization-input";
import { createAssessment, getAssessment, saveAnswers } from "../../app/repos/assessments.server";
import { auditDecisions, auditedAnswers, recordDecision, signAuditVersion } from "../../app/repos/audits.server";
import { grantConsultant } from "../../app/repos/grants.server";
import { createOrganization } from "../../app/repos/organizations.server";
import { saveResult } from "../../app/repos/results.server";
import { addMembership, createUser } from "../../app/repos/users.server";
import { score } from "../../assessments";
import { generateAnswers, prng } from "./demo-answers";
import { DEMO_ENTERPRISES, DEMO_PASSWORD, DEMO_USERS, demoOrganizationId } from "./demo-data";
import { seedDemoSmeDraft, seedDemoTelemetry } from "../demo/line";
import { seedBureauDemo } from "./demo-bureau";
import { seedSubmitted } from "./seed-assessment";

const DAY = 24 * 3600 * 1000;

export interface SeedSummary {
  created: { users: number; organizations: number; assessments: number };
  levels: Record<string, number>;
}

function requireFramework(id: string): Framework {
  const fw = getFramework(id);
  if (!fw) throw new Error(`framework ${id} is not available: cannot seed the demo`);
  return fw;
}

export async function seedDemo(db: Kysely<DB>, now = Date.now()): Promise<SeedSummary> {
  const cmmm = requireFramework("cmmm");
  const sme = requireFramework("sme-digital-2024");
  const future = getFramework("future-factory");
  const summary: SeedSummary = { created: { users: 0, organizations: 0, assessments: 0 }, levels: {} };
  const admin = DEMO_USERS.find((u) => u.role === "platform_admin")!;

  for (const [i, e] of DEMO_ENTERPRISES.entries()) {
    const orgId = demoOrganizationId(i);
    const exists = await db.selectFrom("organization").select("id").where("id", "=", orgId).executeTakeFirst();
    if (exists) continue;
    const parsed = parseOrganizationInput({
      name: e.name, creditCode: "", industryCode: e.industry, districtCode: e.district, clusterCode: e.cluster,
      aboveScale: e.aboveScale ? "on" : "", employees: String(e.employees), revenueBand: e.revenue, flags: e.flags,
    });
    if (!parsed.ok) throw new Error(`demo enterprise ${e.name}: ${JSON.stringify(parsed.errors)}`);
    await createOrganization(db, parsed.value, null, orgId);
    summary.created.organizations++;
  }

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const u of DEMO_USERS) {
    if (await db.selectFrom("user").select("id").where("id", "=", u.id).executeTakeFirst()) continue;
    await createUser(db, { email: u.email, name: u.name, passwordHash, role: u.role, regionCode: u.regionCode ?? null }, u.id);
    if (u.enterprise !== undefined) await addMembership(db, u.id, demoOrganizationId(u.enterprise));
    summary.created.users++;
  }

  for (const [i, e] of DEMO_ENTERPRISES.entries()) {
    const orgId = demoOrganizationId(i);
    const org = await db.selectFrom("organization").select("industryType").where("id", "=", orgId).executeTakeFirstOrThrow();
    const industryType: IndustryType = org.industryType === "process" ? "process" : "discrete";
    const actor = DEMO_USERS.find((u) => u.enterprise === i)?.id ?? admin.id;
    const plan: Array<[string, Framework, number | null, number]> = [];
    if (e.cmmmBefore !== undefined) plan.push([`${orgId}cmmm1`, cmmm, e.cmmmBefore, 700 + (i * 13) % 60]);
    plan.push([`${orgId}cmmm2`, cmmm, e.cmmm, 40 + (i * 7) % 120]);
    if (e.smeBefore !== undefined) plan.push([`${orgId}sme1`, sme, e.smeBefore, 420 + (i * 5) % 40]);
    if (e.sme !== undefined) plan.push([`${orgId}sme2`, sme, e.sme, 20 + (i * 3) % 60]);
    for (const [id, fw, level, daysAgo] of plan) {
      if (await seedSubmitted(db, id, orgId, fw, level, i * 101 + id.length, industryType, actor, new Date(now - daysAgo * DAY))) summary.created.assessments++;
    }
  }

  // The enterprise user's company: the consultant may audit it, its latest CMMM assessment has a signed
  // audit with two adjusted answers, and a 未来工厂 self-check is half done (to resume).
  const owner = DEMO_USERS.find((u) => u.role === "member")!;
  const consultant = DEMO_USERS.find((u) => u.role === "consultant")!;
  const ownerOrg = demoOrganizationId(owner.enterprise!);
  await grantConsultant(db, ownerOrg, consultant.id, owner.id);
  await grantConsultant(db, demoOrganizationId(6), consultant.id, admin.id);
  const audited = (await getAssessment(db, `${ownerOrg}cmmm2`))!;
  const hasAudit = await db.selectFrom("audit").select("id").where("assessmentId", "=", audited.id).executeTakeFirst();
  if (!hasAudit) {
    const self = Object.fromEntries(
      (await db.selectFrom("answer").select(["questionId", "value"]).where("assessmentId", "=", audited.id).execute()).map((r) => [r.questionId, JSON.parse(r.value)]),
    );
    const adjustable = cmmm.questions.filter((q) => q.type === "rating" && q.level === 2 && self[q.id]?.value === "full").slice(0, 2);
    for (const q of adjustable) {
      await recordDecision(db, audited, { questionId: q.id, decision: "adjust", value: { type: "rating", value: "most" }, comment: "现场抽查：部分记录仍为纸质，未完全满足", evidenceChecked: "现场检查记录、系统截图" }, consultant.id);
    }
    const audit = (await db.selectFrom("audit").selectAll().where("assessmentId", "=", audited.id).executeTakeFirstOrThrow());
    const result = score(cmmm, auditedAnswers(self, await auditDecisions(db, audit.id)), { industryType: "discrete" });
    await db.transaction().execute(async (trx) => {
      await signAuditVersion(trx, audited, audit, consultant.id, { level: result.level.value, implicitlyAccepted: Object.keys(self).length - adjustable.length });
      await saveResult(trx, audited, "audit", audit.version, result);
    });
  }
  const draftId = `${ownerOrg}ff1`;
  if (future && !(await getAssessment(db, draftId))) {
    await createAssessment(db, { organizationId: ownerOrg, frameworkId: future.id, frameworkVersion: future.version, industryType: "discrete", actorId: owner.id }, draftId);
    const answers = generateAnswers(future, prng(2025), null, 0.55, 0.5);
    await saveAnswers(db, (await getAssessment(db, draftId))!, Object.entries(answers).map(([questionId, value]) => ({ questionId, value })), owner.id);
    summary.created.assessments++;
  }

  // The owner's company runs the simulated line (and a line whose gateway is not connected yet) and has a
  // complete SME self-check whose claims the measurements can be set against.
  await seedDemoTelemetry(db, ownerOrg, owner.id);
  if (await seedDemoSmeDraft(db, ownerOrg, sme, owner.id)) summary.created.assessments++;

  // Peers of the demo enterprise and 未来工厂 histories for the bureau portfolio.
  const bureau = await seedBureauDemo(db, admin.id, now);
  summary.created.organizations += bureau.organizations;
  summary.created.assessments += bureau.assessments;

  const rows = await db
    .selectFrom("result")
    .innerJoin("assessment", "assessment.id", "result.assessmentId")
    .select(["result.level", "result.assessmentId"])
    .where("result.kind", "=", "self")
    .where("result.frameworkId", "=", "cmmm")
    .where("assessment.id", "like", "demoorg%cmmm2")
    .execute();
  for (const r of rows) summary.levels[r.level === null ? "none" : `L${r.level}`] = (summary.levels[`${r.level === null ? "none" : `L${r.level}`}`] ?? 0) + 1;
  return summary;
}

export async function main(_argv: string[]): Promise<number> {
  const database = await openDatabase(configFromEnv());
  try {
    const summary = await seedDemo(database.db);
    console.log(`seeded: ${summary.created.organizations} enterprises, ${summary.created.users} users, ${summary.created.assessments} assessments (existing data kept)`);
    console.log(`latest CMMM levels: ${Object.entries(summary.levels).sort().map(([k, v]) => `${k} ${v}`).join(", ")}`);
    return 0;
  } finally {
    await database.close();
  }
}
