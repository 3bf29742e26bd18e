// The telemetry registration's tables (migration 0004) through the repositories and the line pages' loaders
// and actions, on SQLite and PostgreSQL: telemetry ids unique across tenants, lines/machines/signals, roles
// cleared with their signal, an import that keeps what the registry does not carry, gateways (MQTT and HTTP)
// and revocation, measurements stored with a result, and another tenant's ids finding nothing.
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseTargets } from "../db/targets";
import { call, makeOrganization, makeUser, startTestApp, type TestApp } from "../web/harness";
import { getDb } from "~/db/db.server";
import { organizationOfToken } from "~/repos/tokens.server";
import { saveResult } from "~/repos/results.server";
import { createAssessment, getAssessment } from "~/repos/assessments.server";
import { getFramework } from "~/domain/frameworks.server";
import { scoreAnswers } from "~/domain/engine.server";
import * as linesPage from "~/routes/orgs.$orgId.lines._index";
import * as linePage from "~/routes/orgs.$orgId.lines.$lineId._index";
import * as gatewaysPage from "~/routes/orgs.$orgId.lines.gateways";
import * as exportRoute from "~/routes/orgs.$orgId.lines.registry[.]yaml";
import * as apiLines from "~/routes/api.v1.telemetry.lines";
import { createApiToken } from "~/repos/tokens.server";
import { getMeasurement, saveMeasurement, type MeasurementSnapshot } from "~/telemetry/evidence.server";
import { createGateway, listGateways, revokeGateway } from "~/telemetry/gateways.server";
import { getEnterprise, getLine, listLines, removeSignal, saveMachine, saveSignal } from "~/telemetry/lines.server";
import { verifyMosquittoPassword } from "~/telemetry/mosquitto.server";
import { withTelemetry } from "~/telemetry/schema";

for (const target of databaseTargets()) describe(`telemetry registration on ${target.name}`, () => {
  let app: TestApp;
  let orgA = "";
  let orgB = "";
  let a: Awaited<ReturnType<typeof makeUser>>;
  let b: Awaited<ReturnType<typeof makeUser>>;
  let consultant: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    delete process.env.ZHIPING_TELEMETRY_STORE;
    delete process.env.ZHIPING_INFLUX_URL;
    app = await startTestApp(target);
    orgA = await makeOrganization({ name: "甲企业" });
    orgB = await makeOrganization({ name: "乙企业" });
    a = await makeUser("member", { organizationId: orgA });
    b = await makeUser("member", { organizationId: orgB });
    consultant = await makeUser("consultant");
    const { grantConsultant } = await import("~/repos/grants.server");
    await grantConsultant(await getDb(), orgA, consultant.id, a.id);
  });
  afterAll(async () => app?.close());

  const post = (route: { action: unknown }, path: string, params: Record<string, string>, cookie: string, form: Record<string, string>) =>
    call(route.action, { method: "POST", path, params, cookie, form });

  it("keeps telemetry ids unique across organisations, naming the field that clashes", async () => {
    const path = `/orgs/${orgA}/lines`;
    const ok = await post(linesPage, path, { orgId: orgA }, a.cookie, { intent: "enterprise", enterpriseKey: "acme" });
    expect(ok.status).toBe(200);
    expect(await getEnterprise(await getDb(), orgA)).toEqual({ organizationId: orgA, enterpriseKey: "acme", sparkplugGroup: "acme", topicRoot: "factory/acme" });
    const clash = await post(linesPage, `/orgs/${orgB}/lines`, { orgId: orgB }, b.cookie, { intent: "enterprise", enterpriseKey: "bravo", sparkplugGroup: "bravo", topicRoot: "factory/acme" });
    expect(clash.status).toBe(409);
    expect((clash.data as any).problems).toEqual([{ field: "topicRoot", key: "tm.enterprise.taken", params: { field: "factory/acme" } }]);
    expect(await getEnterprise(await getDb(), orgB)).toBeNull();
    // Nested roots would let one tenant's `#` cover the other's topics: refused both ways.
    for (const topicRoot of ["factory", "factory/acme/line2"]) {
      const nested = await post(linesPage, `/orgs/${orgB}/lines`, { orgId: orgB }, b.cookie, { intent: "enterprise", enterpriseKey: "bravo", topicRoot });
      expect([nested.status, (nested.data as any).problems[0].field], topicRoot).toEqual([409, "topicRoot"]);
    }
    // A sibling that merely starts the same is fine ("_" is not a wildcard here); then B frees it again.
    expect((await post(linesPage, `/orgs/${orgB}/lines`, { orgId: orgB }, b.cookie, { intent: "enterprise", enterpriseKey: "bravo", topicRoot: "fac_ory" })).status).toBe(200);
    expect((await post(linesPage, `/orgs/${orgB}/lines`, { orgId: orgB }, b.cookie, { intent: "enterprise", enterpriseKey: "bravo", topicRoot: "factory/acme_2" })).status).toBe(200);
    expect((await post(linesPage, `/orgs/${orgA}/lines`, { orgId: orgA }, a.cookie, { intent: "enterprise", enterpriseKey: "acme", topicRoot: "factory/acme" })).status).toBe(200);
    await withTelemetry(await getDb()).deleteFrom("telemetryEnterprise").where("organizationId", "=", orgB).execute();
    const bad = await post(linesPage, `/orgs/${orgB}/lines`, { orgId: orgB }, b.cookie, { intent: "enterprise", enterpriseKey: "b/2" });
    expect(bad.status).toBe(400);
    expect((bad.data as any).problems.map((p: any) => p.field)).toEqual(["enterpriseKey", "sparkplugGroup"]);
    // A consultant may read the page, not change the registration.
    expect((await post(linesPage, path, { orgId: orgA }, consultant.cookie, { intent: "enterprise", enterpriseKey: "x" })).status).toBe(403);
    expect((await call(linesPage.loader, { path, params: { orgId: orgA }, cookie: consultant.cookie })).status).toBe(200);
  });

  it("registers a line, refuses a second one with the same id, and names wrong fields", async () => {
    const path = `/orgs/${orgA}/lines`;
    const bad = await post(linesPage, path, { orgId: orgA }, a.cookie, { intent: "createLine", lineKey: "L 1", name: "", shifts: "day 8-20", timeZone: "", dayStart: "", realtimeBucketS: "", sources: "" });
    expect(bad.status).toBe(400);
    expect((bad.data as any).problems.map((p: any) => p.field)).toEqual(["lineKey", "name", "shifts"]);
    const made = await post(linesPage, path, { orgId: orgA }, a.cookie, { intent: "createLine", lineKey: "L1", name: "一号线", shifts: "day 08:00-20:00, night 20:00-08:00", timeZone: "Asia/Shanghai", dayStart: "08:00", realtimeBucketS: "30", sources: "plant-opcua" });
    expect(made.status).toBe(302);
    const lineId = made.location!.split("/").pop()!;
    const line = (await getLine(await getDb(), orgA, lineId))!;
    expect(line).toMatchObject({ lineKey: "L1", name: "一号线", realtimeBucketS: 30, sources: ["plant-opcua"], calendar: { dayStart: "08:00", shifts: [{ id: "day", start: "08:00", end: "20:00" }, { id: "night", start: "20:00", end: "08:00" }] } });
    const again = await post(linesPage, path, { orgId: orgA }, a.cookie, { intent: "createLine", lineKey: "L1", name: "again", shifts: "", timeZone: "", dayStart: "", realtimeBucketS: "", sources: "" });
    expect(again.status).toBe(409);
    expect(await getLine(await getDb(), orgB, lineId)).toBeNull(); // another organisation's view of the id
  });

  it("adds machines and signals through the line page; removing a signal clears the role it played", async () => {
    const db = await getDb();
    const [line] = await listLines(db, orgA);
    const params = { orgId: orgA, lineId: line.id };
    const path = `/orgs/${orgA}/lines/${line.id}`;
    const m = await post(linePage, path, params, a.cookie, { intent: "saveMachine", machineKey: "M1", name: "车床", idealCycleTimeS: "42", stateMapping: "opc40001", customMapping: "" });
    expect(m.status).toBe(200);
    const machineId = (await getLine(db, orgA, line.id))!.machines[0].id;
    for (const [signalKey, kind] of [["State", "state"], ["Good", "counter"], ["Bad", "counter"]]) {
      const s = await post(linePage, path, params, a.cookie, { intent: "saveSignal", machineId, signalKey, kind, unit: "", addresses: `opcua: ns=2;s=L1.M1.${signalKey}` });
      expect(s.status, signalKey).toBe(200);
    }
    const wrongKind = await post(linePage, path, params, a.cookie, { intent: "saveMachine", machineId, machineKey: "M1", name: "车床", idealCycleTimeS: "42", stateMapping: "opc40001", customMapping: "", "role.state": "State", "role.good": "Good", "role.bad": "State" });
    expect((wrongKind.data as any).problems).toEqual([{ field: "role.bad", key: "tm.err.roleKind", params: { signal: "State", kinds: "counter, gauge" } }]);
    const roled = await post(linePage, path, params, a.cookie, { intent: "saveMachine", machineId, machineKey: "M1", name: "车床", idealCycleTimeS: "42", stateMapping: "opc40001", customMapping: "", "role.state": "State", "role.good": "Good", "role.bad": "Bad" });
    expect(roled.status).toBe(200);
    let machine = (await getLine(db, orgA, line.id))!.machines[0];
    expect(machine.roles).toEqual({ state: "State", good: "Good", total: null, bad: "Bad", energy: null, heartbeat: null });
    expect(machine.signals.map((s) => [s.signalKey, s.addresses])).toEqual([
      ["State", { opcua: ["ns=2;s=L1.M1.State"] }],
      ["Good", { opcua: ["ns=2;s=L1.M1.Good"] }],
      ["Bad", { opcua: ["ns=2;s=L1.M1.Bad"] }],
    ]);
    const dup = await post(linePage, path, params, a.cookie, { intent: "saveSignal", machineId, signalKey: "Good", kind: "gauge", unit: "", addresses: "" });
    expect(dup.status).toBe(409);
    const bad = machine.signals.find((s) => s.signalKey === "Bad")!;
    expect(await removeSignal(db, orgB, line.id, machineId, bad.id, b.id)).toBe(false); // not B's
    expect(await removeSignal(db, orgA, line.id, machineId, bad.id, a.id)).toBe(true);
    machine = (await getLine(db, orgA, line.id))!.machines[0];
    expect(machine.roles.bad).toBeNull();
    expect(machine.signals.map((s) => s.signalKey)).toEqual(["State", "Good"]);
    // B's member, on B's own organisation, with A's line id: nothing there.
    expect((await call(linePage.loader, { path: `/orgs/${orgB}/lines/${line.id}`, params: { orgId: orgB, lineId: line.id }, cookie: b.cookie })).status).toBe(404);
    const foreign = await post(linePage, `/orgs/${orgB}/lines/${line.id}`, { orgId: orgB, lineId: line.id }, b.cookie, { intent: "removeLine" });
    expect(foreign.status).toBe(404);
    expect(await saveMachine(db, orgB, line.id, null, { machineKey: "X", name: "X", idealCycleTimeS: null, stateMapping: { preset: "opc40001" }, roles: machine.roles }, b.id)).toEqual({ ok: false, reason: "notFound" });
    expect(await saveSignal(db, orgA, line.id, "no-such-machine", null, { signalKey: "S", kind: "gauge", unit: null, addresses: {} }, a.id)).toEqual({ ok: false, reason: "notFound" });
  });

  it("imports a registry (errors by key path, nothing stored), keeping machine settings it does not carry, and exports it back", async () => {
    const path = `/orgs/${orgA}/lines`;
    const broken = `registry:\n  enterprises:\n    - id: acme\n      lines:\n        - id: L1\n          machines:\n            - id: M1\n              signals:\n                - { id: State, kind: status }\n`;
    const refused = await post(linesPage, path, { orgId: orgA }, a.cookie, { intent: "import", yaml: broken });
    expect(refused.status).toBe(400);
    expect((refused.data as any).problems.map((p: any) => p.path)).toEqual(["registry.enterprises[0].lines[0].machines[0].signals[0].kind"]);
    const yaml = YAML.stringify({
      registry: {
        enterprises: [
          {
            id: "acme",
            lines: [
              { id: "L1", name: "一号线（导入）", machines: [{ id: "M1", signals: [{ id: "State", kind: "state" }, { id: "Good", kind: "counter" }, { id: "Scrap", kind: "counter" }] }, { id: "M2", signals: [{ id: "Run", kind: "flag" }] }] },
              { id: "L2", machines: [{ id: "P1", signals: [{ id: "TotalCount", kind: "counter" }] }] },
            ],
          },
        ],
        conventions: [{ source: "mqtt", match: "factory/{enterprise}/{line}/{machine}/telemetry" }],
      },
    });
    const done = await post(linesPage, path, { orgId: orgA }, a.cookie, { intent: "import", yaml });
    expect(done.status).toBe(200);
    expect((done.data as any).done).toEqual({ key: "tm.import.done", params: { created: 1, updated: 1, machines: 3, signals: 5 } });
    expect((done.data as any).notes).toEqual([{ key: "tm.import.conventions", params: { n: 1 } }]);
    const lines = await listLines(await getDb(), orgA);
    expect(lines.map((l) => [l.lineKey, l.name, l.machines.map((m) => m.machineKey)])).toEqual([["L1", "一号线（导入）", ["M1", "M2"]], ["L2", "L2", ["P1"]]]);
    const m1 = lines[0].machines[0];
    // Kept: the ideal cycle time and the roles whose signals are still there; Scrap guessed as the bad counter.
    expect([m1.idealCycleTimeS, m1.roles]).toEqual([42, { state: "State", good: "Good", total: null, bad: "Scrap", energy: null, heartbeat: null }]);
    expect(lines[1].machines[0].roles.total).toBe("TotalCount");
    // The shift calendar of the existing line stays; the new line gets the defaults.
    expect(lines[0].calendar.shifts).toHaveLength(2);

    const exported = await call(exportRoute.loader, { path: `/orgs/${orgA}/lines/registry.yaml`, params: { orgId: orgA }, cookie: consultant.cookie });
    expect(exported.headers.get("content-disposition")).toBe('attachment; filename="registry-acme.yaml"');
    const back = YAML.parse(exported.body).registry;
    expect(back.enterprises[0].lines.map((l: any) => [l.id, l.machines.map((m: any) => [m.id, m.signals.map((s: any) => s.id)])])).toEqual([
      ["L1", [["M1", ["State", "Good", "Scrap"]], ["M2", ["Run"]]]],
      ["L2", [["P1", ["TotalCount"]]]],
    ]);
    // The same import as an uploaded file; a file that is not UTF-8 text is refused as such.
    const upload = (bytes: Uint8Array) => {
      const form = new FormData();
      form.set("intent", "import");
      form.set("yaml", "");
      form.set("file", new File([bytes as BlobPart], "ingest.yaml", { type: "application/yaml" }));
      return call(linesPage.action, { method: "POST", path, params: { orgId: orgA }, cookie: a.cookie, form });
    };
    expect(((await upload(new TextEncoder().encode(yaml))).data as any).done.params).toEqual({ created: 0, updated: 2, machines: 3, signals: 5 });
    const binary = await upload(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00]));
    expect([binary.status, (binary.data as any).problems]).toEqual([400, [{ path: "", message: { key: "tm.import.wrongFile" } }]]);
    // B has no telemetry id yet: nothing to export.
    expect((await call(exportRoute.loader, { path: `/orgs/${orgB}/lines/registry.yaml`, params: { orgId: orgB }, cookie: b.cookie })).status).toBe(404);
  });

  it("gives MQTT gateways a password shown once (a Mosquitto hash kept) and HTTP gateways an API token; revokes both", async () => {
    const path = `/orgs/${orgA}/lines/gateways`;
    const mqttGw = await post(gatewaysPage, path, { orgId: orgA }, a.cookie, { intent: "create", name: "edge-1", kind: "mqtt" });
    expect(mqttGw.headers.get("cache-control")).toBe("no-store");
    const created = (mqttGw.data as any).created;
    expect(created.username).toBe("acme.edge-1");
    const db = await getDb();
    const row = await withTelemetry(db).selectFrom("gateway").selectAll().where("username", "=", "acme.edge-1").executeTakeFirstOrThrow();
    expect(row.passwordHash).not.toContain(created.password);
    expect(verifyMosquittoPassword(created.password, row.passwordHash!)).toBe(true);
    const listed = await call(gatewaysPage.loader, { path, params: { orgId: orgA }, cookie: a.cookie });
    expect(listed.body.includes(created.password)).toBe(false);
    expect((listed.data as any).topics.map((t: any) => t.topic)).toEqual(["spBv1.0/acme/#", "spBv1.0/STATE/#", "factory/acme/#"]);
    expect((await post(gatewaysPage, path, { orgId: orgA }, a.cookie, { intent: "create", name: "edge-1", kind: "mqtt" })).status).toBe(409);
    expect((await post(gatewaysPage, path, { orgId: orgA }, a.cookie, { intent: "create", name: "Edge 1", kind: "mqtt" })).status).toBe(400);
    // B has no telemetry id: no MQTT gateway (its topics would be undefined); an HTTP one is fine.
    expect(((await post(gatewaysPage, `/orgs/${orgB}/lines/gateways`, { orgId: orgB }, b.cookie, { intent: "create", name: "edge-1", kind: "mqtt" })).data as any).problems[0].key).toBe("tm.err.noEnterprise");
    const httpGw = await post(gatewaysPage, path, { orgId: orgA }, a.cookie, { intent: "create", name: "mes-1", kind: "http" });
    const token = (httpGw.data as any).created.token as string;
    expect(await organizationOfToken(db, token)).toBe(orgA);
    const api = await call(apiLines.loader, { path: "/api/v1/telemetry/lines", headers: { authorization: `Bearer ${token}` } });
    expect((api.data as any).enterprise.key).toBe("acme");
    expect((api.data as any).items.map((l: any) => l.key)).toEqual(["L1", "L2"]);

    const gateways = await listGateways(db, orgA);
    expect(gateways.map((g) => [g.name, g.kind, g.revokedAt])).toEqual([["mes-1", "http", null], ["edge-1", "mqtt", null]]);
    expect(await revokeGateway(db, orgB, gateways[0].id, b.id)).toBe(false);
    const revoked = await post(gatewaysPage, path, { orgId: orgA }, a.cookie, { intent: "revoke", gatewayId: gateways[0].id });
    expect(revoked.status).toBe(200);
    expect(await organizationOfToken(db, token)).toBeNull();
    expect((await post(gatewaysPage, path, { orgId: orgA }, a.cookie, { intent: "revoke", gatewayId: gateways[0].id })).status).toBe(404);
    // Consultants do not see gateway credentials at all.
    expect((await call(gatewaysPage.loader, { path, params: { orgId: orgA }, cookie: consultant.cookie })).status).toBe(403);
    // A new gateway under a revoked one's name gets a new user name (the old row stays for the record).
    await revokeGateway(db, orgA, gateways[1].id, a.id);
    const again = await createGateway(db, orgA, "edge-1", "mqtt", a.id);
    expect(again.ok && again.kind === "mqtt" && again.username).toBe("acme.edge-1-2");
    const tokenB = (await createApiToken(db, orgB, "b", b.id)).token;
    expect(((await call(apiLines.loader, { path: "/api/v1/telemetry/lines", headers: { authorization: `Bearer ${tokenB}` } })).data as any)).toEqual({ enterprise: null, items: [] });
  });

  it("stores the measurement beside a result, and drops it with the result it belongs to", async () => {
    const db = await getDb();
    const sme = getFramework("sme-digital-2024")!;
    const id = await createAssessment(db, { organizationId: orgA, frameworkId: sme.id, frameworkVersion: sme.version, industryType: "discrete", actorId: a.id });
    const assessment = (await getAssessment(db, id))!;
    const snapshot: MeasurementSnapshot = {
      window: { from: "2025-06-01T00:00:00.000Z", to: "2025-06-08T00:00:00.000Z" },
      computedAt: "2025-06-08T00:00:05.000Z",
      store: "embedded",
      lines: [{ key: "L1", name: "一号线", machines: 2, inKpis: 1 }],
      notInKpis: ["L1/M2"],
      measures: { networkedRatio: { value: 0.5, coverage: 0.5, detail: "1 of 2 registered machines reported" } },
      oee: null,
    };
    const first = await saveResult(db, assessment, "self", 0, scoreAnswers(sme, {}, "discrete"));
    await saveMeasurement(db, first, orgA, snapshot);
    expect(await getMeasurement(db, first)).toEqual(snapshot);
    // Scoring again replaces the result: its measurement goes with it (ON DELETE CASCADE).
    const second = await saveResult(db, assessment, "self", 0, scoreAnswers(sme, {}, "discrete"));
    expect(await getMeasurement(db, first)).toBeNull();
    expect(await getMeasurement(db, second)).toBeNull();
  });
});
