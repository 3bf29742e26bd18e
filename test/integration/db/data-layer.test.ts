// One data-layer suite, run against SQLite and PostgreSQL: the same migrations and the same repository
// queries must give the same answers on both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { AssessmentResult, NodeScore } from "../../../assessments/types";
import { migrate, type Database } from "~/db/connection.server";
import type { DB } from "~/db/schema";
import { parseOrganizationInput, type OrganizationInput } from "~/domain/organization-input";
import { loginRetryAfter, recordLoginFailure, clearAccountFailures, ACCOUNT_LIMIT, LOGIN_WINDOW_MS } from "~/auth/rate-limit.server";
import { createOrganization, getOrganization, updateOrganization } from "~/repos/organizations.server";
import { addMembership, createUser } from "~/repos/users.server";
import { createAssessment, getAnswers, getAssessment, listAssessments, markSubmitted, saveAnswers } from "~/repos/assessments.server";
import { getResult, resultHistory, saveResult } from "~/repos/results.server";
import { auditDecisions, auditedAnswers, latestAudit, recordDecision, signAuditVersion } from "~/repos/audits.server";
import { grantConsultant, hasActiveGrant, listGrants, revokeGrant } from "~/repos/grants.server";
import { createApiToken, organizationOfToken, revokeApiToken } from "~/repos/tokens.server";
import { listTrail } from "~/repos/trail.server";
import { listVisibleOrganizations } from "~/repos/org-list.server";
import { databaseTargets } from "./targets";

function orgInput(overrides: Record<string, unknown> = {}): OrganizationInput {
  const parsed = parseOrganizationInput({
    name: "宁波甬江精密机械有限公司",
    creditCode: "",
    industryCode: "C3484",
    districtCode: "330206",
    clusterCode: "nev_equipment",
    aboveScale: "on",
    employees: "320",
    revenueBand: "100m-400m",
    flags: ["zjtx"],
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

function node(id: string, kind: string, score: number, max: number, children: NodeScore[] = []): NodeScore {
  return { id, kind, name: { zh: id, en: id }, score, max, ratio: max ? score / max : 0, answered: 1, total: 1, children };
}

function resultWith(level: number | null, total: number, nodes: NodeScore[]): AssessmentResult {
  return {
    frameworkId: "sme-digital-2024",
    frameworkVersion: "1.0.0",
    model: "points",
    industryType: "discrete",
    completeness: { answered: 10, total: 10, ratio: 1 },
    total: { score: total, max: 100 },
    level: { value: level, name: null, ceiling: level, byGate: level, byBands: level, decidedBy: "gate", reasons: [] },
    nodes,
    gates: [],
    why: [],
    roadmap: [],
    evidence: [],
  };
}

const hash = "scrypt$2$1$1$AAAA$AAAA"; // not verifiable: these tests do not sign in

for (const target of databaseTargets()) {
  describe(`data layer on ${target.name}`, () => {
    let database: Database;
    let db: Kysely<DB>;
    let memberId: string, consultantId: string, bureauId: string, districtBureauId: string, adminId: string;

    beforeAll(async () => {
      database = await target.open();
      db = database.db;
      memberId = await createUser(db, { email: "Owner@Example.cn ", name: "王强", passwordHash: hash, role: "member" });
      consultantId = await createUser(db, { email: "consultant@example.cn", name: "李顾问", passwordHash: hash, role: "consultant" });
      bureauId = await createUser(db, { email: "bureau@example.cn", name: "市经信局", passwordHash: hash, role: "bureau_admin", regionCode: "330200" });
      districtBureauId = await createUser(db, { email: "beilun@example.cn", name: "北仑经信局", passwordHash: hash, role: "bureau_admin", regionCode: "330206" });
      adminId = await createUser(db, { email: "admin@example.cn", name: "平台", passwordHash: hash, role: "platform_admin" });
    });
    afterAll(async () => {
      await database?.close();
      await target.cleanup();
    });

    it("migrates once, seeds Ningbo's ten districts and the 31 manufacturing divisions, and re-running does nothing", async () => {
      const districts = await db.selectFrom("district").select(["code", "nameZh"]).orderBy("sortOrder").execute();
      expect(districts.map((d) => d.nameZh)).toEqual(["海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "奉化区", "余姚市", "慈溪市", "宁海县", "象山县"]);
      const industries = await db.selectFrom("industry").select("code").orderBy("code").execute();
      expect(industries.length).toBe(31); // C13 … C43
      expect(industries[0].code).toBe("C13");
      expect(industries[30].code).toBe("C43");
      expect(await migrate(db)).toEqual([]);
    });

    it("stores e-mail addresses lower-cased and trimmed, and refuses a second account for one address", async () => {
      const row = await db.selectFrom("user").select("email").where("id", "=", memberId).executeTakeFirstOrThrow();
      expect(row.email).toBe("owner@example.cn");
      await expect(createUser(db, { email: "OWNER@example.cn", name: "x", passwordHash: hash, role: "member" })).rejects.toThrow();
    });

    it("keeps an organisation's profile with its flags, replaces flags on update and records both in the trail", async () => {
      const id = await createOrganization(db, orgInput({ flags: ["zjtx", "high_tech"] }), memberId);
      const created = await getOrganization(db, id);
      expect(created).toMatchObject({
        industryCode: "C3484", industryDivision: "C34", industryType: "discrete", districtCode: "330206", regionCode: "330200",
        aboveScale: 1, employees: 320, revenueBand: "100m-400m", flags: ["high_tech", "zjtx"],
      });
      await updateOrganization(db, id, orgInput({ flags: ["little_giant"], employees: "450", industryCode: "C26" }), memberId);
      const updated = await getOrganization(db, id);
      expect(updated).toMatchObject({ employees: 450, industryType: "process", flags: ["little_giant"] });
      const trail = await listTrail(db, { organizationId: id });
      expect(trail.map((e) => e.action)).toEqual(["organization.update", "organization.create"]);
      expect(JSON.parse(trail[0].before!).employees).toBe(320);
      expect(JSON.parse(trail[0].after!).employees).toBe(450);
      expect(trail[0].actorName).toBe("王强");
    });

    it("saves answers as rows, records only real changes with before and after, and clears on null", async () => {
      const orgId = await createOrganization(db, orgInput({ name: "答题测试企业" }), memberId);
      const id = await createAssessment(db, { organizationId: orgId, frameworkId: "sme-digital-2024", frameworkVersion: "1.0.0", industryType: "discrete", actorId: memberId });
      const assessment = (await getAssessment(db, id))!;
      expect(assessment.status).toBe("draft");
      expect(await saveAnswers(db, assessment, [
        { questionId: "q1", value: { type: "rating", value: "most" } },
        { questionId: "q2", value: { type: "percentage", value: 35 } },
      ], memberId)).toEqual(["q1", "q2"]);
      // q1 unchanged, q2 changed, q3 new, q2 cleared later
      expect(await saveAnswers(db, assessment, [
        { questionId: "q1", value: { type: "rating", value: "most" } },
        { questionId: "q2", value: { type: "percentage", value: 61 } },
        { questionId: "q3", value: { type: "multi", value: ["a", "c"] } },
      ], memberId)).toEqual(["q2", "q3"]);
      expect(await saveAnswers(db, assessment, [{ questionId: "q2", value: null }], memberId)).toEqual(["q2"]);
      expect(await getAnswers(db, id)).toEqual({ q1: { type: "rating", value: "most" }, q3: { type: "multi", value: ["a", "c"] } });

      const trail = (await listTrail(db, { organizationId: orgId, assessmentId: id })).reverse();
      expect(trail.map((e) => `${e.action}:${e.subject ?? ""}`)).toEqual([
        "assessment.create:sme-digital-2024", "answer.set:q1", "answer.set:q2", "answer.set:q2", "answer.set:q3", "answer.clear:q2",
      ]);
      expect(JSON.parse(trail[3].before!)).toEqual({ type: "percentage", value: 35 });
      expect(JSON.parse(trail[3].after!)).toEqual({ type: "percentage", value: 61 });
      expect(trail[5].after).toBeNull();
    });

    it("stores results with level, total and node scores as columns that SQL can aggregate, replacing on re-score", async () => {
      const orgs: Array<[string, string, number | null, number]> = [
        // district, name, level, total
        ["330206", "北仑甲", 1, 30],
        ["330206", "北仑乙", 3, 70],
        ["330212", "鄞州甲", 2, 50],
      ];
      const ids: string[] = [];
      for (const [district, name, level, total] of orgs) {
        const orgId = await createOrganization(db, orgInput({ name, districtCode: district }), memberId);
        const aid = await createAssessment(db, { organizationId: orgId, frameworkId: "agg-test", frameworkVersion: "1.0.0", industryType: "discrete", actorId: memberId });
        const r = resultWith(level, total, [node("basic", "dimension", total / 2, 50, [node("network", "item", 4, 8)])]);
        r.frameworkId = "agg-test";
        await saveResult(db, { id: aid, organizationId: orgId }, "self", 0, r);
        ids.push(aid);
      }
      // Re-scoring the first replaces its row and its node rows instead of adding new ones.
      const again = resultWith(2, 44, [node("basic", "dimension", 22, 50, [node("network", "item", 6, 8)])]);
      again.frameworkId = "agg-test";
      const firstOrg = (await getAssessment(db, ids[0]))!.organizationId;
      await saveResult(db, { id: ids[0], organizationId: firstOrg }, "self", 0, again);

      const perDistrict = await db
        .selectFrom("result")
        .innerJoin("organization", "organization.id", "result.organizationId")
        .select(["organization.districtCode", sql<number>`cast(count(*) as integer)`.as("n"), sql<number>`cast(avg(result.total_score) as double precision)`.as("avgTotal")])
        .where("result.frameworkId", "=", "agg-test")
        .groupBy("organization.districtCode")
        .orderBy("organization.districtCode")
        .execute();
      // 北仑: (44 + 70) / 2 = 57; 鄞州: 50
      expect(perDistrict).toEqual([
        { districtCode: "330206", n: 2, avgTotal: 57 },
        { districtCode: "330212", n: 1, avgTotal: 50 },
      ]);
      const networkRatios = await db
        .selectFrom("resultNode")
        .innerJoin("result", "result.id", "resultNode.resultId")
        .select(["resultNode.ratio", "resultNode.parentId", "resultNode.depth"])
        .where("result.frameworkId", "=", "agg-test")
        .where("resultNode.nodeId", "=", "network")
        .orderBy("resultNode.ratio")
        .execute();
      // 4/8 twice (北仑乙, 鄞州甲) and 6/8 (re-scored 北仑甲)
      expect(networkRatios).toEqual([
        { ratio: 0.5, parentId: "basic", depth: 1 },
        { ratio: 0.5, parentId: "basic", depth: 1 },
        { ratio: 0.75, parentId: "basic", depth: 1 },
      ]);
      const stored = await getResult(db, ids[0], "self");
      expect(stored?.row).toMatchObject({ level: 2, totalScore: 44, frameworkVersion: "1.0.0" });
      expect(stored?.result.total.score).toBe(44);
      expect((await resultHistory(db, firstOrg, "agg-test")).map((h) => h.totalScore)).toEqual([44]);
    });

    it("versions audits: decisions go to the open version, sign-off freezes it, a later change opens the next version from it", async () => {
      const orgId = await createOrganization(db, orgInput({ name: "审核测试企业" }), memberId);
      const aid = await createAssessment(db, { organizationId: orgId, frameworkId: "sme-digital-2024", frameworkVersion: "1.0.0", industryType: "discrete", actorId: memberId });
      let assessment = (await getAssessment(db, aid))!;
      await saveAnswers(db, assessment, [
        { questionId: "q1", value: { type: "rating", value: "full" } },
        { questionId: "q2", value: { type: "sceneLevel", value: 3 } },
      ], memberId);
      await markSubmitted(db, assessment, memberId);
      assessment = (await getAssessment(db, aid))!;
      expect(assessment.status).toBe("submitted");

      const v1 = await recordDecision(db, assessment, { questionId: "q2", decision: "adjust", value: { type: "sceneLevel", value: 2 }, comment: "未见实时采集", evidenceChecked: "MES 截图" }, consultantId);
      expect(v1.version).toBe(1);
      await recordDecision(db, assessment, { questionId: "q1", decision: "accept", value: { type: "rating", value: "full" }, comment: "", evidenceChecked: "制度文件" }, consultantId);
      const self = await getAnswers(db, aid);
      expect(auditedAnswers(self, await auditDecisions(db, v1.id))).toEqual({
        q1: { type: "rating", value: "full" },
        q2: { type: "sceneLevel", value: 2 },
      });
      await signAuditVersion(db, assessment, v1, consultantId, { level: 1, implicitlyAccepted: 0 });
      await expect(signAuditVersion(db, assessment, v1, consultantId, { level: 1, implicitlyAccepted: 0 })).rejects.toThrow(/not open/);

      const v2 = await recordDecision(db, assessment, { questionId: "q1", decision: "adjust", value: { type: "rating", value: "partial" }, comment: "复核", evidenceChecked: "" }, consultantId);
      expect(v2.version).toBe(2);
      expect(v2.status).toBe("open");
      const v1Decisions = await auditDecisions(db, v1.id);
      const v2Decisions = await auditDecisions(db, v2.id);
      expect(v1Decisions.get("q1")?.parsed).toEqual({ type: "rating", value: "full" }); // frozen
      expect(v2Decisions.get("q1")?.parsed).toEqual({ type: "rating", value: "partial" });
      expect(v2Decisions.get("q2")?.parsed).toEqual({ type: "sceneLevel", value: 2 }); // carried over
      expect((await latestAudit(db, aid))?.version).toBe(2);
      expect((await db.selectFrom("audit").select(["version", "status"]).where("assessmentId", "=", aid).orderBy("version").execute())).toEqual([
        { version: 1, status: "signed" },
        { version: 2, status: "open" },
      ]);
      const actions = (await listTrail(db, { organizationId: orgId, assessmentId: aid })).reverse().map((e) => `${e.action}:${e.subject}`);
      expect(actions.slice(-6)).toEqual(["audit.open:v1", "audit.decide:q2", "audit.decide:q1", "audit.signoff:v1", "audit.open:v2", "audit.decide:q1"]);
      const listed = await listAssessments(db, orgId);
      expect(listed[0]).toMatchObject({ id: aid, status: "submitted", audit: null }); // no audited result stored yet
    });

    it("grants consultants idempotently and revokes them, only within the organisation", async () => {
      const orgId = await createOrganization(db, orgInput({ name: "授权测试企业" }), memberId);
      const otherOrg = await createOrganization(db, orgInput({ name: "别家企业" }), memberId);
      expect(await hasActiveGrant(db, orgId, consultantId)).toBe(false);
      const g1 = await grantConsultant(db, orgId, consultantId, memberId);
      expect(await grantConsultant(db, orgId, consultantId, memberId)).toBe(g1);
      expect(await hasActiveGrant(db, orgId, consultantId)).toBe(true);
      expect(await revokeGrant(db, otherOrg, g1, memberId)).toBe(false); // not this organisation's grant
      expect(await revokeGrant(db, orgId, g1, memberId)).toBe(true);
      expect(await revokeGrant(db, orgId, g1, memberId)).toBe(false);
      expect(await hasActiveGrant(db, orgId, consultantId)).toBe(false);
      const grants = await listGrants(db, orgId);
      expect(grants).toHaveLength(1);
      expect(grants[0].revokedAt).not.toBeNull();
    });

    it("resolves API tokens to their organisation by hash until revoked", async () => {
      const orgId = await createOrganization(db, orgInput({ name: "令牌测试企业" }), memberId);
      const { id, token } = await createApiToken(db, orgId, "ERP 同步", memberId);
      expect(token).toMatch(/^zp_[A-Za-z0-9_-]{43}$/);
      const stored = await db.selectFrom("apiToken").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      expect(JSON.stringify(stored)).not.toContain(token.slice(3));
      expect(await organizationOfToken(db, token)).toBe(orgId);
      expect(await organizationOfToken(db, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
      expect(await organizationOfToken(db, "zp_short")).toBeNull();
      expect(await revokeApiToken(db, orgId, id, memberId)).toBe(true);
      expect(await organizationOfToken(db, token)).toBeNull();
    });

    it("throttles sign-in after five failures per account and twenty per address, within a sliding 15-minute window", async () => {
      const email = `throttle-${target.name}@example.cn`;
      for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) await recordLoginFailure(db, email, "10.0.0.1");
      expect(await loginRetryAfter(db, email, "10.0.0.1")).toBe(0);
      await recordLoginFailure(db, email, "10.0.0.1");
      const wait = await loginRetryAfter(db, email, "10.0.0.9");
      // the oldest failure was a moment ago: close to the whole window remains
      expect(wait).toBeGreaterThan(LOGIN_WINDOW_MS / 1000 - 30);
      expect(wait).toBeLessThanOrEqual(LOGIN_WINDOW_MS / 1000);
      // another account from the same address is not blocked yet (5 of 20)
      expect(await loginRetryAfter(db, `other-${email}`, "10.0.0.1")).toBe(0);
      // after the window, the same failures no longer count
      expect(await loginRetryAfter(db, email, null, Date.now() + LOGIN_WINDOW_MS + 1000)).toBe(0);
      await clearAccountFailures(db, email);
      expect(await loginRetryAfter(db, email, null)).toBe(0);
      for (let i = 0; i < 15; i++) await recordLoginFailure(db, `spray${i}-${email}`, "10.0.0.2");
      expect(await loginRetryAfter(db, `fresh-${email}`, "10.0.0.2")).toBe(0); // 15 of 20
      for (let i = 0; i < 5; i++) await recordLoginFailure(db, `spray-more${i}-${email}`, "10.0.0.2");
      expect(await loginRetryAfter(db, `fresh-${email}`, "10.0.0.2")).toBeGreaterThan(0); // 20 of 20
    });

    it("lists the organisations each role may see: members theirs, consultants granted ones, bureaus their region or district", async () => {
      const a = await createOrganization(db, orgInput({ name: "可见性 100%_北仑", districtCode: "330206" }), adminId);
      const b = await createOrganization(db, orgInput({ name: "可见性 余姚", districtCode: "330281" }), adminId);
      const viewer = await createUser(db, { email: `viewer-${target.name}@example.cn`, name: "v", passwordHash: hash, role: "member" });
      await addMembership(db, viewer, a);
      const c2 = await createUser(db, { email: `c2-${target.name}@example.cn`, name: "c2", passwordHash: hash, role: "consultant" });
      await grantConsultant(db, b, c2, adminId);
      const as = (id: string, role: any, regionCode: string | null = null) => ({ id, email: "", name: "", role, regionCode });
      const names = async (user: any, q = "可见性") => (await listVisibleOrganizations(db, user, { q })).rows.map((r) => r.name).sort();
      expect(await names(as(viewer, "member"))).toEqual(["可见性 100%_北仑"]);
      expect(await names(as(c2, "consultant"))).toEqual(["可见性 余姚"]);
      expect(await names(as(bureauId, "bureau_admin", "330200"))).toEqual(["可见性 100%_北仑", "可见性 余姚"]);
      expect(await names(as(districtBureauId, "bureau_admin", "330206"))).toEqual(["可见性 100%_北仑"]);
      expect(await names(as(adminId, "platform_admin"))).toEqual(["可见性 100%_北仑", "可见性 余姚"]);
      // % and _ in the search are literal characters, not wildcards
      expect(await names(as(adminId, "platform_admin"), "100%_")).toEqual(["可见性 100%_北仑"]);
      expect(await names(as(adminId, "platform_admin"), "1_0")).toEqual([]);
    });
  });
}
