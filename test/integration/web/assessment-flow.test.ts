// The self-assessment, result and audit flow through the real loaders and actions (a temp SQLite
// database, the small test frameworks in test/unit/app/fixtures whose results are computed by hand).
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets } from "../db/targets";
import { call, makeOrganization, makeUser, startTestApp, type TestApp } from "./harness";
import { getDb } from "~/db/db.server";
import { clearFrameworkCache } from "~/domain/frameworks.server";
import { grantConsultant } from "~/repos/grants.server";
import * as orgOverview from "~/routes/orgs.$orgId._index";
import * as qIndex from "~/routes/assessments.$assessmentId.q._index";
import * as qPage from "~/routes/assessments.$assessmentId.q.$pageId";
import * as review from "~/routes/assessments.$assessmentId.review";
import * as resultRoute from "~/routes/assessments.$assessmentId.result";
import * as exportRoute from "~/routes/assessments.$assessmentId.export.$format";
import * as auditIndex from "~/routes/assessments.$assessmentId.audit._index";
import * as auditPage from "~/routes/assessments.$assessmentId.audit.$pageId";
import * as compare from "~/routes/assessments.$assessmentId.compare";
import * as trail from "~/routes/assessments.$assessmentId.trail";

const FIXTURES = fileURLToPath(new URL("../../unit/app/fixtures", import.meta.url));

for (const target of databaseTargets()) describe(`self-assessment → result → audit, through loaders and actions on ${target.name}`, () => {
  let app: TestApp;
  let member: Awaited<ReturnType<typeof makeUser>>;
  let consultant: Awaited<ReturnType<typeof makeUser>>;
  let orgId: string;
  let assessmentId: string;

  beforeAll(async () => {
    process.env.ZHIPING_FRAMEWORKS_DIR = FIXTURES;
    clearFrameworkCache();
    app = await startTestApp(target);
    orgId = await makeOrganization({ name: "甬江精工" });
    member = await makeUser("member", { organizationId: orgId, name: "王强" });
    consultant = await makeUser("consultant", { name: "李顾问" });
    await grantConsultant(await getDb(), orgId, consultant.id, member.id);
  });
  afterAll(async () => {
    await app.close();
    delete process.env.ZHIPING_FRAMEWORKS_DIR;
    clearFrameworkCache();
  });

  /** The consultant's decision on one question of an audit page, posted as the audit form posts it. */
  const consultantDecides = (pageId: string, form: Record<string, string>) =>
    call(auditPage.action, { method: "POST", path: `/assessments/${assessmentId}/audit/${pageId}`, params: { assessmentId, pageId }, cookie: consultant.cookie, form });

  it("offers the loaded frameworks and starts an assessment of the chosen one", async () => {
    const page = await call(orgOverview.loader, { path: `/orgs/${orgId}`, params: { orgId }, cookie: member.cookie });
    expect((page.data as any).frameworks.map((f: any) => f.id)).toEqual(["mini-maturity", "mini-sme"]);
    const bad = await call(orgOverview.action, { method: "POST", path: `/orgs/${orgId}`, params: { orgId }, cookie: member.cookie, form: { frameworkId: "no-such" } });
    expect(bad.status).toBe(400);
    const started = await call(orgOverview.action, { method: "POST", path: `/orgs/${orgId}`, params: { orgId }, cookie: member.cookie, form: { frameworkId: "mini-sme" } });
    expect(started.status).toBe(302);
    const m = /^\/assessments\/([a-z0-9]+)\/q$/.exec(started.location ?? "");
    expect(m).not.toBeNull();
    assessmentId = m![1];
    const resume = await call(qIndex.loader, { path: `/assessments/${assessmentId}/q`, params: { assessmentId }, cookie: member.cookie });
    expect(resume.location).toBe(`/assessments/${assessmentId}/q/basic`);
  });

  it("keeps valid answers when a neighbour is invalid and names what is wrong in both languages", async () => {
    const post = await call(qPage.action, {
      method: "POST", path: `/assessments/${assessmentId}/q/basic`, params: { assessmentId, pageId: "basic" }, cookie: member.cookie,
      form: { intent: "next", "a:net": "workshop", "a:networked": "135", "a:machines": "40.5", "a:cloud": ["erp", "mes"] },
    });
    expect(post.status).toBe(400);
    const data = post.data as any;
    expect(Object.keys(data.errors).sort()).toEqual(["machines", "networked"]);
    expect(data.errors.networked.zh).toContain("0–100%");
    expect(data.errors.machines.en).toContain("whole number");
    expect(data.submitted.networked).toBe("135");
    const page = await call(qPage.loader, { path: `/assessments/${assessmentId}/q/basic`, params: { assessmentId, pageId: "basic" }, cookie: member.cookie });
    const values = Object.fromEntries((page.data as any).page.sections.flatMap((s: any) => s.questions).map((q: any) => [q.id, q.value]));
    expect(values).toEqual({ net: "workshop", networked: null, machines: null, cloud: ["erp", "mes"] });
    expect((page.data as any).completeness).toEqual({ answered: 2, total: 8, ratio: 0.25 });
  });

  it("autosaves one answer from a fetcher and says which question was saved", async () => {
    const saved = await call(qPage.action, {
      method: "POST", path: `/assessments/${assessmentId}/q/basic`, params: { assessmentId, pageId: "basic" }, cookie: member.cookie,
      form: { intent: "autosave", q: "networked", "a:networked": "35%" },
    });
    expect(saved.status).toBe(200);
    expect(saved.data).toMatchObject({ errors: {}, saved: ["networked"], changed: ["networked"] });
    const foreign = await call(qPage.action, {
      method: "POST", path: `/assessments/${assessmentId}/q/basic`, params: { assessmentId, pageId: "basic" }, cookie: member.cookie,
      form: { intent: "autosave", q: "plan", "a:plan": "yes" },
    });
    expect(foreign.status).toBe(400); // "plan" is not on this page
  });

  it("moves on page by page and refuses to submit while anything is unanswered", async () => {
    const basic = await call(qPage.action, {
      method: "POST", path: `/assessments/${assessmentId}/q/basic`, params: { assessmentId, pageId: "basic" }, cookie: member.cookie,
      form: { intent: "next", "a:net": "workshop", "a:networked": "35", "a:machines": "40", "a:cloud": ["erp", "mes"] },
    });
    expect(basic.location).toBe(`/assessments/${assessmentId}/q/business`);
    const early = await call(review.action, { method: "POST", path: `/assessments/${assessmentId}/review`, params: { assessmentId }, cookie: member.cookie });
    expect(early.status).toBe(400);
    const business = await call(qPage.action, {
      method: "POST", path: `/assessments/${assessmentId}/q/business`, params: { assessmentId, pageId: "business" }, cookie: member.cookie,
      form: { intent: "next", "a:design": "2", "a:production": "3", "a:quality": "2" },
    });
    expect(business.location).toBe(`/assessments/${assessmentId}/q/management`);
    const last = await call(qPage.action, {
      method: "POST", path: `/assessments/${assessmentId}/q/management`, params: { assessmentId, pageId: "management" }, cookie: member.cookie,
      form: { intent: "review", "a:plan": "draft" },
    });
    expect(last.location).toBe(`/assessments/${assessmentId}/review`);
  });

  it("submits, stores the result the engine computes, and shows it: 4 + 3 + 4 + 2.5 = 13.5 points, level 2", async () => {
    const before = await call(review.loader, { path: `/assessments/${assessmentId}/review`, params: { assessmentId }, cookie: member.cookie });
    expect((before.data as any).level).toMatchObject({ value: 2, ceiling: 2 });
    const submit = await call(review.action, { method: "POST", path: `/assessments/${assessmentId}/review`, params: { assessmentId }, cookie: member.cookie });
    expect(submit.location).toBe(`/assessments/${assessmentId}/result`);
    const again = await call(review.action, { method: "POST", path: `/assessments/${assessmentId}/review`, params: { assessmentId }, cookie: member.cookie });
    expect(again.status).toBe(409);

    const row = await (await getDb()).selectFrom("result").selectAll().where("assessmentId", "=", assessmentId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: "self", level: 2, totalScore: 13.5, totalMax: 20, frameworkId: "mini-sme", frameworkVersion: "1.0.0", completeness: 1 });

    const page = await call(resultRoute.loader, { path: `/assessments/${assessmentId}/result`, params: { assessmentId }, cookie: member.cookie });
    const view = (page.data as any).view;
    expect((page.data as any).provisional).toBe(false);
    expect(view.total).toEqual({ score: 13.5, max: 20 });
    // basic 11/15, business (scenes 2+3+2 of 12) 7/12, management 2.5/5
    expect(view.radar.ids).toEqual(["basic", "business", "management"]);
    expect(view.radar.values).toEqual([73.3, 58.3, 50]);
    expect(view.bars.ids).toEqual(["network", "equipment", "systems", "s-design", "s-production", "s-quality", "planning"]);
    expect(view.bars.values).toEqual([100, 50, 80, 50, 75, 50, 50]);
    expect(view.gates.map((g: any) => [g.level, g.met])).toEqual([[1, true], [2, true]]);
    // Submitted answers are frozen.
    const locked = await call(qPage.action, {
      method: "POST", path: `/assessments/${assessmentId}/q/management`, params: { assessmentId, pageId: "management" }, cookie: member.cookie,
      form: { intent: "save", "a:plan": "yes" },
    });
    expect(locked.status).toBe(400);
  });

  it("exports the result as CSV (UTF-8 with BOM, quoted) and JSON", async () => {
    const csv = await call(exportRoute.loader, { path: `/assessments/${assessmentId}/export/csv`, params: { assessmentId, format: "csv" }, cookie: member.cookie });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.body.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe('"section","id","name","score","max","ratio","level"');
    expect(lines[1]).toBe('"total","mini-sme","小型数字化评测（测试） 1.0.0","13.5","20","0.675","2"');
    expect(lines).toContain('"answer","cloud","哪些系统已上云？","ERP、MES","","",""');
    const json = await call(exportRoute.loader, { path: `/assessments/${assessmentId}/export/json`, params: { assessmentId, format: "json" }, cookie: member.cookie });
    expect((json.data as any).self.result.total.score).toBe(13.5);
    expect((json.data as any).answers.networked).toEqual({ type: "percentage", value: 35 });
    const other = await call(exportRoute.loader, { path: `/assessments/${assessmentId}/export/xml`, params: { assessmentId, format: "xml" }, cookie: member.cookie });
    expect(other.status).toBe(404);
  });

  it("lets only the granted consultant audit: an adjustment lowers the audited level to 1 and sign-off freezes version 1", async () => {
    const asMember = await call(auditIndex.loader, { path: `/assessments/${assessmentId}/audit`, params: { assessmentId }, cookie: member.cookie });
    expect(asMember.status).toBe(403);
    const noComment = await consultantDecides("business", { q: "production", decision: "adjust", "a:production": "1", comment: "", evidenceChecked: "" });
    expect(noComment.status).toBe(400);
    const badValue = await consultantDecides("business", { q: "production", decision: "adjust", "a:production": "7", comment: "x", evidenceChecked: "" });
    expect(badValue.status).toBe(400);
    expect((badValue.data as any).message.en).toContain("scene level");
    const adjust = await consultantDecides("business", { q: "production", decision: "adjust", "a:production": "1", comment: "现场仍为纸质工单", evidenceChecked: "车间工单抽查 5 张" });
    expect(adjust.status).toBe(302);
    const accept = await consultantDecides("basic", { q: "net", decision: "accept", comment: "", evidenceChecked: "网络拓扑图" });
    expect(accept.status).toBe(302);

    const overview = await call(auditIndex.loader, { path: `/assessments/${assessmentId}/audit`, params: { assessmentId }, cookie: consultant.cookie });
    // scenes at ≥ 2 are now design and quality only: 2 < 3 → level 2 fails, level 1 holds
    expect((overview.data as any).level.value).toBe(1);
    expect((overview.data as any).decided).toBe(2);
    expect((overview.data as any).undecided).toBe(6);

    const signed = await call(auditIndex.action, { method: "POST", path: `/assessments/${assessmentId}/audit`, params: { assessmentId }, cookie: consultant.cookie, form: { intent: "signoff" } });
    expect(signed.location).toBe(`/assessments/${assessmentId}/compare`);
    const audited = await (await getDb()).selectFrom("result").selectAll().where("assessmentId", "=", assessmentId).where("kind", "=", "audit").execute();
    expect(audited.map((r) => [r.auditVersion, r.level, r.totalScore])).toEqual([[1, 1, 13.5]]);

    const cmp = await call(compare.loader, { path: `/assessments/${assessmentId}/compare`, params: { assessmentId }, cookie: member.cookie });
    const d = cmp.data as any;
    expect(d.self.level).toBe(2);
    expect(d.audited.level).toBe(1);
    expect(d.differences).toHaveLength(1);
    expect(d.differences[0]).toMatchObject({ questionId: "production", levelAlone: 1, totalDelta: 0, comment: "现场仍为纸质工单", evidenceChecked: "车间工单抽查 5 张" });
    expect(d.differences[0].self.zh).toBe("3 级");
    expect(d.differences[0].audited.zh).toBe("1 级");
  });

  it("makes a new audit version for a change after sign-off and records every step in the trail", async () => {
    const later = await consultantDecides("business", { q: "production", decision: "adjust", "a:production": "2", comment: "补充材料后复核", evidenceChecked: "MES 截图" });
    expect(later.status).toBe(302);
    const versions = await (await getDb()).selectFrom("audit").select(["version", "status"]).where("assessmentId", "=", assessmentId).orderBy("version").execute();
    expect(versions).toEqual([{ version: 1, status: "signed" }, { version: 2, status: "open" }]);
    const v1 = await call(compare.loader, { path: `/assessments/${assessmentId}/compare?version=1`, params: { assessmentId }, cookie: member.cookie });
    expect((v1.data as any).audited.level).toBe(1); // frozen
    const v2 = await call(compare.loader, { path: `/assessments/${assessmentId}/compare`, params: { assessmentId }, cookie: member.cookie });
    expect((v2.data as any).audited.level).toBe(2); // production back at 2: three scenes ≥ 2
    const items = ((await call(trail.loader, { path: `/assessments/${assessmentId}/trail`, params: { assessmentId }, cookie: member.cookie })).data as any).items;
    const actions = items.map((e: any) => `${e.action}:${e.subject ?? ""}:${e.actorName}`).reverse();
    expect(actions.filter((a: string) => a.startsWith("audit."))).toEqual([
      "audit.open:v1:李顾问", "audit.decide:production:李顾问", "audit.decide:net:李顾问", "audit.signoff:v1:李顾问", "audit.open:v2:李顾问", "audit.decide:production:李顾问",
    ]);
    expect(actions).toContain("assessment.submit:mini-sme:王强");
  });
});
