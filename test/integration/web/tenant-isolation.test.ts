/// <reference types="vite/client" />
// Tenant isolation: every route file of the app (found by globbing app/routes, so a new route cannot be
// forgotten), its loader and its action, called as users of *other* tenants — a member of enterprise B, a
// consultant granted only B, a bureau admin of another district, and B's API token. Every route about A's
// objects answers 404 (A's ids are not even confirmed to exist), no response carries a byte of A's data,
// and nothing of A changes.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets } from "../db/targets";
import { call, makeOrganization, makeUser, startTestApp, type Outcome, type TestApp } from "./harness";
import { getDb } from "~/db/db.server";
import { clearFrameworkCache } from "~/domain/frameworks.server";
import { storeEvidenceFile } from "~/evidence/storage.server";
import { createAssessment, getAssessment, markSubmitted, saveAnswers } from "~/repos/assessments.server";
import { recordDecision, latestAudit, signAuditVersion } from "~/repos/audits.server";
import { addEvidence } from "~/repos/evidence.server";
import { grantConsultant } from "~/repos/grants.server";
import { saveResult } from "~/repos/results.server";
import { createApiToken } from "~/repos/tokens.server";
import { scoreAnswers, frameworkFor } from "~/domain/engine.server";
import { createGateway, listGateways } from "~/telemetry/gateways.server";
import { createLine, getEnterprise, listLines, saveMachine, saveSignal, setEnterprise } from "~/telemetry/lines.server";

const FIXTURES = fileURLToPath(new URL("../../unit/app/fixtures", import.meta.url));
const routes = import.meta.glob("../../../app/routes/*.{ts,tsx}", { eager: true }) as Record<string, { loader?: unknown; action?: unknown }>;

type Kind =
  | "tenant" // about one of A's objects: must be 404
  | "api-tenant" // API, about one of A's objects: 404 with B's token
  | "api-list" // API list: B's token sees B only
  | "own" // about the signed-in user's own scope (lists, landing): no A data
  | "admin" // platform admins only: 403
  | "public"; // no user data at all

const EXPECTED: Record<string, Kind> = {
  "_index.tsx": "own",
  "admin._index.tsx": "admin",
  "api.openapi[.]json.ts": "public",
  "api.v1.assessments._index.ts": "api-list",
  "api.v1.assessments.$assessmentId._index.ts": "api-tenant",
  "api.v1.assessments.$assessmentId.result.ts": "api-tenant",
  "api.v1.telemetry.lines.ts": "api-list",
  "assessments.$assessmentId.tsx": "tenant",
  "bureau._index.tsx": "own",
  "bureau.export[.]csv.ts": "own",
  "bureau.targets.tsx": "own",
  "assessments.$assessmentId._index.tsx": "tenant",
  "assessments.$assessmentId.audit.$pageId.tsx": "tenant",
  "assessments.$assessmentId.audit._index.tsx": "tenant",
  "assessments.$assessmentId.compare.tsx": "tenant",
  "assessments.$assessmentId.evidence.tsx": "tenant",
  "assessments.$assessmentId.export.$format.tsx": "tenant",
  "assessments.$assessmentId.q.$pageId.tsx": "tenant",
  "assessments.$assessmentId.q._index.tsx": "tenant",
  "assessments.$assessmentId.result.tsx": "tenant",
  "assessments.$assessmentId.review.tsx": "tenant",
  "assessments.$assessmentId.trail.tsx": "tenant",
  "evidence.$evidenceId.tsx": "tenant",
  "healthz.ts": "public",
  "lang.tsx": "public",
  "login.tsx": "public",
  "logout.tsx": "public",
  "orgs.$orgId.tsx": "tenant",
  "orgs.$orgId._index.tsx": "tenant",
  "orgs.$orgId.access.tsx": "tenant",
  "orgs.$orgId.lines._index.tsx": "tenant",
  "orgs.$orgId.lines.$lineId._index.tsx": "tenant",
  "orgs.$orgId.lines.$lineId.dashboard.tsx": "tenant",
  "orgs.$orgId.lines.$lineId.dashboard.stream.ts": "tenant",
  "orgs.$orgId.lines.gateways.tsx": "tenant",
  "orgs.$orgId.lines.registry[.]yaml.ts": "tenant",
  "orgs.$orgId.profile.tsx": "tenant",
  "orgs.$orgId.tokens.tsx": "tenant",
  "orgs.$orgId.trail.tsx": "tenant",
  "orgs._index.tsx": "own",
  "signup.tsx": "public",
};

/** Strings that exist only in enterprise A's data. */
const A = {
  orgName: "甲企业机密精工 MARKER-A-ORG",
  memberName: "MARKER-A-MEMBER",
  memberEmail: "marker-a-member@a.example",
  consultantName: "MARKER-A-CONSULTANT",
  evidenceFile: "MARKER-A-EVIDENCE.pdf",
  evidenceUrl: "https://a.example/MARKER-A-LINK",
  auditComment: "MARKER-A-AUDIT-COMMENT",
  tokenName: "MARKER-A-TOKEN",
  enterpriseKey: "marker-a-ent",
  lineName: "MARKER-A-LINE",
  machineName: "MARKER-A-MACHINE",
  signalKey: "MARKER-A-SIGNAL",
  gatewayName: "marker-a-gw",
};

function pathFor(file: string, params: Record<string, string>): string {
  const route = file.replace(/\.tsx?$/, "").replace("[.]", ".");
  const segments = route
    .split(".")
    .filter((s) => s !== "_index")
    .map((s) => (s.startsWith("$") ? params[s.slice(1)] : s));
  return `/${segments.join("/")}`.replace("/openapi/json", "/openapi.json");
}

for (const target of databaseTargets()) describe(`tenant isolation over every route on ${target.name}`, () => {
  let app: TestApp;
  let ids: {
    orgA: string; orgB: string; assessmentA: string; evidenceA: string; linkA: string; grantA: string; tokenA: string; pageId: string;
    lineA: string; machineA: string; signalA: string; gatewayA: string;
  };
  let foreign: Array<{ who: string; cookie: string }>;
  let tokenB: string;
  let aMemberId: string;
  const outcomes: Array<{ route: string; fn: string; who: string; outcome: Outcome }> = [];

  beforeAll(async () => {
    process.env.ZHIPING_FRAMEWORKS_DIR = FIXTURES;
    clearFrameworkCache();
    app = await startTestApp(target);
    const db = await getDb();
    const orgA = await makeOrganization({ name: A.orgName, districtCode: "330212" });
    const orgB = await makeOrganization({ name: "乙企业", districtCode: "330212" });
    const aMember = await makeUser("member", { organizationId: orgA, name: A.memberName, email: A.memberEmail });
    aMemberId = aMember.id;
    const aConsultant = await makeUser("consultant", { name: A.consultantName });
    const grantA = await grantConsultant(db, orgA, aConsultant.id, aMember.id);

    // A's submitted assessment with a result, evidence (file and link) and a signed audit.
    const fw = frameworkFor("mini-sme")!.framework;
    const assessmentA = await createAssessment(db, { organizationId: orgA, frameworkId: fw.id, frameworkVersion: fw.version, industryType: "discrete", actorId: aMember.id });
    let assessment = (await getAssessment(db, assessmentA))!;
    const answers = { net: "workshop", networked: 35, machines: 40, cloud: ["erp"], design: 2, production: 3, quality: 2, plan: "draft" } as const;
    const typed = {
      net: { type: "single", value: answers.net }, networked: { type: "percentage", value: 35 }, machines: { type: "numeric", value: 40 },
      cloud: { type: "multi", value: ["erp"] }, design: { type: "sceneLevel", value: 2 }, production: { type: "sceneLevel", value: 3 },
      quality: { type: "sceneLevel", value: 2 }, plan: { type: "single", value: "draft" },
    } as const;
    await saveAnswers(db, assessment, Object.entries(typed).map(([questionId, value]) => ({ questionId, value: value as any })), aMember.id);
    const stored = await storeEvidenceFile(orgA, new TextEncoder().encode("%PDF-1.4 A's evidence"));
    const evidenceA = await addEvidence(db, assessment, "net", { kind: "file", fileName: A.evidenceFile, storedName: stored.storedName, contentType: "application/pdf", sizeBytes: 21, sha256: stored.sha256 }, aMember.id);
    const linkA = await addEvidence(db, assessment, "net", { kind: "link", url: A.evidenceUrl }, aMember.id);
    await saveResult(db, assessment, "self", 0, scoreAnswers(fw, typed as any, "discrete"));
    await markSubmitted(db, assessment, aMember.id);
    assessment = (await getAssessment(db, assessmentA))!;
    await recordDecision(db, assessment, { questionId: "production", decision: "adjust", value: { type: "sceneLevel", value: 1 }, comment: A.auditComment, evidenceChecked: A.auditComment }, aConsultant.id);
    const audit = (await latestAudit(db, assessmentA))!;
    await signAuditVersion(db, assessment, audit, aConsultant.id, { level: 1, implicitlyAccepted: 7 });
    await saveResult(db, assessment, "audit", 1, scoreAnswers(fw, { ...typed, production: { type: "sceneLevel", value: 1 } } as any, "discrete"));
    const tokenA = (await createApiToken(db, orgA, A.tokenName, aMember.id)).id;
    // A's telemetry registration: its id, a line with a machine and a signal, an MQTT gateway.
    await setEnterprise(db, orgA, { enterpriseKey: A.enterpriseKey, sparkplugGroup: A.enterpriseKey, topicRoot: `factory/${A.enterpriseKey}` }, aMember.id);
    const lineA = await createLine(db, orgA, { lineKey: "a-line", name: A.lineName, calendar: { timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [] }, realtimeBucketS: 60, sources: [] }, aMember.id);
    if (!lineA.ok) throw new Error("A's line");
    const noRoles = { state: null, good: null, total: null, bad: null, energy: null, heartbeat: null };
    const machineA = await saveMachine(db, orgA, lineA.id, null, { machineKey: "a-m1", name: A.machineName, idealCycleTimeS: 30, stateMapping: { preset: "opc40001" }, roles: noRoles }, aMember.id);
    if (!machineA.ok) throw new Error("A's machine");
    const signalA = await saveSignal(db, orgA, lineA.id, machineA.id, null, { signalKey: A.signalKey, kind: "state", unit: null, addresses: {} }, aMember.id);
    if (!signalA.ok) throw new Error("A's signal");
    const gatewayA = await createGateway(db, orgA, A.gatewayName, "mqtt", aMember.id);
    if (!gatewayA.ok) throw new Error("A's gateway");

    // The other tenants.
    const bob = await makeUser("member", { organizationId: orgB, name: "乙用户" });
    const carl = await makeUser("consultant", { name: "乙顾问" });
    await grantConsultant(db, orgB, carl.id, bob.id);
    const dora = await makeUser("bureau_admin", { name: "余姚局", regionCode: "330281" });
    const bAssessment = await createAssessment(db, { organizationId: orgB, frameworkId: fw.id, frameworkVersion: fw.version, industryType: "discrete", actorId: bob.id });
    expect(bAssessment).not.toBe(assessmentA);
    tokenB = (await createApiToken(db, orgB, "乙令牌", bob.id)).token;
    await setEnterprise(db, orgB, { enterpriseKey: "b-ent", sparkplugGroup: "b-ent", topicRoot: "factory/b-ent" }, bob.id);
    await createLine(db, orgB, { lineKey: "b-line", name: "乙产线", calendar: { timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [] }, realtimeBucketS: 60, sources: [] }, bob.id);
    foreign = [{ who: "member of B", cookie: bob.cookie }, { who: "consultant of B", cookie: carl.cookie }, { who: "bureau admin of 余姚", cookie: dora.cookie }];
    ids = { orgA, orgB, assessmentA, evidenceA, linkA, grantA, tokenA, pageId: "basic", lineA: lineA.id, machineA: machineA.id, signalA: signalA.id, gatewayA: gatewayA.id };
  });

  afterAll(async () => {
    await app.close();
    delete process.env.ZHIPING_FRAMEWORKS_DIR;
    clearFrameworkCache();
  });

  it("knows every route file of the app", () => {
    const files = Object.keys(routes).map((p) => p.split("/").pop()!).sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  /** Forms that would make each action do something if it skipped the access check. */
  function hostileForms(): Array<Record<string, string | string[]>> {
    const common = {
      grantId: ids.grantA, tokenId: ids.tokenA, evidenceId: ids.evidenceA, questionId: "net", q: "net", decision: "accept", comment: "x", evidenceChecked: "x",
      frameworkId: "mini-sme", name: "hijacked 名称", industryCode: "C34", districtCode: "330212", employees: "1", revenueBand: "lt5m", email: "x@example.test",
      "a:net": "none", returnTo: "/", url: "https://evil.example/", format: "csv",
      machineId: ids.machineA, signalId: ids.signalA, gatewayId: ids.gatewayA, enterpriseKey: "hijacked", lineKey: "hijacked", machineKey: "hijacked",
      signalKey: "hijacked", kind: "mqtt", yaml: "registry: { enterprises: [{ id: hijacked, lines: [{ id: x }] }] }",
    };
    const telemetry = ["enterprise", "createLine", "import", "updateLine", "removeLine", "saveMachine", "removeMachine", "saveSignal", "removeSignal"];
    return ["save", "next", "review", "autosave", "revoke", "signoff", "start", "create", "remove", "link", "grant", "", ...telemetry].map((intent) => ({ ...common, intent }));
  }

  it("answers 404 to other tenants for every loader and action about A's objects, and 403 on admin pages", async () => {
    const params = { orgId: ids.orgA, assessmentId: ids.assessmentA, evidenceId: ids.evidenceA, pageId: ids.pageId, format: "csv", lineId: ids.lineA };
    for (const [path, mod] of Object.entries(routes)) {
      const file = path.split("/").pop()!;
      const kind = EXPECTED[file];
      if (kind !== "tenant" && kind !== "admin") continue;
      const url = pathFor(file, params);
      for (const { who, cookie } of foreign) {
        if (mod.loader) {
          const outcome = await call(mod.loader, { path: url, params, cookie });
          outcomes.push({ route: file, fn: "loader", who, outcome });
          expect(outcome.status, `${file} loader as ${who}`).toBe(kind === "admin" ? 403 : 404);
        }
        if (mod.action) {
          for (const form of hostileForms()) {
            const outcome = await call(mod.action, { method: "POST", path: url, params, cookie, form });
            outcomes.push({ route: file, fn: `action(${form.intent})`, who, outcome });
            expect(outcome.status, `${file} action intent=${form.intent} as ${who}`).toBe(kind === "admin" ? 403 : 404);
          }
        }
      }
    }
    expect(outcomes.length).toBeGreaterThan(300);
  });

  it("shows other tenants only their own scope on lists, landing and public pages", async () => {
    for (const [path, mod] of Object.entries(routes)) {
      const file = path.split("/").pop()!;
      const kind = EXPECTED[file];
      if (kind !== "own" && kind !== "public") continue;
      const url = pathFor(file, {});
      for (const { who, cookie } of foreign) {
        if (mod.loader) {
          outcomes.push({ route: file, fn: "loader", who, outcome: await call(mod.loader, { path: url, cookie }) });
          // searching for A by (the start of) its name finds nothing; the page echoes the search words only
          const search = await call(mod.loader, { path: `${url}?q=${encodeURIComponent(A.orgName.slice(0, 5))}`, cookie });
          outcomes.push({ route: file, fn: "loader?q", who, outcome: search });
          if (file === "orgs._index.tsx") expect((search.data as any).rows, who).toEqual([]);
        }
        if (mod.action && file !== "logout.tsx") {
          outcomes.push({ route: file, fn: "action", who, outcome: await call(mod.action, { method: "POST", path: url, cookie, form: {} }) });
        }
      }
    }
    const list = outcomes.find((o) => o.route === "orgs._index.tsx" && o.fn === "loader" && o.who === "member of B");
    expect(list?.outcome.location).toBe(`/orgs/${ids.orgB}`); // a member with one enterprise goes straight to it: B's
    const consultantList = outcomes.find((o) => o.route === "orgs._index.tsx" && o.fn === "loader" && o.who === "consultant of B");
    expect((consultantList?.outcome.data as any).rows.map((r: any) => r.id)).toEqual([ids.orgB]);
    const bureauList = outcomes.find((o) => o.route === "orgs._index.tsx" && o.fn === "loader" && o.who === "bureau admin of 余姚");
    expect((bureauList?.outcome.data as any).rows).toEqual([]); // A and B are both in 鄞州
  });

  it("scopes the API to the token's organisation: A's assessment is 404 with B's token, and the list holds B's only", async () => {
    const params = { assessmentId: ids.assessmentA };
    const auth = { authorization: `Bearer ${tokenB}` };
    for (const [path, mod] of Object.entries(routes)) {
      const file = path.split("/").pop()!;
      const kind = EXPECTED[file];
      if (kind !== "api-tenant" && kind !== "api-list") continue;
      const outcome = await call(mod.loader, { path: pathFor(file, params), params, headers: auth });
      outcomes.push({ route: file, fn: "loader", who: "B's token", outcome });
      if (kind === "api-tenant") {
        expect(outcome.status, file).toBe(404);
        expect(outcome.data).toEqual({ error: { code: "not_found", message: "no such assessment" } });
      } else {
        expect(outcome.status).toBe(200);
        expect((outcome.data as any).items).toHaveLength(1);
      }
      expect(mod.action, `${file} has no action (POST gets 405)`).toBeUndefined();
    }
  });

  it("leaked not one byte of A's data in any of those responses", () => {
    const secrets = [...Object.values(A), ids.assessmentA, ids.evidenceA, ids.linkA, ids.grantA, ids.tokenA, ids.lineA, ids.machineA, ids.signalA, ids.gatewayA];
    for (const { route, fn, who, outcome } of outcomes) {
      const headers = JSON.stringify([...outcome.headers.entries()]);
      for (const secret of secrets) {
        expect(outcome.body.includes(secret) || headers.includes(secret), `${route} ${fn} as ${who} leaked ${secret}`).toBe(false);
      }
    }
  });

  it("changed nothing of A", async () => {
    const db = await getDb();
    expect((await db.selectFrom("organization").select("name").where("id", "=", ids.orgA).executeTakeFirstOrThrow()).name).toBe(A.orgName);
    expect((await db.selectFrom("consultantGrant").select("revokedAt").where("id", "=", ids.grantA).executeTakeFirstOrThrow()).revokedAt).toBeNull();
    expect((await db.selectFrom("apiToken").select("revokedAt").where("id", "=", ids.tokenA).executeTakeFirstOrThrow()).revokedAt).toBeNull();
    expect(await db.selectFrom("evidence").select("id").where("organizationId", "=", ids.orgA).execute()).toHaveLength(2);
    expect(await db.selectFrom("assessment").select("id").where("organizationId", "=", ids.orgA).execute()).toHaveLength(1);
    expect(await db.selectFrom("audit").select("version").where("assessmentId", "=", ids.assessmentA).execute()).toHaveLength(1);
    const answer = await db.selectFrom("answer").select("value").where("assessmentId", "=", ids.assessmentA).where("questionId", "=", "net").executeTakeFirstOrThrow();
    expect(JSON.parse(answer.value)).toEqual({ type: "single", value: "workshop" });
    const lines = await listLines(db, ids.orgA);
    expect(lines.map((l) => [l.id, l.name, l.machines.map((m) => [m.id, m.name, m.signals.map((x) => x.id)])])).toEqual([[ids.lineA, A.lineName, [[ids.machineA, A.machineName, [ids.signalA]]]]]);
    expect((await getEnterprise(db, ids.orgA))?.enterpriseKey).toBe(A.enterpriseKey);
    expect((await listGateways(db, ids.orgA)).map((g) => [g.id, g.revokedAt])).toEqual([[ids.gatewayA, null]]);
    const actors = await db.selectFrom("auditEvent").select("actorId").distinct().where("organizationId", "=", ids.orgA).execute();
    const foreignActors = actors.map((a) => a.actorId).filter((id) => id !== null && id !== aMemberId);
    // only A's member and A's consultant ever acted on A
    expect(foreignActors).toHaveLength(1);
  });
});
