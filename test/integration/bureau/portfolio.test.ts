// The standing sync and the portfolio queries on SQLite and PostgreSQL: five enterprises with hand-chosen
// results (and engine-scored 未来工厂 assessments), then every count, filter, sort, summary and target the
// page shows, checked against values worked out by hand; then changes (a profile moved to another
// district, a new result) caught up by the next sync.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FILTERS, type PortfolioFilters } from "~/bureau/filters";
import { byDistrict, funnel, totalOf } from "~/bureau/portfolio-math";
import { countsByDistrict, countsByIndustry, libraryPage, libraryRows, portfolioReference, type PortfolioReference } from "~/bureau/portfolio.server";
import { bureauDb } from "~/bureau/schema";
import { SYNC_WINDOW_MS, syncStandings } from "~/bureau/standing.server";
import { readSummary } from "~/bureau/summary.server";
import { listTargets } from "~/bureau/targets.server";
import { metricValue, SERIES } from "~/bureau/targets";
import type { Database } from "~/db/connection.server";
import type { DB } from "~/db/schema";
import { getFramework } from "~/domain/frameworks.server";
import { parseOrganizationInput } from "~/domain/organization-input";
import { updateOrganization } from "~/repos/organizations.server";
import { createUser } from "~/repos/users.server";
import { ladderAnswersAtRung } from "../../../scripts/cli/demo-bureau";
import { databaseTargets } from "../db/targets";
import { assessed, audited, cloud, enterprise, madeResult } from "./fixtures";

const CITY = { regionCode: "330200", districtCode: null };

for (const target of databaseTargets()) {
  describe(`bureau portfolio on ${target.name}`, () => {
    let database: Database;
    let db: Kysely<DB>;
    let ref: PortfolioReference;
    const id: Record<"a" | "b" | "c" | "d" | "e", string> = { a: "", b: "", c: "", d: "", e: "" };
    let actor = "";
    const q = (f: Partial<PortfolioFilters>, scope: { regionCode: string; districtCode: string | null } = CITY) => countsByDistrict(db, scope, { ...DEFAULT_FILTERS, ...f }, ref);
    const names = async (f: Partial<PortfolioFilters>, scope: { regionCode: string; districtCode: string | null } = CITY) =>
      (await libraryPage(db, scope, { ...DEFAULT_FILTERS, ...f }, ref)).rows.map((r) => r.name.slice(0, 1));

    beforeAll(async () => {
      database = await target.open();
      db = database.db;
      actor = await createUser(db, { email: "owner@example.cn", name: "企业用户", passwordHash: "scrypt$1$1$1$AA$AA", role: "member" });
      id.a = await enterprise(db, actor, { name: "A甬江精工", districtCode: "330206", industryCode: "C3484", flags: ["zjtx"], employees: "300", revenueBand: "100m-400m" });
      id.b = await enterprise(db, actor, { name: "B澜海石化", districtCode: "330206", industryCode: "C2614", clusterCode: "petrochem", flags: ["high_tech", "cloud_benchmark"], employees: "1200", revenueBand: "ge1b" });
      id.c = await enterprise(db, actor, { name: "C鄞城汽配", districtCode: "330212", industryCode: "C3670", aboveScale: "", employees: "50", revenueBand: "5m-20m" });
      id.d = await enterprise(db, actor, { name: "D慈溪家电", districtCode: "330281", industryCode: "C3859", clusterCode: "fashion_consumer", flags: ["zjtx"], employees: "400", revenueBand: "100m-400m" });
      id.e = await enterprise(db, actor, { name: "E鄞州新厂", districtCode: "330212", industryCode: "C3484", employees: "80", revenueBand: "20m-100m" });

      const ladder = getFramework("future-factory")!;
      const rung = (n: number, cmmm: number, thirdParty: boolean) => ladderAnswersAtRung(ladder, n, 40 + n * 7 + cmmm, cmmm, thirdParty).result;
      // A: SME level 2 with ERP on cloud; CMMM 2; 未来工厂 rung 1 in 2023-06, rung 2 in 2025-02 (tier 基础级 from a self-assessed CMMM 2)
      await assessed(db, id.a, actor, madeResult("sme-digital-2024", 2, 55), "2024-03-10T02:00:00.000Z", cloud("operations-cloud"));
      await assessed(db, id.a, actor, madeResult("cmmm", 2, 2.2, [], 5), "2024-05-01T02:00:00.000Z");
      await assessed(db, id.a, actor, rung(1, 2, false), "2023-06-15T02:00:00.000Z");
      await assessed(db, id.a, actor, rung(2, 2, false), "2025-02-20T02:00:00.000Z");
      // B: SME level 1 with office software only on cloud; CMMM self 3, audited down to 2; rung 3 in 2024-08 (卓越级)
      await assessed(db, id.b, actor, madeResult("sme-digital-2024", 1, 41), "2025-01-05T02:00:00.000Z", cloud("office-cloud"));
      const bCmmm = await assessed(db, id.b, actor, madeResult("cmmm", 3, 3.1, [], 5), "2024-02-01T02:00:00.000Z");
      await audited(db, bCmmm, 1, madeResult("cmmm", 2, 2.6, [], 5), "2024-04-01T02:00:00.000Z");
      await assessed(db, id.b, actor, rung(3, 3, true), "2024-08-08T02:00:00.000Z");
      // C: SME below level 1 but R&D software on cloud
      await assessed(db, id.c, actor, madeResult("sme-digital-2024", null, 18), "2025-07-01T02:00:00.000Z", cloud("rnd-cloud"));
      // D: CMMM 1 only; E: nothing
      await assessed(db, id.d, actor, madeResult("cmmm", 1, 1.1, [], 5), "2022-11-11T02:00:00.000Z");
      ref = await portfolioReference(db);
    });
    afterAll(async () => {
      await database?.close();
      await target.cleanup();
    });

    it("backfills a standing row per enterprise from its stored verdicts", async () => {
      expect(await syncStandings(db)).toEqual({ backfill: true, enterprises: 5, districts: 3 });
      const rows = await bureauDb(db).selectFrom("enterpriseStanding").selectAll().orderBy("name").execute();
      const by = (name: string) => rows.find((r) => r.name.startsWith(name))!;
      expect(by("A")).toMatchObject({
        smeLevel: 2, smeTotal: 55, cmmmLevel: 2, ladderRung: 2, tier: "basic", onCloud: 1, smeSize: 1, aboveScale: 1, flagMask: 1,
        cloudAt: "2024-03-10T02:00:00.000Z", rung1At: "2023-06-15T02:00:00.000Z", rung2At: "2025-02-20T02:00:00.000Z", rung3At: null,
        latestAt: "2025-02-20T02:00:00.000Z",
      });
      expect(by("B")).toMatchObject({ cmmmLevel: 2, cmmmTotal: 2.6, ladderRung: 3, tier: "excellent", onCloud: 0, smeSize: 0, flagMask: 8 + 16, rung3At: "2024-08-08T02:00:00.000Z" });
      expect(by("C")).toMatchObject({ smeLevel: 0, onCloud: 1, aboveScale: 0, ladderRung: null, tier: null });
      expect(by("D")).toMatchObject({ cmmmLevel: 1, smeLevel: null, ladderRung: null, onCloud: 0, industryDivision: "C38", clusterCode: "fashion_consumer" });
      expect(by("E")).toMatchObject({ cmmmLevel: null, smeLevel: null, ladderRung: null, onCloud: 0, latestAt: null });
    });

    it("counts the ladder and the levels per district", async () => {
      const rows = await q({});
      expect(totalOf(rows)).toBe(5);
      expect(funnel(rows)).toEqual({ cloud: 2, workshop: 2, factory: 2, future: 1 });
      const d = byDistrict(rows, "cmmm", ["330206", "330212", "330281"]);
      expect(d.counts[0]).toEqual([0, 2, 0]); // not assessed: C, E
      expect(d.counts[2]).toEqual([0, 0, 1]); // level 1: D
      expect(d.counts[3]).toEqual([2, 0, 0]); // level 2: A, B (B's audit)
      const industries = await countsByIndustry(db, CITY, { ...DEFAULT_FILTERS, scheme: "sme" }, ref);
      expect(industries.filter((r) => r.industryDivision === "C34").reduce((s, r) => s + r.n, 0)).toBe(2);
    });

    it("filters by every dimension of the URL", async () => {
      expect(await names({ cluster: "g246_appliances" })).toEqual(["D"]); // C3859 is in C385
      expect(await names({ cluster: "g246_petrochem" })).toEqual(["B"]); // by industry C26
      expect(await names({ cluster: "petrochem" })).toEqual(["B"]); // "361" by the profile's cluster
      expect(await names({ cluster: "g246_equipment" })).toEqual(["A", "E"]);
      expect(await names({ flags: ["zjtx"] })).toEqual(["A", "D"]);
      expect(await names({ flags: ["high_tech", "zjtx"] })).toEqual(["A", "B", "D"]);
      expect(await names({ tier: "none" })).toEqual(["C", "D", "E"]);
      expect(await names({ tier: "basic" })).toEqual(["A"]);
      expect(await names({ level: "na" })).toEqual(["C", "E"]);
      expect(await names({ scheme: "sme", level: 0 })).toEqual(["C"]);
      expect(await names({ ready: "cloud" })).toEqual(["A", "C"]);
      expect(await names({ ready: "factory" })).toEqual(["A", "B"]);
      expect(await names({ ready: "future" })).toEqual(["B"]);
      expect(await names({ scale: "below" })).toEqual(["C"]);
      expect(await names({ industry: "C34", district: "330212" })).toEqual(["E"]);
      expect(await names({ q: "澜海" })).toEqual(["B"]);
      expect(await names({ q: "%" })).toEqual([]); // a wildcard is searched for literally
      expect(await names({}, { regionCode: "330200", districtCode: "330212" })).toEqual(["C", "E"]);
      expect(await names({}, { regionCode: "330100", districtCode: null })).toEqual([]);
    });

    it("sorts the library with enterprises lacking a value last either way, and pages it", async () => {
      expect(await names({ sort: "cmmm", dir: "desc" })).toEqual(["A", "B", "D", "C", "E"]);
      expect(await names({ sort: "cmmm", dir: "asc" })).toEqual(["D", "A", "B", "C", "E"]);
      expect(await names({ sort: "rung", dir: "desc" })).toEqual(["B", "A", "C", "D", "E"]);
      expect(await names({ sort: "name", dir: "desc" })).toEqual(["E", "D", "C", "B", "A"]);
      expect(await names({ sort: "district" })).toEqual(["A", "B", "C", "E", "D"]);
      expect(await names({ page: 2 })).toEqual([]);
      const batches: string[][] = [];
      for await (const batch of libraryRows(db, CITY, DEFAULT_FILTERS, ref, 2)) batches.push(batch.map((r) => `${r.name.slice(0, 1)}:${r.employees}`));
      expect(batches).toEqual([["A:300", "B:1200"], ["C:50", "D:400"], ["E:80"]]);
    });

    it("keeps per-district summaries behind the targets and the progress chart", async () => {
      const summary = await readSummary(db, CITY);
      expect(summary.monthly.get(SERIES.reachedRung1)).toEqual(new Map([["2023-06", 1], ["2024-08", 1]]));
      expect(summary.monthly.get(SERIES.reachedRung3)).toEqual(new Map([["2024-08", 1]]));
      expect(summary.monthly.get(SERIES.reachedCloud)).toEqual(new Map([["2024-03", 1], ["2025-07", 1]]));
      expect(summary.stock.get(SERIES.enterprises)).toBe(5);
      expect(summary.stock.get(SERIES.smeOnCloud)).toBe(2); // A and C (B is no SME and not on cloud)
      expect(summary.stock.get(SERIES.cloudBenchmark)).toBe(1);
      expect(summary.stock.get(SERIES.aboveScale)).toBe(4);
      const targets = await listTargets(db, "330200");
      expect(targets.map((t) => [t.metric, t.targetValue, metricValue(t, summary)])).toEqual([
        ["newWorkshopOrFactory", 400, 2],
        ["newFutureFactory", 15, 1],
        ["smeOnCloud", 100_000, 2],
        ["cloudBenchmark", 150, 1],
        ["aboveScaleTransformed", 100, 25], // 1 of 4 规上 enterprises at SME level ≥ 2
      ]);
      const beilun = await readSummary(db, { regionCode: "330200", districtCode: "330206" });
      expect(beilun.stock.get(SERIES.enterprises)).toBe(2);
    });

    it("catches up a moved enterprise and a new result on the next sync, in both districts' summaries", async () => {
      const input = parseOrganizationInput({
        name: "C鄞城汽配", creditCode: "", industryCode: "C3670", districtCode: "330206", clusterCode: "", aboveScale: "", employees: "50", revenueBand: "5m-20m", flags: [],
      });
      if (!input.ok) throw new Error("input");
      await updateOrganization(db, id.c, input.value, actor);
      const now = new Date().toISOString();
      await assessed(db, id.d, actor, madeResult("future-factory", 1, 61), now);
      const report = await syncStandings(db);
      expect(report.backfill).toBe(false);
      expect(report.enterprises).toBeGreaterThanOrEqual(2);
      expect(await names({}, { regionCode: "330200", districtCode: "330212" })).toEqual(["E"]);
      expect(await names({}, { regionCode: "330200", districtCode: "330206" })).toEqual(["A", "B", "C"]);
      expect(funnel(await q({})).workshop).toBe(3);
      expect((await readSummary(db, { regionCode: "330200", districtCode: "330212" })).stock.get(SERIES.enterprises)).toBe(1);
      expect((await readSummary(db, { regionCode: "330200", districtCode: "330206" })).stock.get(SERIES.enterprises)).toBe(3);
      expect((await readSummary(db, CITY)).monthly.get(SERIES.reachedRung1)?.get(now.slice(0, 7))).toBe(1);
      // Nothing new: the next sync recomputes nothing.
      expect(await syncStandings(db)).toEqual({ backfill: false, enterprises: 0, districts: 0 });
    });

    it("moves its cursors to a window before now, and still applies a change stamped within that window but seen late", async () => {
      const before = Date.now();
      await syncStandings(db);
      const cursors = await bureauDb(db).selectFrom("bureauSyncState").select(["name", "cursor"]).where("name", "in", ["results", "organizations"]).execute();
      expect(cursors).toHaveLength(2);
      for (const c of cursors) {
        const at = Date.parse(c.cursor);
        expect(at).toBeGreaterThanOrEqual(before - SYNC_WINDOW_MS);
        expect(at).toBeLessThanOrEqual(Date.now() - SYNC_WINDOW_MS);
      }
      // A result stamped five minutes ago (a transaction that committed late) is after the cursor: applied.
      await assessed(db, id.e, actor, madeResult("cmmm", 3, 3.3, [], 5), new Date(Date.now() - 5 * 60_000).toISOString());
      expect(await syncStandings(db)).toMatchObject({ enterprises: 1 });
      expect((await bureauDb(db).selectFrom("enterpriseStanding").select("cmmmLevel").where("organizationId", "=", id.e).executeTakeFirstOrThrow()).cmmmLevel).toBe(3);
    });
  });
}
