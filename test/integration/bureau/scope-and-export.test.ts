// Who sees what on the bureau pages, on SQLite and PostgreSQL: the city bureau sees the city, a district
// bureau its district, a bureau of another region nothing of Ningbo — and any URL naming a district outside
// one's scope is a 404, for the page and the CSV alike. Members and consultants are refused (403). The CSV
// is UTF-8 with a byte-order mark, formula-safe, and holds exactly the enterprises in scope.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "~/routes/bureau.export[.]csv";
import * as portfolioRoute from "~/routes/bureau._index";
import * as targetsRoute from "~/routes/bureau.targets";
import { getDb } from "~/db/db.server";
import { bureauDb } from "~/bureau/schema";
import { syncStandings } from "~/bureau/standing.server";
import { databaseTargets } from "../db/targets";
import { call, makeOrganization, makeUser, startTestApp, type TestApp } from "../web/harness";
import { assessed, cloud, madeResult } from "./fixtures";

const NAMES = {
  beilun: "北仑甬江精工 MARK-BEILUN",
  yinzhou: "鄞州汽配 MARK-YINZHOU",
  formula: '=HYPERLINK("http://evil.example")宁波',
};

for (const target of databaseTargets()) {
  describe(`bureau scope and export on ${target.name}`, () => {
    let app: TestApp;
    const who: Record<"city" | "beilun" | "hangzhou" | "admin" | "member" | "consultant", string> = { city: "", beilun: "", hangzhou: "", admin: "", member: "", consultant: "" };

    beforeAll(async () => {
      app = await startTestApp(target);
      const db = await getDb();
      const beilun = await makeOrganization({ name: NAMES.beilun, districtCode: "330206" });
      await makeOrganization({ name: NAMES.yinzhou, districtCode: "330212", industryCode: "C3670" });
      await makeOrganization({ name: NAMES.formula, districtCode: "330206", industryCode: "C2614" });
      const member = await makeUser("member", { organizationId: beilun });
      await assessed(db, beilun, member.id, madeResult("sme-digital-2024", 2, 61), "2025-03-01T00:00:00.000Z", cloud("rnd-cloud"));
      who.member = member.cookie;
      who.city = (await makeUser("bureau_admin", { regionCode: "330200" })).cookie;
      who.beilun = (await makeUser("bureau_admin", { regionCode: "330206" })).cookie;
      who.hangzhou = (await makeUser("bureau_admin", { regionCode: "330100" })).cookie;
      who.admin = (await makeUser("platform_admin")).cookie;
      who.consultant = (await makeUser("consultant")).cookie;
    });
    afterAll(async () => {
      await app?.close();
    });

    const page = (cookie: string, query = "") => call(portfolioRoute.loader, { path: `/bureau${query}`, cookie });
    const csv = (cookie: string, query = "") => call(exportRoute.loader, { path: `/bureau/export.csv${query}`, cookie });
    const rowsOf = (body: string) => body.replace(/^\uFEFF/, "").split("\r\n").filter((l) => l !== "");

    it("shows the city bureau every enterprise of the city, the district bureau its district only", async () => {
      const city = await page(who.city);
      expect(city.status).toBe(200);
      expect((city.data as any).view.total).toBe(3);
      const beilun = await page(who.beilun);
      expect((beilun.data as any).view.total).toBe(2);
      expect(beilun.body).toContain(NAMES.beilun);
      expect(beilun.body).not.toContain(NAMES.yinzhou);
      expect((beilun.data as any).options.districts.map((d: any) => d.code)).toEqual(["330206"]);
      const admin = await page(who.admin);
      expect((admin.data as any).view.total).toBe(3);
    });

    it("shows a bureau of another region nothing of Ningbo, on the page and in the CSV", async () => {
      const hz = await page(who.hangzhou);
      expect(hz.status).toBe(200);
      expect((hz.data as any).view.total).toBe(0);
      for (const name of Object.values(NAMES)) expect(hz.body).not.toContain(name.slice(0, 6));
      const file = await csv(who.hangzhou);
      expect(file.status).toBe(200);
      expect(rowsOf(file.body)).toHaveLength(1); // the header alone
      for (const name of Object.values(NAMES)) expect(file.body).not.toContain(name.slice(0, 6));
    });

    it("answers 404 to any page or export URL naming a district outside the viewer's scope", async () => {
      expect((await page(who.beilun, "?district=330212")).status).toBe(404);
      expect((await csv(who.beilun, "?district=330212")).status).toBe(404);
      expect((await page(who.hangzhou, "?district=330206")).status).toBe(404);
      expect((await csv(who.hangzhou, "?district=330206")).status).toBe(404);
      expect((await page(who.city, "?district=330106")).status).toBe(404); // a district of Hangzhou
      expect((await page(who.admin, "?region=330100")).status).toBe(404);
      const own = await page(who.beilun, "?district=330206");
      expect((own.data as any).view.total).toBe(2);
      for (const r of [await page(who.beilun, "?district=330212"), await csv(who.beilun, "?district=330212")]) {
        expect(r.body).not.toContain(NAMES.yinzhou);
      }
    });

    it("refuses members and consultants on every bureau page (403)", async () => {
      for (const cookie of [who.member, who.consultant]) {
        expect((await page(cookie)).status).toBe(403);
        expect((await csv(cookie)).status).toBe(403);
        expect((await call(targetsRoute.loader, { path: "/bureau/targets", cookie })).status).toBe(403);
        expect((await call(targetsRoute.action, { method: "POST", path: "/bureau/targets", cookie, form: { intent: "remove", id: "ningbo2025-future" } })).status).toBe(403);
      }
      expect((await page("")).status).toBe(302); // signed out: to the sign-in page
    });

    it("exports the filtered library as UTF-8 CSV with a byte-order mark, formula-safe cells and exact rows", async () => {
      const file = await csv(who.city, "?scale=above");
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="zhiping-portfolio-330200-\d{4}-\d\d-\d\d\.csv"$/);
      expect(file.body.startsWith("\uFEFF企业编号,企业名称,统一社会信用代码,区县,")).toBe(true);
      const lines = rowsOf(file.body);
      expect(lines).toHaveLength(4); // header + three 规上 enterprises, by name
      expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")宁波"`);
      expect(lines.some((l) => l.includes(NAMES.beilun) && l.includes("北仑区") && l.includes(",C34,"))).toBe(true);
      const en = await csv(who.city, "?scale=below&lang=en");
      expect(rowsOf(en.body)).toHaveLength(1);
      expect(en.body.startsWith("\uFEFFEnterprise id,Enterprise,")).toBe(true);
      const bad = await csv(who.city, "?industry=C99&flag=x");
      expect(bad.status).toBe(400);
      expect(bad.body).toBe("invalid parameter: industry, flag\n");
    });

    it("shows an invalid filter as a notice naming the parameter and applies the others", async () => {
      const r = await page(who.city, "?industry=C99&scale=above");
      expect(r.status).toBe(200);
      expect((r.data as any).issues).toEqual([{ param: "industry", value: "C99" }]);
      expect((r.data as any).view.total).toBe(3);
      expect((r.data as any).filters.scale).toBe("above");
    });

    it("lets the city bureau edit targets with field errors, and district bureaus only read them", async () => {
      const post = (cookie: string, form: Record<string, string>) => call(targetsRoute.action, { method: "POST", path: "/bureau/targets", cookie, form });
      const fields = { plan: "宁波市 2027 年目标", metric: "newFutureFactory", param: "", targetValue: "20", baseline: "3", periodStart: "2025-01", periodEnd: "2027-12" };
      expect((await call(targetsRoute.loader, { path: "/bureau/targets", cookie: who.beilun })).data).toMatchObject({ canEdit: false });
      expect((await post(who.beilun, { intent: "save", id: "ningbo2025-future", ...fields })).status).toBe(403);
      expect((await post(who.hangzhou, { intent: "save", id: "ningbo2025-future", ...fields })).status).toBe(403);

      const invalid = await post(who.city, { intent: "save", id: "ningbo2025-future", ...fields, targetValue: "-5", periodEnd: "2027-13" });
      expect(invalid.status).toBe(400);
      expect(invalid.data).toMatchObject({ form: "ningbo2025-future", errors: { targetValue: "bureau.targets.error.targetValue", periodEnd: "bureau.targets.error.period" }, values: { plan: fields.plan } });
      const saved = await post(who.city, { intent: "save", id: "ningbo2025-future", ...fields });
      expect(saved.status).toBe(200);
      const b = bureauDb(await getDb());
      expect(await b.selectFrom("cultivationTarget").select(["plan", "targetValue", "baseline", "periodEnd"]).where("id", "=", "ningbo2025-future").executeTakeFirstOrThrow())
        .toEqual({ plan: fields.plan, targetValue: 20, baseline: 3, periodEnd: "2027-12" });
      expect((await post(who.city, { intent: "add", ...fields, metric: "aboveScaleTransformed", param: "3", targetValue: "80", baseline: "" })).status).toBe(200);
      expect(await b.selectFrom("cultivationTarget").select("id").where("regionCode", "=", "330200").execute()).toHaveLength(6);
      expect((await post(who.city, { intent: "remove", id: "no-such-target" })).status).toBe(404);
      expect((await post(who.city, { intent: "remove", id: "ningbo2025-cloud-benchmarks" })).status).toBe(200);
      expect(await b.selectFrom("cultivationTarget").select("id").where("regionCode", "=", "330200").execute()).toHaveLength(5);
      expect((await post(who.city, { intent: "fly" })).status).toBe(400);
    });

    it("shows progress toward the targets on the page: one enterprise on cloud, SME by size", async () => {
      const r = await page(who.city);
      const targets = (r.data as any).view.targets as Array<{ metric: string; value: number | null }>;
      expect(targets.find((x) => x.metric === "smeOnCloud")?.value).toBe(1);
      expect((r.data as any).view.funnel).toEqual([
        { rung: "cloud", count: 1 }, { rung: "workshop", count: 0 }, { rung: "factory", count: 0 }, { rung: "future", count: 0 },
      ]);
    });

    it("recounts once the standing changed: cached counts follow the data version", async () => {
      const db = await getDb();
      const first = await page(who.city, "?scale=above");
      const actor = await makeUser("member");
      const yinzhou = await db.selectFrom("organization").select("id").where("name", "=", NAMES.yinzhou).executeTakeFirstOrThrow();
      await assessed(db, yinzhou.id, actor.id, madeResult("sme-digital-2024", 1, 30), new Date().toISOString(), cloud("production-cloud"));
      await syncStandings(db); // what the next page's own sync does once its second is up
      const second = await page(who.city, "?scale=above");
      expect((first.data as any).view.funnel[0]).toEqual({ rung: "cloud", count: 1 });
      expect((second.data as any).view.funnel[0]).toEqual({ rung: "cloud", count: 2 });
    });
  });
}
