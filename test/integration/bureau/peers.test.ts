// Peer percentiles on SQLite and PostgreSQL, with values worked out by hand: a cohort of four peers shows
// nothing (and says one more is needed); a fifth peer makes it shown; only each peer's latest self result of
// the same framework counts; the enterprise is never its own peer; a too-small own cohort falls back to the
// industry city-wide when that has five. The result page carries the panel, and a hidden one carries no
// values at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peerBenchmark } from "~/bureau/peers.server";
import { getDb } from "~/db/db.server";
import type { Organization } from "~/db/schema";
import * as resultRoute from "~/routes/assessments.$assessmentId.result";
import { databaseTargets } from "../db/targets";
import { call, makeOrganization, makeUser, startTestApp, type TestApp } from "../web/harness";
import { assessed, audited, madeResult, node } from "./fixtures";

const SME = "sme-digital-2024";
const sme = (total: number, basis: number, effect: number) => madeResult(SME, 1, total, [node("basis", basis), node("effect", effect)]);

for (const target of databaseTargets()) {
  describe(`peer benchmark on ${target.name}`, () => {
    let app: TestApp;
    let subject: Organization;
    let subjectAssessment = "";
    let memberCookie = "";
    let loneAssessment = "";
    let loneCookie = "";
    const orgOf = async (id: string) => (await getDb()).selectFrom("organization").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const subjectResult = sme(50, 0.5, 0.3);

    beforeAll(async () => {
      app = await startTestApp(target);
      const db = await getDb();
      const beilunC34 = { districtCode: "330206", industryCode: "C3484", aboveScale: "on" };
      const s = await makeOrganization({ name: "本企业", ...beilunC34 });
      subject = await orgOf(s);
      const member = await makeUser("member", { organizationId: s });
      memberCookie = member.cookie;
      subjectAssessment = await assessed(db, s, member.id, subjectResult, "2025-05-01T00:00:00.000Z");
      // The subject's own older result must not count as a peer.
      await assessed(db, s, member.id, sme(10, 0.1, 0.1), "2024-01-01T00:00:00.000Z");

      // Four peers in the cohort. P1: an older 99 and a newer 30 (the newer counts). P2: self 40 with an
      // audit of 10 (self results count). P3 also has a CMMM result (another framework, ignored).
      const peer = async (name: string, over: Record<string, string> = {}) => makeOrganization({ name, ...beilunC34, ...over });
      const p1 = await peer("同行一");
      await assessed(db, p1, member.id, sme(99, 0.99, 0.99), "2024-02-01T00:00:00.000Z");
      await assessed(db, p1, member.id, sme(30, 0.2, 0.1), "2025-02-01T00:00:00.000Z");
      const p2 = await peer("同行二");
      const p2a = await assessed(db, p2, member.id, sme(40, 0.5, 0.2), "2025-02-02T00:00:00.000Z");
      await audited(db, p2a, 1, sme(10, 0.05, 0.05), "2025-03-02T00:00:00.000Z");
      const p3 = await peer("同行三");
      await assessed(db, p3, member.id, sme(50, 0.6, 0.25), "2025-02-03T00:00:00.000Z");
      await assessed(db, p3, member.id, madeResult("cmmm", 2, 2.5, [], 5), "2025-06-03T00:00:00.000Z");
      const p4 = await peer("同行四");
      await assessed(db, p4, member.id, sme(50, 0.5, 0.3), "2025-02-04T00:00:00.000Z");
      // Not peers: another district, another scale, a draft only, another industry.
      const q1 = await peer("鄞州同行", { districtCode: "330212" });
      await assessed(db, q1, member.id, sme(80, 0.8, 0.8), "2025-02-05T00:00:00.000Z");
      const q2 = await peer("规下同行", { aboveScale: "" });
      await assessed(db, q2, member.id, sme(20, 0.2, 0.2), "2025-02-06T00:00:00.000Z");
      await peer("未评估同行");
      const q3 = await peer("化工企业", { industryCode: "C2614" });
      await assessed(db, q3, member.id, sme(60, 0.6, 0.6), "2025-02-07T00:00:00.000Z");
      // An enterprise alone in its industry: its panel stays hidden.
      const lone = await makeOrganization({ name: "独家企业", districtCode: "330281", industryCode: "C1361" });
      const loneMember = await makeUser("member", { organizationId: lone });
      loneCookie = loneMember.cookie;
      loneAssessment = await assessed(db, lone, loneMember.id, sme(70, 0.7, 0.7), "2025-02-08T00:00:00.000Z");
    });
    afterAll(async () => {
      await app?.close();
    });

    it("never shows an own cohort of four peers: it widens to the industry city-wide (six peers), labelled so", async () => {
      // Own cohort (C34, 北仑, 规上): P1–P4 = 4 peers. City-wide C34: P1–P4, 鄞州同行, 规下同行 = 6.
      const r = await peerBenchmark(await getDb(), subject, subjectResult);
      expect(r).toMatchObject({ shown: true, cohort: "regionIndustry", peers: 6 });
      // city-wide totals 30, 40, 50, 50, 80, 20 against 50: below 30, 40, 20 = 3; equal 2 → (3 + 1) / 6
      expect((r as any).total).toBeCloseTo((100 * 4) / 6, 9);
    });

    it("shows nothing when neither cohort reaches five, and says how many more peers are needed", async () => {
      const db = await getDb();
      // Four food makers in 海曙 with results, and a fifth one asking: four peers in both cohorts → one more needed.
      const food = { districtCode: "330203", industryCode: "C1431", aboveScale: "on" };
      const actor = await makeUser("member");
      for (let i = 0; i < 4; i++) await assessed(db, await makeOrganization({ name: `食品${i}`, ...food }), actor.id, sme(40 + i, 0.4, 0.4), "2025-03-01T00:00:00.000Z");
      const asking = await orgOf(await makeOrganization({ name: "食品新厂", ...food }));
      expect(await peerBenchmark(db, asking, sme(45, 0.4, 0.4))).toEqual({ shown: false, needed: 1, minimum: 5 });
      const lone = await db.selectFrom("organization").selectAll().where("name", "=", "独家企业").executeTakeFirstOrThrow();
      expect(await peerBenchmark(db, lone, sme(70, 0.7, 0.7))).toEqual({ shown: false, needed: 5, minimum: 5 });
      // The own cohort of the subject in 慈溪 (C34, 规上): no one there; city-wide C34 minus itself is seven.
      const elsewhere = { ...subject, id: "not-a-peer-id", districtCode: "330282" };
      expect(await peerBenchmark(db, elsewhere, subjectResult)).toMatchObject({ shown: true, cohort: "regionIndustry", peers: 7 });
    });

    it("shows the own cohort from the fifth peer, with the percentile of the total and of each dimension", async () => {
      const db = await getDb();
      const p5 = await makeOrganization({ name: "同行五", districtCode: "330206", industryCode: "C3451", aboveScale: "on" });
      const member = await makeUser("member", { organizationId: p5 });
      await assessed(db, p5, member.id, sme(70, 0.9, 0.31), "2025-02-09T00:00:00.000Z");
      const r = await peerBenchmark(db, subject, subjectResult);
      // peers' totals 30, 40, 50, 50, 70 vs 50: 2 below, 2 equal → (2 + 1) / 5 = 60
      // basis 0.2, 0.5, 0.6, 0.5, 0.9 vs 0.5: 1 below, 2 equal → 40; effect 0.1, 0.2, 0.25, 0.3, 0.31 vs 0.3: 3 below, 1 equal → 70
      expect(r).toEqual({
        shown: true, cohort: "districtIndustryScale", industryDivision: "C34", aboveScale: true, peers: 5, total: 60,
        dimensions: [
          { id: "basis", name: { zh: "维度basis", en: "dimension basis" }, peers: 5, percentile: 40 },
          { id: "effect", name: { zh: "维度effect", en: "dimension effect" }, peers: 5, percentile: 70 },
        ],
      });
    });

    it("puts the panel on the result page, and a hidden one carries no values", async () => {
      const shown = await call(resultRoute.loader, { path: `/assessments/${subjectAssessment}/result`, params: { assessmentId: subjectAssessment }, cookie: memberCookie });
      expect(shown.status).toBe(200);
      expect((shown.data as any).peers).toMatchObject({ shown: true, cohort: "districtIndustryScale", peers: 5, total: 60 });
      const hidden = await call(resultRoute.loader, { path: `/assessments/${loneAssessment}/result`, params: { assessmentId: loneAssessment }, cookie: loneCookie });
      expect((hidden.data as any).peers).toEqual({ shown: false, needed: 5, minimum: 5 });
      for (const name of ["同行一", "同行二", "同行三", "同行四", "同行五", "鄞州同行"]) expect(hidden.body).not.toContain(name);
    });
  });
}
