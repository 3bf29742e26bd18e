// Accounts, sessions, throttling, cross-site posts, consultant grants, API tokens and the JSON API,
// through the real loaders and actions on a temp SQLite database.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets } from "../db/targets";
import { call, makeOrganization, makeUser, ORIGIN, startTestApp, TEST_PASSWORD, type TestApp } from "./harness";
import { getDb } from "~/db/db.server";
import { clearFrameworkCache, frameworksDir } from "~/domain/frameworks.server";
import { createAssessment } from "~/repos/assessments.server";
import * as signup from "~/routes/signup";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as orgsIndex from "~/routes/orgs._index";
import * as profile from "~/routes/orgs.$orgId.profile";
import * as access from "~/routes/orgs.$orgId.access";
import * as tokens from "~/routes/orgs.$orgId.tokens";
import * as admin from "~/routes/admin._index";
import * as apiList from "~/routes/api.v1.assessments._index";
import * as apiOne from "~/routes/api.v1.assessments.$assessmentId._index";
import * as openapi from "~/routes/api.openapi[.]json";
import * as lang from "~/routes/lang";

const FIXTURES = fileURLToPath(new URL("../../unit/app/fixtures", import.meta.url));

const profileForm = {
  name: "宁波测试精密有限公司", industryCode: "C3484", districtCode: "330206", employees: "120", revenueBand: "20m-100m", flags: ["zjtx"],
};

for (const target of databaseTargets()) describe(`accounts, sessions and the API on ${target.name}`, () => {
  let app: TestApp;
  beforeAll(async () => {
    process.env.ZHIPING_FRAMEWORKS_DIR = FIXTURES;
    clearFrameworkCache();
    app = await startTestApp(target);
    expect(frameworksDir()).toBe(FIXTURES);
  });
  afterAll(async () => {
    delete process.env.TRUST_PROXY;
    delete process.env.ZHIPING_FRAMEWORKS_DIR;
    clearFrameworkCache();
    await app.close();
  });

  it("signs up an enterprise: every bad field named, then an account, an organisation and a session cookie", async () => {
    const bad = await call(signup.action, { method: "POST", path: "/signup", form: { userName: "", email: "nope", password: "short", passwordConfirm: "short", ...profileForm, industryCode: "X1" } });
    expect(bad.status).toBe(400);
    expect((bad.data as any).errors).toEqual({ userName: "errors.personName", email: "errors.email", password: "errors.password", industryCode: "errors.industryCode" });
    expect(JSON.stringify(bad.data)).not.toContain("short"); // the password is not echoed

    const ok = await call(signup.action, { method: "POST", path: "/signup", form: { userName: "王强", email: "Wang@Example.test", password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD, ...profileForm } });
    expect(ok.status).toBe(302);
    expect(ok.location).toMatch(/^\/orgs\/[a-z0-9]{16}$/);
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^zp_session=[^;]+; Max-Age=1209600; Path=\/; HttpOnly; SameSite=Lax$/);
    const db = await getDb();
    const user = await db.selectFrom("user").selectAll().where("email", "=", "wang@example.test").executeTakeFirstOrThrow();
    expect(user.role).toBe("member");
    const dup = await call(signup.action, { method: "POST", path: "/signup", form: { userName: "x", email: "wang@example.test", password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD, ...profileForm } });
    expect((dup.data as any).errors).toEqual({ email: "errors.emailTaken" });
  });

  it("marks the cookie Secure when the request came over https through a trusted proxy", async () => {
    process.env.TRUST_PROXY = "1";
    try {
      const r = await call(login.action, {
        method: "POST", path: "/login", origin: "https://zhiping.example",
        headers: { "x-forwarded-proto": "https", "x-forwarded-host": "zhiping.example" },
        form: { email: "wang@example.test", password: TEST_PASSWORD },
      });
      expect(r.status).toBe(302);
      expect(r.headers.get("set-cookie")).toContain("; Secure");
    } finally {
      delete process.env.TRUST_PROXY;
    }
  });

  it("signs in, throttles after five failures for that account only, and refuses cross-site posts", async () => {
    const wrong = await call(login.action, { method: "POST", path: "/login", form: { email: "wang@example.test", password: "wrong password" } });
    expect(wrong.status).toBe(400);
    expect((wrong.data as any).error.key).toBe("auth.login.failed");
    const unknown = await call(login.action, { method: "POST", path: "/login", form: { email: "nobody@example.test", password: "wrong password" } });
    expect((unknown.data as any).error.key).toBe("auth.login.failed"); // same answer: no account probing
    for (let i = 0; i < 4; i++) await call(login.action, { method: "POST", path: "/login", form: { email: "wang@example.test", password: `wrong ${i}` } });
    const blocked = await call(login.action, { method: "POST", path: "/login", form: { email: "wang@example.test", password: TEST_PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(890);
    expect((blocked.data as any).error).toEqual({ key: "auth.login.throttled", params: { minutes: 15 } });
    const other = await makeUser("member");
    const fine = await call(login.action, { method: "POST", path: "/login", form: { email: other.email, password: TEST_PASSWORD, redirectTo: "//evil.test" } });
    expect(fine.status).toBe(302);
    expect(fine.location).toBe("/orgs"); // an off-site redirectTo is ignored
    const cross = await call(login.action, { method: "POST", path: "/login", origin: "https://evil.test", form: { email: other.email, password: TEST_PASSWORD } });
    expect(cross.status).toBe(403);
  });

  it("ends the session on sign-out (server side, not only the cookie)", async () => {
    const u = await makeUser("consultant");
    expect((await call(orgsIndex.loader, { path: "/orgs", cookie: u.cookie })).status).toBe(200);
    const out = await call(logout.action, { method: "POST", path: "/logout", cookie: u.cookie });
    expect(out.status).toBe(302);
    const after = await call(orgsIndex.loader, { path: "/orgs", cookie: u.cookie });
    expect(after.status).toBe(302);
    expect(after.location).toBe("/login?redirectTo=%2Forgs");
  });

  it("edits the profile with field errors, refuses it to a consultant (403) and to a cross-site post", async () => {
    const orgId = await makeOrganization({ name: "档案测试企业" });
    const member = await makeUser("member", { organizationId: orgId });
    const consultant = await makeUser("consultant");
    const db = await getDb();
    await (await import("~/repos/grants.server")).grantConsultant(db, orgId, consultant.id, member.id);
    const bad = await call(profile.action, { method: "POST", path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: member.cookie, form: { ...profileForm, employees: "0" } });
    expect(bad.status).toBe(400);
    expect((bad.data as any).errors).toEqual({ employees: "errors.employees" });
    const ok = await call(profile.action, { method: "POST", path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: member.cookie, form: { ...profileForm, name: "档案已改企业" } });
    expect((ok.data as any).ok).toBe(true);
    const read = await call(profile.loader, { path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: consultant.cookie });
    expect((read.data as any).org.name).toBe("档案已改企业");
    expect((read.data as any).canEdit).toBe(false);
    expect((await call(profile.action, { method: "POST", path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: consultant.cookie, form: profileForm })).status).toBe(403);
    expect((await call(profile.action, { method: "POST", path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: member.cookie, origin: "http://evil.test", form: profileForm })).status).toBe(403);
    expect((await call(admin.loader, { path: "/admin", cookie: member.cookie })).status).toBe(403);
  });

  it("grants a consultant by e-mail (the same message for unknown and non-consultant addresses) and revokes", async () => {
    const orgId = await makeOrganization({ name: "授权企业" });
    const member = await makeUser("member", { organizationId: orgId });
    const consultant = await makeUser("consultant");
    const notConsultant = await makeUser("member");
    const none = await call(access.action, { method: "POST", path: `/orgs/${orgId}/access`, params: { orgId }, cookie: member.cookie, form: { intent: "grant", email: "ghost@example.test" } });
    const wrongRole = await call(access.action, { method: "POST", path: `/orgs/${orgId}/access`, params: { orgId }, cookie: member.cookie, form: { intent: "grant", email: notConsultant.email } });
    expect([none.status, wrongRole.status]).toEqual([400, 400]);
    expect(none.data).toEqual(wrongRole.data);
    expect((await call(profile.loader, { path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: consultant.cookie })).status).toBe(404);
    await call(access.action, { method: "POST", path: `/orgs/${orgId}/access`, params: { orgId }, cookie: member.cookie, form: { intent: "grant", email: consultant.email } });
    expect((await call(profile.loader, { path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: consultant.cookie })).status).toBe(200);
    const grants = (await call(access.loader, { path: `/orgs/${orgId}/access`, params: { orgId }, cookie: member.cookie })).data as any;
    await call(access.action, { method: "POST", path: `/orgs/${orgId}/access`, params: { orgId }, cookie: member.cookie, form: { intent: "revoke", grantId: grants.grants[0].id } });
    expect((await call(profile.loader, { path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: consultant.cookie })).status).toBe(404);
  });

  it("creates an API token shown once, serves the API with it, and stops after revocation", async () => {
    const orgId = await makeOrganization({ name: "接口企业" });
    const member = await makeUser("member", { organizationId: orgId });
    const db = await getDb();
    for (let i = 0; i < 3; i++) await createAssessment(db, { organizationId: orgId, frameworkId: "mini-sme", frameworkVersion: "1.0.0", industryType: "discrete", actorId: member.id });
    const created = await call(tokens.action, { method: "POST", path: `/orgs/${orgId}/tokens`, params: { orgId }, cookie: member.cookie, form: { intent: "create", name: "ERP 同步" } });
    const token = (created.data as any).token as string;
    expect(token).toMatch(/^zp_/);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const listed = await call(tokens.loader, { path: `/orgs/${orgId}/tokens`, params: { orgId }, cookie: member.cookie });
    expect(listed.body).not.toContain(token.slice(10));
    expect((listed.data as any).tokens[0].tokenPrefix).toBe(token.slice(0, 10));

    const noAuth = await call(apiList.loader, { path: "/api/v1/assessments" });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get("www-authenticate")).toBe('Bearer realm="zhiping"');
    expect((noAuth.data as any).error.code).toBe("unauthorized");
    const auth = { authorization: `Bearer ${token}` };
    const page1 = await call(apiList.loader, { path: "/api/v1/assessments?limit=2", headers: auth });
    expect((page1.data as any).items).toHaveLength(2);
    expect((page1.data as any).next).toBe("/api/v1/assessments?limit=2&offset=2");
    const page2 = await call(apiList.loader, { path: "/api/v1/assessments?limit=2&offset=2", headers: auth });
    expect((page2.data as any)).toMatchObject({ next: null });
    expect((page2.data as any).items).toHaveLength(1);
    const badLimit = await call(apiList.loader, { path: "/api/v1/assessments?limit=500", headers: auth });
    expect(badLimit.status).toBe(400);
    expect(badLimit.data).toEqual({ error: { code: "invalid_parameter", message: 'query parameter `limit` must be a whole number from 1 to 200 (got "500")' } });
    const one = await call(apiOne.loader, { path: `/api/v1/assessments/${(page1.data as any).items[0].id}`, params: { assessmentId: (page1.data as any).items[0].id }, headers: auth });
    expect((one.data as any)).toMatchObject({ organizationId: orgId, frameworkId: "mini-sme", status: "draft", answers: {} });

    const tokenId = (listed.data as any).tokens[0].id;
    await call(tokens.action, { method: "POST", path: `/orgs/${orgId}/tokens`, params: { orgId }, cookie: member.cookie, form: { intent: "revoke", tokenId } });
    expect((await call(apiList.loader, { path: "/api/v1/assessments", headers: auth })).status).toBe(401);
  });

  it("serves an OpenAPI 3.1 document describing the API paths with the request's origin", async () => {
    const doc = (await call(openapi.loader, { path: "/api/openapi.json" })).data as any;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: ORIGIN }]);
    expect(Object.keys(doc.paths)).toEqual(["/api/v1/assessments", "/api/v1/assessments/{assessmentId}", "/api/v1/assessments/{assessmentId}/result", "/api/v1/telemetry/lines"]);
    // every $ref points at a schema that exists
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });

  it("switches the language with a cookie and goes back only to local pages", async () => {
    const r = await call(lang.loader, { path: "/lang?set=en&redirectTo=%2Forgs%3Fq%3D1" });
    expect(r.location).toBe("/orgs?q=1");
    expect(r.headers.get("set-cookie")).toBe("zp_lang=en; Path=/; Max-Age=31536000; SameSite=Lax");
    const evil = await call(lang.loader, { path: "/lang?set=en&redirectTo=https%3A%2F%2Fevil.test" });
    expect(evil.location).toBe("/");
    // a one-page ?lang= in the way back would override the choice: it is dropped
    const back = await call(lang.loader, { path: "/lang?set=zh&redirectTo=%2Forgs%3Flang%3Den%26page%3D2" });
    expect(back.location).toBe("/orgs?page=2");
  });

  it("refuses a form body declared larger than 1 MB before reading it (413)", async () => {
    const orgId = await makeOrganization({ name: "大表单企业" });
    const member = await makeUser("member", { organizationId: orgId });
    const big = { "content-length": String(2 * 1024 * 1024), "content-type": "application/x-www-form-urlencoded" };
    expect((await call(profile.action, { method: "POST", path: `/orgs/${orgId}/profile`, params: { orgId }, cookie: member.cookie, headers: big, form: profileForm })).status).toBe(413);
    expect((await call(login.action, { method: "POST", path: "/login", headers: big, form: { email: member.email, password: TEST_PASSWORD } })).status).toBe(413);
  });
});
