// Pure parts of the bridge to the KPI service: the dashboard's live window over a shift calendar, registered
// machines the KPI service could not take counted into the evidence measures, the SSE message format.
import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import type { KpiMeasures } from "../../../assessments";
import { parseLineKpiConfig, type LineKpis } from "../../../ingest/telemetry";
import { liveWindow } from "~/telemetry/dashboard.server";
import { includeUnsetMachines } from "~/telemetry/evidence.server";
import { sseMessage } from "~/telemetry/event-stream.server";
import { fetchIngestStatus, statesOf } from "~/telemetry/ingest-status.server";

const shanghai = (iso: string) => DateTime.fromISO(iso, { zone: "Asia/Shanghai" }).toMillis();
const config = (dayStart: string, shifts: Array<{ id: string; start: string; end: string }>) =>
  parseLineKpiConfig({
    enterprise: "e",
    line: "l",
    calendar: { timeZone: "Asia/Shanghai", dayStart, shifts },
    machines: [{ id: "M1", idealCycleTimeS: 1, state: { signal: "State" }, parts: { kind: "goodAndBad", good: { signal: "G" }, bad: { signal: "B" } } }],
  });
const twoShifts = [{ id: "day", start: "08:00", end: "20:00" }, { id: "night", start: "20:00", end: "08:00" }];

describe("the dashboard's live window", () => {
  it("starts at the current shift when it began before today (a night shift seen at 02:00)", () => {
    const now = shanghai("2025-03-03T02:00:00");
    expect(liveWindow(config("00:00", twoShifts), now)).toEqual({ from: shanghai("2025-03-02T20:00:00"), to: now });
  });

  it("starts at today's start when that is earlier than the shift's", () => {
    const now = shanghai("2025-03-03T02:00:00");
    // The production day runs from 08:00: at 02:00 it is still the day that began yesterday at 08:00.
    expect(liveWindow(config("08:00", twoShifts), now)).toEqual({ from: shanghai("2025-03-02T08:00:00"), to: now });
    expect(liveWindow(config("00:00", twoShifts), shanghai("2025-03-03T15:00:00")).from).toBe(shanghai("2025-03-03T00:00:00"));
  });

  it("is today alone without shifts, or between shifts", () => {
    expect(liveWindow(config("06:00", []), shanghai("2025-03-03T05:00:00")).from).toBe(shanghai("2025-03-02T06:00:00"));
    const gap = [{ id: "early", start: "06:00", end: "14:00" }];
    expect(liveWindow(config("00:00", gap), shanghai("2025-03-03T20:00:00")).from).toBe(shanghai("2025-03-03T00:00:00"));
  });
});

describe("registered machines outside the KPIs in the evidence measures", () => {
  // Two machines in the KPIs (one reporting, 8 signals expected, 5 present), one machine not set up for them
  // with two signals of which the store has S1.
  const kpis = [{ networked: { registered: 2, reporting: 1 }, coverage: { expected: 8, present: 5 } }] as unknown as LineKpis[];
  const measures: KpiMeasures = {
    networkedRatio: { value: 0.5, coverage: 0.5, detail: "1 of 2 registered machines reported" },
    dataCoverage: { value: 5 / 8, coverage: 0.5, parts: { state: 0.5, parts: 0.5, bad: 0.5, energy: null }, detail: "5 of 8" },
    realtimeCollection: { value: 0.5, coverage: 0.5, detail: "live" },
    oee: { value: 0.6, coverage: 0.5, detail: "OEE" },
  };

  it("counts them as registered: networked and delivering what the store has, not measured for the KPIs", () => {
    const out = includeUnsetMachines(measures, kpis, [{ line: "L1", machine: "M3", signals: ["S1", "S2"] }], new Set(["L1\u0000M3\u0000S1"]));
    expect(out.networkedRatio).toEqual({ value: 2 / 3, coverage: 2 / 3, detail: "2 of 3 registered machines reported" });
    expect(out.dataCoverage?.value).toBeCloseTo(6 / 10, 12);
    expect(out.dataCoverage?.parts).toEqual({ state: 1 / 3, parts: 1 / 3, bad: 1 / 3, energy: null });
    expect(out.realtimeCollection?.value).toBeCloseTo(1 / 3, 12);
    expect(out.oee).toEqual({ value: 0.6, coverage: 1 / 3, detail: "OEE; not set up for KPIs: M3" });
  });

  it("changes nothing when every machine is in the KPIs, and counts a silent unset machine as not networked", () => {
    expect(includeUnsetMachines(measures, kpis, [], new Set())).toBe(measures);
    expect(includeUnsetMachines(measures, kpis, [{ line: "L1", machine: "M3", signals: ["S1"] }], new Set()).networkedRatio?.value).toBeCloseTo(1 / 3, 12);
  });
});

describe("server-sent events and the ingest's status", () => {
  it("writes one event per snapshot: id, event name, data lines, a blank line", () => {
    expect(sseMessage("snapshot", { a: 1, b: "x" }, 7)).toBe('id: 7\nevent: snapshot\ndata: {"a":1,"b":"x"}\n\n');
  });

  it("reads /healthz whether 200 or 503, and calls every source unknown when it cannot", async () => {
    const respond = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;
    const degraded = await fetchIngestStatus("http://x/healthz", respond(503, { status: "degraded", sources: { a: { state: "connected", since: 5 }, b: { state: "exploded" } } }));
    expect(statesOf(["a", "b", "c"], degraded)).toEqual([
      { name: "a", state: "connected", detail: null, since: 5 },
      { name: "b", state: "error", detail: null, since: null },
      { name: "c", state: "unknown", detail: null, since: null },
    ]);
    const wrong = await fetchIngestStatus("http://x/healthz", respond(200, { hello: "world" }));
    expect(statesOf(["a"], wrong)).toEqual([{ name: "a", state: "unknown", detail: "the ingest's status is not in the expected shape", since: null }]);
    const down = await fetchIngestStatus("http://x/healthz", (async () => { throw new TypeError("fetch failed"); }) as unknown as typeof fetch);
    expect(down).toMatchObject({ reachable: false, problem: "cannot reach the ingest (fetch failed)" });
    expect((await fetchIngestStatus("http://x/healthz", respond(404, {}))).problem).toBe("the ingest answered 404");
  });
});
