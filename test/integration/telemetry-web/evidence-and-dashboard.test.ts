// The web app's bridge to the telemetry reader and the KPI service, on a real embedded store (written through
// the ingest's embedded sink, read by the web app through ZHIPING_TELEMETRY_STORE): the dashboard's figures,
// timeline and last values, the SSE stream, and measured evidence on a real SME assessment — beside the
// claims, fused into the score, stored with the submitted result. The data are two hours of one machine,
// so every expected figure is worked out by hand below.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signalPoint } from "../../../ingest/core/point";
import type { Point, SignalKind } from "../../../ingest/core/types";
import { EmbeddedSink } from "../../../ingest/sinks/embedded";
import { TelemetryStore } from "../../../ingest/sinks/embedded/store";
import { call, makeOrganization, makeUser, startTestApp, type TestApp } from "../web/harness";
import { getDb } from "~/db/db.server";
import { getFramework } from "~/domain/frameworks.server";
import { createAssessment, getAssessment, saveAnswers } from "~/repos/assessments.server";
import * as qPage from "~/routes/assessments.$assessmentId.q.$pageId";
import * as review from "~/routes/assessments.$assessmentId.review";
import * as resultRoute from "~/routes/assessments.$assessmentId.result";
import * as stream from "~/routes/orgs.$orgId.lines.$lineId.dashboard.stream";
import { dashboardSnapshot } from "~/telemetry/dashboard.server";
import { measuredEvidence } from "~/telemetry/evidence.server";
import { createLine, saveMachine, saveSignal, setEnterprise } from "~/telemetry/lines.server";
import { closeTelemetryReader } from "~/telemetry/reader.server";
import type { MachineInput } from "~/telemetry/registration.server";
import { withTelemetry } from "~/telemetry/schema";

const MIN = 60_000;
// The window ends at a whole minute (as the evidence's does); the data are the two hours before it.
const E = Math.floor(Date.now() / MIN) * MIN;
const T0 = E - 120 * MIN;

function points(): Point[] {
  const ref = (signal: string, kind: SignalKind) => ({ enterprise: "acme", line: "L1", machine: "M1", signal, kind });
  const out: Point[] = [];
  // State (OPC 40001-1): executing 45 min, out of service 15, executing 45, out of service from T0 + 105 to the end.
  for (const [t, s] of [[0, 3], [45, 1], [60, 3], [105, 1]]) out.push(signalPoint(ref("State", "state"), BigInt(s), T0 + t * MIN, "good"));
  // 81 good and 9 bad parts in the window (counters read at its start and near its end).
  out.push(signalPoint(ref("GoodCount", "counter"), 1000n, T0, "good"), signalPoint(ref("GoodCount", "counter"), 1081n, T0 + 119 * MIN, "good"));
  out.push(signalPoint(ref("BadCount", "counter"), 10n, T0, "good"), signalPoint(ref("BadCount", "counter"), 19n, T0 + 119 * MIN, "good"));
  // The energy meter every minute: the heartbeat of live collection, 120 one-minute buckets with a reading.
  for (let i = 0; i < 120; i++) out.push(signalPoint(ref("Energy", "gauge"), 500 + i * 0.25, T0 + i * MIN, "good"));
  return out;
}

describe("dashboard and measured evidence on a real embedded store", () => {
  let app: TestApp;
  let storeDir = "";
  let orgId = "";
  let lineId = "";
  let member: Awaited<ReturnType<typeof makeUser>>;
  // The production day starts an hour (rounded down) before the data, in Shanghai: all of it is "today".
  const dayStart = DateTime.fromMillis(T0 - 60 * MIN, { zone: "Asia/Shanghai" }).startOf("hour");

  beforeAll(async () => {
    storeDir = mkdtempSync(join(tmpdir(), "zp-web-telemetry-"));
    const file = join(storeDir, "telemetry.sqlite");
    const store = new TelemetryStore(file, { sync: "normal" });
    const outcome = await new EmbeddedSink("embedded", store).write(points());
    expect(outcome.kind).toBe("ok");
    store.close();
    process.env.ZHIPING_TELEMETRY_STORE = file;
    delete process.env.ZHIPING_INGEST_STATUS_URL;
    app = await startTestApp();
    orgId = await makeOrganization({ name: "甲 acme" });
    member = await makeUser("member", { organizationId: orgId });
    const db = await getDb();
    await setEnterprise(db, orgId, { enterpriseKey: "acme", sparkplugGroup: "acme", topicRoot: "factory/acme" }, member.id);
    const line = await createLine(db, orgId, { lineKey: "L1", name: "一号线", calendar: { timeZone: "Asia/Shanghai", dayStart: dayStart.toFormat("HH:mm"), shifts: [] }, realtimeBucketS: 60, sources: ["plant-opcua"] }, member.id);
    if (!line.ok) throw new Error("line");
    lineId = line.id;
    const roles = { state: "State", good: "GoodCount", total: null, bad: "BadCount", energy: "Energy", heartbeat: "Energy" };
    for (const key of ["M1", "M2"]) {
      const machine: MachineInput = { machineKey: key, name: `${key} 车床`, idealCycleTimeS: 50, stateMapping: { preset: "opc40001" }, roles: { state: null, good: null, total: null, bad: null, energy: null, heartbeat: null } };
      const m = await saveMachine(db, orgId, lineId, null, machine, member.id);
      if (!m.ok) throw new Error("machine");
      for (const [signalKey, kind, unit] of [["State", "state", null], ["GoodCount", "counter", "parts"], ["BadCount", "counter", "parts"], ["Energy", "gauge", "kWh"]] as const) {
        await saveSignal(db, orgId, lineId, m.id, null, { signalKey, kind, unit, addresses: {} }, member.id);
      }
      await saveMachine(db, orgId, lineId, m.id, { ...machine, roles }, member.id);
    }
  });

  afterAll(async () => {
    await closeTelemetryReader();
    await app?.close();
    delete process.env.ZHIPING_TELEMETRY_STORE;
    rmSync(storeDir, { recursive: true, force: true });
  });

  it("gives today's OEE with A × P × Q, the provenance, the timeline and the last values", async () => {
    const s = (await dashboardSnapshot(await getDb(), orgId, lineId, E))!;
    expect(s.problem).toBeNull();
    expect(s.store).toBe("embedded");
    expect(s.shift).toBeNull(); // no shifts registered
    const today = s.today!;
    expect(today.from).toBe(dayStart.toMillis());
    // M1: planned busy time 120 min (before T0 its state is unknown: not planned), running 45 + 45 min.
    expect([today.pbt, today.apt, today.pq, today.gq]).toEqual([120 * MIN, 90 * MIN, 90, 81]);
    expect(today.availability).toBeCloseTo(0.75, 12);
    expect(today.performance).toBeCloseTo((50 * 90) / (90 * 60), 12);
    expect(today.quality).toBeCloseTo(0.9, 12);
    expect(today.oee).toBeCloseTo((50 * 81) / (120 * 60), 12); // 0.5625
    // Unknown: M1 from the day's start to T0, M2 (silent) all day; M1's counters had no reading before.
    expect(today.provenance.unknownTime).toBe(T0 - dayStart.toMillis() + (E - dayStart.toMillis()));
    expect(today.provenance.countsIncomplete).toEqual(["M1"]);
    expect(s.timeline).toEqual({
      from: dayStart.toMillis(),
      to: E,
      rows: [
        {
          machine: "M1",
          intervals: [
            { from: dayStart.toMillis(), to: T0, cls: "unknown", state: null },
            { from: T0, to: T0 + 45 * MIN, cls: "running", state: 3 },
            { from: T0 + 45 * MIN, to: T0 + 60 * MIN, cls: "stopped", state: 1 },
            { from: T0 + 60 * MIN, to: T0 + 105 * MIN, cls: "running", state: 3 },
            { from: T0 + 105 * MIN, to: E, cls: "stopped", state: 1 },
          ],
        },
        { machine: "M2", intervals: [{ from: dayStart.toMillis(), to: E, cls: "unknown", state: null }] },
      ],
    });
    expect(s.machines.map((m) => [m.key, m.current?.oee ?? null, m.lastSeen])).toEqual([
      ["M1", expect.closeTo(0.5625, 12), T0 + 119 * MIN],
      ["M2", null, null],
    ]);
    expect(s.lastValues.filter((v) => v.machine === "M1").map((v) => [v.signal, v.value, v.time])).toEqual([
      ["State", 1, T0 + 105 * MIN],
      ["GoodCount", 1081, T0 + 119 * MIN],
      ["BadCount", 19, T0 + 119 * MIN],
      ["Energy", 500 + 119 * 0.25, T0 + 119 * MIN],
    ]);
    expect(s.lastValues.filter((v) => v.machine === "M2").every((v) => v.value === null && v.time === null)).toBe(true);
    // The 7-day trend per day ends with today, computed the same way.
    expect(s.trend.at(-1)).toMatchObject({ id: today.id, pbt: today.pbt, apt: today.apt, gq: today.gq });
    // No ingest status configured: the line's source is shown as unknown, never as connected.
    expect(s.sources).toEqual([{ name: "plant-opcua", state: "unknown", detail: null, since: null }]);
  });

  it("streams snapshots as server-sent events, and answers a poll with JSON", async () => {
    const params = { orgId, lineId };
    const polled = await call(stream.loader, { path: `/orgs/${orgId}/lines/${lineId}/dashboard/stream`, params, cookie: member.cookie });
    expect(polled.status).toBe(200);
    expect(polled.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((polled.data as { line: { id: string } }).line.id).toBe(lineId);

    const controller = new AbortController();
    const { ORIGIN } = await import("../web/harness");
    const request = new Request(`${ORIGIN}/orgs/${orgId}/lines/${lineId}/dashboard/stream`, { headers: { cookie: member.cookie, accept: "text/event-stream" }, signal: controller.signal });
    const response = (await stream.loader({ request, params, context: {} })) as Response;
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    expect(text.split("\n").slice(0, 3)).toEqual(["retry: 2000", "id: 0", "event: snapshot"]);
    const payload = JSON.parse(text.split("\n").find((l) => l.startsWith("data: "))!.slice(6));
    expect(payload.today.gq).toBe(81);
    controller.abort();
    await reader.cancel();
  });

  it("measures the organisation's lines as evidence: 1 of 2 machines networked, OEE on 1 of 2", async () => {
    const sme = getFramework("sme-digital-2024")!;
    const state = await measuredEvidence(await getDb(), orgId, sme, { "equipment-networked-rate": { type: "percentage", value: 65 } }, { now: E });
    expect(state.status).toBe("measured");
    if (state.status !== "measured") return;
    expect(state.snapshot.window).toEqual({ from: new Date(E - 7 * 24 * 60 * MIN).toISOString(), to: new Date(E).toISOString() });
    expect(state.snapshot.measures.networkedRatio).toMatchObject({ value: 0.5, detail: "1 of 2 registered machines reported; silent: M2" });
    expect(state.snapshot.measures.oee).toMatchObject({ value: expect.closeTo(0.5625, 12), coverage: 0.5 });
    // Live collection: 120 one-minute buckets of M1 out of 7 × 1440 per machine, averaged over two machines.
    expect(state.snapshot.measures.realtimeCollection?.value).toBeCloseTo(120 / (7 * 1440) / 2, 12);
    expect(state.snapshot.oee).toEqual({ oee: expect.closeTo(0.5625, 12), availability: 0.75, performance: expect.closeTo(5 / 6, 12), quality: expect.closeTo(0.9, 12) });
    expect(state.measured["equipment-networked-rate"]).toMatchObject({ kpi: "networkedRatio", value: 0.5, implied: { type: "percentage", value: 50 } });
    // 设备管理 level 3 needs live collection and OEE on 80% of machines: at most level 2 is supported.
    expect(state.measured["scene-equipment"]).toMatchObject({ kpi: "realtimeCollection", implied: { type: "sceneLevel", value: 2 } });
  });

  it("shows the measurement beside the claim, scores the draft with it, and stores it with the submitted result", async () => {
    const db = await getDb();
    const sme = getFramework("sme-digital-2024")!;
    const id = await createAssessment(db, { organizationId: orgId, frameworkId: sme.id, frameworkVersion: sme.version, industryType: "discrete", actorId: member.id });
    // Every question answered: the first option (or 0), 65% networked, 设备管理 claimed at level 3.
    const answers = sme.questions.map((q) => {
      const value =
        q.id === "equipment-networked-rate" ? { type: "percentage", value: 65 }
        : q.id === "scene-equipment" ? { type: "sceneLevel", value: 3 }
        : q.type === "percentage" || q.type === "numeric" ? { type: q.type, value: 0 }
        : q.type === "sceneLevel" ? { type: "sceneLevel", value: 1 }
        : q.type === "multi" ? { type: "multi", value: [] }
        : q.type === "rating" ? { type: "rating", value: "none" }
        : { type: "single", value: q.options[0].id };
      return { questionId: q.id, value: value as never };
    });
    await saveAnswers(db, (await getAssessment(db, id))!, answers, member.id);
    const params = { assessmentId: id, pageId: "basis" };
    const page = await call(qPage.loader, { path: `/assessments/${id}/q/basis`, params, cookie: member.cookie });
    const line = (page.data as any).measured.items["equipment-networked-rate"];
    expect(line.mismatch).toBe(true);
    expect(line.usedInScore).toBe(true);
    expect(line.text.zh).toBe("申报联网率 60–100%，近 7 天实测 50%；按实测计分");
    expect(line.text.en).toBe("claimed 60–100% networked, measured 50% over the last 7 days; scored as measured");

    const submitted = await call(review.action, { method: "POST", path: `/assessments/${id}/review`, params, cookie: member.cookie, form: {} });
    expect(submitted.location).toBe(`/assessments/${id}/result`);
    const result = await db.selectFrom("result").select(["id", "resultJson", "totalScore"]).where("assessmentId", "=", id).where("kind", "=", "self").executeTakeFirstOrThrow();
    const evidence = JSON.parse(result.resultJson).evidence as Array<{ questionId: string; mismatch: boolean; usedInScore: boolean }>;
    expect(evidence.map((e) => [e.questionId, e.mismatch, e.usedInScore]).sort()).toEqual([
      ["data-collection", false, false],
      ["equipment-networked-rate", true, true],
      ["scene-energy", false, false],
      ["scene-equipment", true, false],
    ]);
    const stored = await withTelemetry(db).selectFrom("resultMeasurement").selectAll().where("resultId", "=", result.id).executeTakeFirstOrThrow();
    expect(Date.parse(stored.windowTo) - Date.parse(stored.windowFrom)).toBe(7 * 24 * 60 * MIN);
    expect(JSON.parse(stored.snapshotJson).measures.networkedRatio.value).toBe(0.5);

    // 65% would have scored 6 points in 设备联网率; the measured 50% scores 4.5: the result says so.
    const shown = await call(resultRoute.loader, { path: `/assessments/${id}/result`, params, cookie: member.cookie });
    const view = (shown.data as any).measured;
    expect(view.status).toBe("measured");
    expect(view.stored).toBe(true);
    expect(view.items.find((i: any) => i.questionId === "equipment-networked-rate").text.en).toMatch(/^claimed 60–100% networked, measured 50% over the 7 days to \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; scored as measured$/);
    const claimedOnly = (await import("~/domain/engine.server")).scoreAnswers(sme, Object.fromEntries(answers.map((a) => [a.questionId, a.value])), "discrete");
    expect(claimedOnly.total.score - result.totalScore).toBeCloseTo(1.5, 9);
  });
});
