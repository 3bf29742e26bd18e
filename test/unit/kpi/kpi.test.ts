import { describe, expect, it } from "vitest";
import {
  combineOee,
  counterIncrease,
  dataCoverage,
  energyPerGoodUnit,
  machineOee,
  machineryItemStateMapping,
  networkedRatio,
  oeeFigures,
  reliability,
  type Sample,
  stateTimeline,
} from "../../../assessments/kpi";

const s = (seconds: number, value: number | null, quality: Sample["quality"] = "good"): Sample => ({
  time: seconds * 1000,
  value,
  quality,
});
const hour = { from: 0, to: 3_600_000 };

// One hour of a machine, by hand:
//   0–1800 s Executing, 1800–2100 NotExecuting, 2100–3000 Executing, 3000–3300 OutOfService (a failure),
//   3300–3600 Executing.  running = 1800 + 900 + 300 = 3000 s; stopped = 300 + 300 = 600 s; PBT = 3600 s.
const states = [s(0, 3), s(1800, 2), s(2100, 3), s(3000, 1), s(3300, 3)];
// good counter: 100 before the window → 130 → 160 → reset to 10 → 40: 30 + 30 + 10 + 30 = 100 good parts.
const good = [s(600, 130), s(1200, 160), s(2400, 10), s(3599, 40)];
// bad counter: 5 before → 8: 3 bad parts.  PQ = 103, GQ = 100.
const bad = [s(3000, 8)];

describe("stateTimeline", () => {
  it("splits a window into ISO 22400 classes", () => {
    const t = stateTimeline(states, hour, machineryItemStateMapping);
    expect(t.durations).toEqual({ running: 3_000_000, stopped: 600_000, planned: 0, unknown: 0 });
    expect(t.failures).toBe(1);
    expect(t.failureTime).toBe(300_000);
    expect(t.intervals.map((i) => [i.from / 1000, i.to / 1000, i.state])).toEqual([
      [0, 1800, 3], [1800, 2100, 2], [2100, 3000, 3], [3000, 3300, 1], [3300, 3600, 3],
    ]);
  });

  it("takes the state in force at the start from the sample before the window", () => {
    // NotAvailable (planned) from before the window until 600 s, then Executing.
    const t = stateTimeline([s(600, 3)], hour, machineryItemStateMapping, s(-50, 0));
    expect(t.durations).toEqual({ running: 3_000_000, stopped: 0, planned: 600_000, unknown: 0 });
    expect(t.gaps).toEqual([]);
  });

  it("reports the start as a gap when no state is known", () => {
    const t = stateTimeline([s(600, 3)], hour, machineryItemStateMapping);
    expect(t.durations.unknown).toBe(600_000);
    expect(t.gaps).toEqual([{ from: 0, to: 600_000, reason: "no-data-at-start" }]);
  });

  it("stops trusting a periodic state after the silence limit", () => {
    // samples at 0, 30, 60 s then silence until 300 s; limit 60 s → running 0–120, unknown 120–300, running 300–360.
    const t = stateTimeline([s(0, 3), s(30, 3), s(60, 3), s(300, 3)], { from: 0, to: 360_000 }, machineryItemStateMapping, null, {
      maxSilenceMs: 60_000,
    });
    expect(t.durations.running).toBe(180_000);
    expect(t.durations.unknown).toBe(180_000);
    expect(t.gaps).toEqual([{ from: 120_000, to: 300_000, reason: "silence" }]);
  });

  it("never carries a good state through a bad or stale sample", () => {
    const t = stateTimeline([s(0, 3), s(100, null, "bad"), s(200, 3), s(250, null, "stale")], { from: 0, to: 300_000 }, machineryItemStateMapping);
    expect(t.durations).toEqual({ running: 150_000, stopped: 0, planned: 0, unknown: 150_000 });
    expect(t.gaps).toEqual([
      { from: 100_000, to: 200_000, reason: "bad-quality" },
      { from: 250_000, to: 300_000, reason: "stale" },
    ]);
  });

  it("counts a failure that continues from before the window only by its time", () => {
    const t = stateTimeline([s(100, 3)], { from: 0, to: 200_000 }, machineryItemStateMapping, s(-10, 1));
    expect(t.failures).toBe(0);
    expect(t.failureTime).toBe(100_000);
  });
});

describe("counterIncrease", () => {
  it("adds rises and reads a drop as a reset from zero", () => {
    const r = counterIncrease(good, hour, s(-10, 100));
    expect(r.increase).toBe(100);
    expect(r.resets).toEqual([{ time: 2_400_000, from: 160, to: 10 }]);
    expect(r.unknownStart).toBe(false);
  });

  it("reads a large drop as a wrap when the modulus is known", () => {
    // 65530 → 4 on a UInt16: 65536 − 65530 + 4 = 10.
    const r = counterIncrease([s(10, 4), s(20, 9)], hour, s(-1, 65530), { rolloverAt: 65536 });
    expect(r.increase).toBe(15);
    expect(r.rollovers).toBe(1);
    expect(r.resets).toEqual([]);
  });

  it("skips bad samples instead of reading them as zero", () => {
    const r = counterIncrease([s(10, null, "bad"), s(20, 0, "bad"), s(30, 12)], hour, s(-1, 10));
    expect(r.increase).toBe(2);
    expect(r.resets).toEqual([]);
  });

  it("flags counts as incomplete without a sample before the window", () => {
    const r = counterIncrease([s(10, 50), s(20, 53)], hour);
    expect(r.increase).toBe(3);
    expect(r.unknownStart).toBe(true);
  });

  it("ignores samples at or after the window end", () => {
    expect(counterIncrease([s(10, 5), s(3600, 99)], hour, s(-1, 0)).increase).toBe(5);
  });
});

describe("oee", () => {
  it("computes A, E, QR and OEE of one machine-hour (ISO 22400)", () => {
    const r = machineOee({
      window: hour,
      states,
      mapping: machineryItemStateMapping,
      counters: { kind: "goodAndBad", good, bad, goodBefore: s(-10, 100), badBefore: s(-10, 5) },
      idealCycleMs: 25_000,
    });
    expect([r.pbt, r.apt, r.pq, r.gq]).toEqual([3_600_000, 3_000_000, 103, 100]);
    expect(r.availability).toBeCloseTo(3000 / 3600, 12); // 0.8333…
    expect(r.performance).toBeCloseTo((25 * 103) / 3000, 12); // 0.858333…
    expect(r.quality).toBeCloseTo(100 / 103, 12); // 0.970873…
    expect(r.oee).toBeCloseTo((25 * 100) / 3600, 12); // 0.694444…
    expect(r.availability! * r.performance! * r.quality!).toBeCloseTo(r.oee!, 12);
    expect(r.resets).toEqual([{ counter: "good", time: 2_400_000, from: 160, to: 10 }]);
    const rel = reliability(r.timeline);
    expect(rel).toEqual({ failures: 1, mtbf: 3_000_000, mttr: 300_000 });
  });

  it("derives good parts from total and bad counters", () => {
    const r = machineOee({
      window: hour,
      states: [s(0, 3)],
      mapping: machineryItemStateMapping,
      counters: { kind: "totalAndBad", total: [s(3000, 150)], bad: [s(3000, 10)], totalBefore: s(-1, 0), badBefore: s(-1, 0) },
      idealCycleMs: 20_000,
    });
    // PQ 150, GQ 140; OEE = 20 s × 140 / 3600 s = 0.7777…
    expect([r.pq, r.gq]).toEqual([150, 140]);
    expect(r.oee).toBeCloseTo(2800 / 3600, 12);
  });

  it("reports performance above 1 instead of clamping it", () => {
    const f = oeeFigures({ pbt: 100_000, apt: 100_000, pq: 3, gq: 3, idealCycleMs: 40_000 });
    expect(f.performance).toBeCloseTo(1.2, 12);
    expect(f.notes.join(" ")).toMatch(/performance above 1/);
  });

  it("leaves ratios undefined when their denominator is zero", () => {
    const f = oeeFigures({ pbt: 0, apt: 0, pq: 0, gq: 0, idealCycleMs: 1000 });
    expect([f.availability, f.performance, f.quality, f.oee]).toEqual([null, null, null, null]);
  });

  it("combines machines so that A × E × QR stays equal to Σ PRI·GQ / Σ PBT", () => {
    const c = combineOee([
      { pbt: 3600, apt: 3000, pq: 103, gq: 100, idealCycleMs: 25 },
      { pbt: 3600, apt: 1800, pq: 50, gq: 50, idealCycleMs: 30 },
    ]);
    // Σ PRI·PQ = 2575 + 1500 = 4075, Σ PRI·GQ = 2500 + 1500 = 4000.
    expect(c.availability).toBeCloseTo(4800 / 7200, 12);
    expect(c.performance).toBeCloseTo(4075 / 4800, 12);
    expect(c.quality).toBeCloseTo(4000 / 4075, 12);
    expect(c.oee).toBeCloseTo(4000 / 7200, 12);
    expect(c.availability! * c.performance! * c.quality!).toBeCloseTo(c.oee!, 12);
  });

  it("divides energy by good units only", () => {
    expect(energyPerGoodUnit(42, 100)).toBeCloseTo(0.42, 12);
    expect(energyPerGoodUnit(42, 0)).toBeNull();
  });
});

describe("coverage", () => {
  it("measures 设备联网率 as machines reporting inside the window", () => {
    const r = networkedRatio(
      ["m1", "m2", "m3", "m4"],
      [
        { machine: "m1", lastSeen: 10_000 },
        { machine: "m2", lastSeen: -5 },
        { machine: "m3", lastSeen: null },
        { machine: "m4", lastSeen: 3_599_999 },
      ],
      hour,
    );
    expect(r).toEqual({ registered: 4, reporting: 2, ratio: 0.5, silent: ["m2", "m3"] });
  });

  it("measures 数据自动采集覆盖 as expected signals present", () => {
    const r = dataCoverage(
      [
        { machine: "m1", signal: "state" },
        { machine: "m1", signal: "good" },
        { machine: "m1", signal: "good" },
        { machine: "m2", signal: "state" },
        { machine: "m2", signal: "energy" },
      ],
      [
        { machine: "m1", signal: "state" },
        { machine: "m1", signal: "good" },
        { machine: "m2", signal: "state" },
        { machine: "m9", signal: "state" },
      ],
    );
    expect(r.expected).toBe(4);
    expect(r.present).toBe(3);
    expect(r.ratio).toBe(0.75);
    expect(r.missing).toEqual([{ machine: "m2", signal: "energy" }]);
  });
});
