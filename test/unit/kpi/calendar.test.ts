// Shift calendars in a plant's time zone and the store grid cut from them.
import { describe, expect, it } from "vitest";
import { bucketStart, calendarSchema, gridFor, periodsIn } from "../../../ingest/telemetry/calendar";

const H = 3_600_000;
const shanghai = calendarSchema.parse({
  timeZone: "Asia/Shanghai",
  shifts: [
    { id: "day", start: "08:00", end: "20:00" },
    { id: "night", start: "20:00", end: "08:00" },
  ],
});

describe("periodsIn", () => {
  it("cuts a window into Shanghai days and the 08:00–20:00 / 20:00–08:00 shifts", () => {
    // 2025-03-03 06:00Z (14:00 in Shanghai) to 2025-03-04 06:00Z (14:00 next day).
    const window = { from: Date.UTC(2025, 2, 3, 6), to: Date.UTC(2025, 2, 4, 6) };
    const { days, shifts } = periodsIn(shanghai, window);
    // Shanghai midnight of 03-04 is 03-03 16:00Z.
    expect(days).toEqual([
      { kind: "day", id: "2025-03-03", date: "2025-03-03", from: window.from, to: Date.UTC(2025, 2, 3, 16), partial: true },
      { kind: "day", id: "2025-03-04", date: "2025-03-04", from: Date.UTC(2025, 2, 3, 16), to: window.to, partial: true },
    ]);
    // Day shift 08:00–20:00 = 00:00Z–12:00Z; the night shift of 03-03 runs 12:00Z to 00:00Z of 03-04.
    expect(shifts.map((s) => [s.id, new Date(s.from).toISOString(), new Date(s.to).toISOString(), s.partial])).toEqual([
      ["2025-03-03/day", "2025-03-03T06:00:00.000Z", "2025-03-03T12:00:00.000Z", true],
      ["2025-03-03/night", "2025-03-03T12:00:00.000Z", "2025-03-04T00:00:00.000Z", false],
      ["2025-03-04/day", "2025-03-04T00:00:00.000Z", "2025-03-04T06:00:00.000Z", true],
    ]);
  });

  it("keeps days and shifts in wall-clock time across a daylight-saving change", () => {
    // Europe/Berlin springs forward on 2025-03-30 (02:00 → 03:00): that day has 23 hours.
    const berlin = calendarSchema.parse({ timeZone: "Europe/Berlin", dayStart: "06:00", shifts: [{ id: "early", start: "06:00", end: "14:00" }] });
    const window = { from: Date.UTC(2025, 2, 29, 5), to: Date.UTC(2025, 2, 31, 4) };
    const { days, shifts } = periodsIn(berlin, window);
    // 06:00 CET = 05:00Z on the 29th; 06:00 CEST = 04:00Z on the 30th and 31st.
    expect(days.map((d) => [d.id, (d.to - d.from) / H])).toEqual([
      ["2025-03-29", 23],
      ["2025-03-30", 24],
    ]);
    expect(shifts.map((s) => [s.id, new Date(s.from).toISOString(), (s.to - s.from) / H])).toEqual([
      ["2025-03-29/early", "2025-03-29T05:00:00.000Z", 8],
      ["2025-03-30/early", "2025-03-30T04:00:00.000Z", 8],
    ]);
  });

  it("leaves hours outside every shift out of the shift list", () => {
    const oneShift = calendarSchema.parse({ timeZone: "Asia/Shanghai", shifts: [{ id: "day", start: "08:00", end: "17:00" }] });
    const { shifts } = periodsIn(oneShift, { from: Date.UTC(2025, 2, 3, 10), to: Date.UTC(2025, 2, 4, 0) });
    expect(shifts).toEqual([]); // 18:00 to 08:00 Shanghai: nobody works
  });
});

describe("gridFor", () => {
  it("is the coarsest grid holding every boundary: 4 h for 00:00 / 08:00 / 20:00 in Shanghai", () => {
    const window = { from: Date.UTC(2025, 2, 1, 3), to: Date.UTC(2025, 2, 8, 3) };
    const { days, shifts } = periodsIn(shanghai, window);
    const grid = gridFor([...days, ...shifts], window);
    expect(grid).toEqual({ everyMs: 4 * H, offsetMs: 0 });
    for (const p of [...days, ...shifts]) {
      if (p.from > window.from) expect(bucketStart(grid, p.from)).toBe(p.from);
      if (p.to < window.to) expect(bucketStart(grid, p.to)).toBe(p.to);
    }
  });

  it("uses one bucket for the window when no boundary falls inside it, aligned to one when one does", () => {
    expect(gridFor([], { from: 1000, to: 61_000 })).toEqual({ everyMs: 60_000, offsetMs: 1000 });
    const one = { kind: "shift" as const, id: "x", from: 0, to: 30_000, partial: true };
    expect(gridFor([one], { from: 1000, to: 61_000 })).toEqual({ everyMs: 60_000, offsetMs: 30_000 });
  });

  it("finds the bucket of any time, before the offset too", () => {
    const grid = { everyMs: 10, offsetMs: 3 };
    expect([bucketStart(grid, 3), bucketStart(grid, 12), bucketStart(grid, 13), bucketStart(grid, 2), bucketStart(grid, -8)]).toEqual([3, 3, 13, -7, -17]);
  });
});

describe("calendarSchema", () => {
  it.each([
    { input: { timeZone: "Mars/Olympus" }, path: ["timeZone"], message: /IANA time zone/ },
    { input: { shifts: [{ id: "a", start: "8:00", end: "20:00" }] }, path: ["shifts", 0, "start"], message: /HH:MM/ },
    { input: { shifts: [{ id: "a", start: "08:00", end: "24:00" }] }, path: ["shifts", 0, "end"], message: /HH:MM/ },
    {
      input: { shifts: [{ id: "night", start: "20:00", end: "08:00" }, { id: "early", start: "06:00", end: "14:00" }] },
      path: ["shifts", 1],
      message: /overlaps shift "night"/,
    },
    { input: { shifts: [{ id: "a", start: "08:00", end: "12:00" }, { id: "a", start: "12:00", end: "16:00" }] }, path: ["shifts", 1, "id"], message: /used twice/ },
  ])("refuses $input with a message at its path", ({ input, path, message }) => {
    const r = calendarSchema.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
    expect(issue?.message).toMatch(message);
  });

  it("defaults to Shanghai calendar days without shifts", () => {
    expect(calendarSchema.parse({})).toEqual({ timeZone: "Asia/Shanghai", dayStart: "00:00", shifts: [] });
  });
});
