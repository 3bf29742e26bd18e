// The simulated line's pure model: a hand-computed timetable, exact window arithmetic, seeded randomness.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MachineCursor, simulateLine, simulateMachine, snapshotAt, windowTotals } from "../../../ingest/sources/simulator/model";
import { parseLineSpec, type LineSpecInput, type MachineSpecInput } from "../../../ingest/sources/simulator/spec";
import { press } from "../../support/simulated-press";

const epoch = 1_700_000_000_000;
const s = (seconds: number) => epoch + seconds * 1000;

// One 200 s cycle: Executing 100 s, NotExecuting 20 s, OutOfService 30 s, NotAvailable 50 s.

function lineWith(machine: MachineSpecInput, extra: Partial<LineSpecInput> = {}) {
  return parseLineSpec({ enterprise: "demo", line: "Line1", seed: 7, epoch, machines: [machine], ...extra });
}

describe("a fixed timetable (seed-independent, computed by hand)", () => {
  const line = lineWith(press);
  const history = simulateMachine(line, "M1", s(0), s(400));

  it("walks the timetable twice in 400 s", () => {
    expect(history.states).toEqual([
      { from: s(0), to: s(100), state: 3 },
      { from: s(100), to: s(120), state: 2 },
      { from: s(120), to: s(150), state: 1 },
      { from: s(150), to: s(200), state: 0 },
      { from: s(200), to: s(300), state: 3 },
      { from: s(300), to: s(320), state: 2 },
      { from: s(320), to: s(350), state: 1 },
      { from: s(350), to: s(400), state: 0 },
    ]);
  });

  it("completes a part every 12 s of executing time, carrying progress across stops", () => {
    // First run: 12, 24 … 96 (8 parts, 4 s of progress left at 100). Second run starts at 200 and finishes
    // its first part after the missing 8 s: 208, 220 … 292 (8 parts). Every 4th part is bad.
    const times = [12, 24, 36, 48, 60, 72, 84, 96, 208, 220, 232, 244, 256, 268, 280, 292].map(s);
    expect(history.parts.map((p) => p.time)).toEqual(times);
    expect(history.parts.filter((p) => !p.good).map((p) => p.time)).toEqual([48, 96, 244, 292].map(s));
  });

  it("adds up to the figures OEE is computed from (ISO 22400)", () => {
    const totals = windowTotals(line, history);
    expect(totals.stateMs).toEqual({ Executing: 200_000, NotExecuting: 40_000, OutOfService: 60_000, NotAvailable: 100_000 });
    expect(totals.goodParts).toBe(12);
    expect(totals.badParts).toBe(4);
    expect(totals.breakdowns).toBe(2);
    // 200 s × 8 kW + 40 s × 2 kW + 60 s × 1 kW + 100 s × 0.5 kW = 1790 kW·s
    expect(totals.energyKWh).toBeCloseTo(1790 / 3600, 12);
    // PBT = 400 − 100 (NotAvailable) = 300 s; APT = 200 s; A = 2/3; E = 10 s × 16 / 200 s = 0.8; QR = 12/16.
    const pbt = (totals.windowMs - totals.stateMs.NotAvailable) / 1000;
    const apt = totals.stateMs.Executing / 1000;
    const produced = totals.goodParts + totals.badParts;
    const oee = (apt / pbt) * ((totals.idealCycleTimeS * produced) / apt) * (totals.goodParts / produced);
    expect(oee).toBeCloseTo(0.4, 12);
  });

  it("lists each value change once, in time order", () => {
    const bySignal = (name: string) => history.changes.filter((c) => c.signal === name);
    expect(bySignal("State").map((c) => [c.time, c.value])).toEqual([
      [s(100), 2], [s(120), 1], [s(150), 0], [s(200), 3], [s(300), 2], [s(320), 1], [s(350), 0], [s(400), 3],
    ]);
    expect(bySignal("GoodCount").map((c) => c.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(bySignal("BadCount").map((c) => [c.time, c.value])).toEqual([[s(48), 1], [s(96), 2], [s(244), 3], [s(292), 4]]);
    expect(bySignal("SpindleSpeed").map((c) => [c.time, c.value])).toEqual([[s(100), 0], [s(200), 1200], [s(300), 0], [s(400), 1200]]);
    // Every state draws power, so the meter moves every second: 400 readings.
    expect(bySignal("Energy")).toHaveLength(400);
    expect(bySignal("Energy").at(-1)!.value).toBeCloseTo(1790 / 3600, 12);
    expect(bySignal("IdealCycleTime")).toEqual([]);
    const times = history.changes.map((c) => c.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("starts from the values in effect at the epoch", () => {
    expect(history.initial).toEqual({
      State: 3, GoodCount: 0, BadCount: 0, IdealCycleTime: 10, SpindleSpeed: 1200, Temperature: 50, Energy: 0,
    });
  });

  it("moves the temperature towards each state's target with a first-order lag", () => {
    // Executing from a warm start stays at 50 °C; idle (30 °C target) for 20 s, then ambient (20 °C).
    const at120 = 30 + 20 * Math.exp(-20 / 60);
    const at150 = 20 + (at120 - 20) * Math.exp(-30 / 60);
    const temperature = (t: number) => snapshotAt(line, s(t)).M1.Temperature;
    expect(temperature(99)).toBe(50);
    expect(temperature(120)).toBe(Math.round(at120 * 100) / 100);
    expect(temperature(150)).toBe(Math.round(at150 * 100) / 100);
    // Between two samples the reading holds.
    expect(temperature(150.5)).toBe(temperature(150));
  });

  it("applies an injected counter reset before a part completing at the same instant", () => {
    const reset = lineWith({ ...press, counterResetsS: [48, 150] });
    const h = simulateMachine(reset, "M1", s(0), s(400));
    expect(h.resets).toEqual([s(48), s(150)]);
    const at48 = h.changes.filter((c) => c.time === s(48) && c.signal.endsWith("Count"));
    // Before: 3 good, 0 bad. Reset → 0/0, then part 4 (bad) → 0/1. BadCount 0 → 1 is one change.
    expect(at48.map((c) => [c.signal, c.value])).toEqual([["GoodCount", 0], ["BadCount", 1]]);
    const end = simulateMachine(reset, "M1", s(400), s(400)).initial;
    // After the reset at 150: parts 9–16 → 6 good, 2 bad.
    expect([end.GoodCount, end.BadCount]).toEqual([6, 2]);
  });

  it("starts counters and the energy meter from the configured initial readings", () => {
    const used = lineWith({ ...press, initial: { goodCount: 1000, badCount: 7, energyKWh: 12.5 } });
    const end = snapshotAt(used, s(400)).M1;
    expect([end.GoodCount, end.BadCount]).toEqual([1012, 11]);
    expect(end.Energy).toBeCloseTo(12.5 + 1790 / 3600, 12);
  });
});

// A random line: breakdowns, waits, planned breaks, scrap, noise — all drawn from the seed.
const randomMachine = (id: string): MachineSpecInput => ({
  id,
  idealCycleTimeS: 28,
  cycleTimeS: 31.5,
  behaviour: {
    kind: "random",
    mtbfS: 5400,
    mttrS: 900,
    meanRunBetweenWaitsS: 1200,
    meanWaitS: 120,
    plannedStops: [{ periodS: 14_400, offsetS: 7_200, durationS: 1_800 }],
  },
  quality: { scrapRate: 0.03 },
  spindleSpeedRpm: 3000,
  spindleNoiseRpm: 15,
  temperature: { ambientC: 22, idleC: 30, executingC: 45, timeConstantS: 600, noiseC: 0.2 },
  powerKw: { NotAvailable: 0.2, OutOfService: 1.5, NotExecuting: 3, Executing: 11 },
  counterResetsS: [20_000],
});
const randomLine = (seed: number) =>
  parseLineSpec({ enterprise: "demo", line: "Line1", seed, epoch, machines: [randomMachine("M1"), randomMachine("M2")] });

describe("a seeded random line", () => {
  it("is the same history for the same seed and a different one for another seed", () => {
    const a = simulateLine(randomLine(42), s(0), s(6 * 3600));
    const b = simulateLine(randomLine(42), s(0), s(6 * 3600));
    const c = simulateLine(randomLine(43), s(0), s(6 * 3600));
    expect(b).toEqual(a);
    expect(c[0].states).not.toEqual(a[0].states);
    // Two machines with the same spec on one line do not run in lockstep.
    expect(a[1].states).not.toEqual(a[0].states);
  });

  it("puts the planned breaks exactly where the calendar says, as NotAvailable", () => {
    const h = simulateMachine(randomLine(42), "M1", s(0), s(8 * 3600));
    const unavailable = h.states.filter((x) => x.state === 0).map((x) => [x.from, x.to]);
    expect(unavailable).toEqual([
      [s(7200), s(9000)],
      [s(21_600), s(23_400)],
    ]);
    const t = windowTotals(randomLine(42), h);
    expect(t.stateMs.NotAvailable).toBe(2 * 1_800_000);
    expect(Object.values(t.stateMs).reduce((x, y) => x + y, 0)).toBe(8 * 3_600_000);
  });

  it("cuts into windows that concatenate exactly, whatever the cut", () => {
    const line = randomLine(9);
    const whole = simulateMachine(line, "M2", s(0), s(7200));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7200_000 }), (cutMs) => {
        const cut = epoch + cutMs;
        const left = simulateMachine(line, "M2", s(0), cut);
        const right = simulateMachine(line, "M2", cut, s(7200));
        expect([...left.changes, ...right.changes]).toEqual(whole.changes);
        expect([...left.parts, ...right.parts]).toEqual(whole.parts);
        // The values at the cut are the start values plus every change up to it.
        const replayed = { ...whole.initial };
        for (const c of left.changes) replayed[c.signal] = c.value;
        expect(right.initial).toEqual(replayed);
      }),
      { numRuns: 25 },
    );
  });

  it("plays the same history tick by tick as in one step", () => {
    const line = randomLine(5);
    const oneStep = new MachineCursor(line, line.machines[0]).advance(s(3600)).changes;
    const ticking = new MachineCursor(line, line.machines[0]);
    const ticked = [];
    for (let t = 250; t <= 3_600_000; t += 250) ticked.push(...ticking.advance(epoch + t).changes);
    expect(ticked).toEqual(oneStep);
  });

  it("keeps counters monotonic except at an injected reset, and scrap near its rate", () => {
    const h = simulateMachine(randomLine(42), "M1", s(0), s(48 * 3600));
    let previous = h.initial.GoodCount;
    const drops: number[] = [];
    for (const c of h.changes.filter((x) => x.signal === "GoodCount")) {
      if (c.value < previous) drops.push(c.time);
      previous = c.value;
    }
    expect(drops).toEqual([s(20_000)]);
    const t = windowTotals(randomLine(42), h);
    const scrap = t.badParts / (t.goodParts + t.badParts);
    expect(t.goodParts + t.badParts).toBeGreaterThan(2000);
    expect(scrap).toBeGreaterThan(0.015);
    expect(scrap).toBeLessThan(0.045);
  });

  it("never changes one signal twice at the same instant", () => {
    const h = simulateMachine(randomLine(3), "M1", s(0), s(24 * 3600));
    const keys = h.changes.map((c) => `${c.signal}@${c.time}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("input checks", () => {
  it("names the wrong key path of a bad spec", () => {
    expect(() =>
      parseLineSpec({ enterprise: "demo", line: "Line1", seed: 1, epoch, machines: [{ ...press, cycleTimeS: -1, colour: "red" }] }),
    ).toThrow(/machines\[0\]\.cycleTimeS: Too small[\s\S]*machines\[0\]\.colour: unknown key/);
    expect(() => parseLineSpec({ enterprise: "demo", line: "Line1", seed: 1, epoch: epoch + 1, machines: [press] })).toThrow(
      /epoch: epoch must be a whole second/,
    );
    expect(() => parseLineSpec({ enterprise: "demo", line: "Line1", seed: 1, epoch, machines: [press, press] })).toThrow(
      /machine ids must be unique/,
    );
  });

  it("refuses windows before the epoch or backwards", () => {
    const line = lineWith(press);
    expect(() => simulateMachine(line, "M1", epoch - 1000, epoch)).toThrow(/before the line's epoch/);
    expect(() => simulateMachine(line, "M1", s(10), s(5))).toThrow(/before it starts/);
    expect(() => simulateMachine(line, "M9", s(0), s(5))).toThrow(/no machine "M9"/);
  });
});
