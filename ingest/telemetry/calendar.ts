// The production calendar of a line: days and shifts in the plant's time zone (e.g. 08:00–20:00 and
// 20:00–08:00 Asia/Shanghai), cut into periods for a KPI window, and the coarsest uniform time grid whose
// buckets never straddle a period boundary — the grid a store groups by (InfluxQL GROUP BY time, SQL
// integer division), so per-shift and per-day sums are exact sums of store buckets. Wall-clock arithmetic
// across daylight-saving changes is luxon's, not ours.
import { DateTime, IANAZone } from "luxon";
import { z } from "zod";

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "must be a time of day as HH:MM (00:00–23:59)" });

const shiftSchema = z.strictObject({
  /** Stable key used in period ids (`2025-03-03/night`). */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: "must be lower-case letters, digits and '-', at most 32" }),
  name: z.string().min(1).optional(),
  /** Local start; a shift whose end is not after its start ends on the next day. */
  start: clock,
  end: clock,
});

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const calendarSchema = z
  .strictObject({
    timeZone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), { error: "must be an IANA time zone such as Asia/Shanghai" })
      .default("Asia/Shanghai"),
    /** Local time at which a production day begins (00:00 for calendar days). */
    dayStart: clock.default("00:00"),
    shifts: z.array(shiftSchema).default([]),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    const covered: Array<[number, number, number]> = []; // [from, to) minutes on a 48-hour line, shift index
    c.shifts.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: "custom", path: ["shifts", i, "id"], message: `shift id "${s.id}" is used twice` });
      seen.add(s.id);
      const from = minutes(s.start);
      let to = minutes(s.end);
      if (to <= from) to += 24 * 60;
      for (const [a, b, j] of covered) {
        // Compare on both days so that a night shift overlapping an early-morning shift is caught.
        for (const shift of [0, 24 * 60, -24 * 60]) {
          if (from + shift < b && a < to + shift) {
            ctx.addIssue({ code: "custom", path: ["shifts", i], message: `overlaps shift "${c.shifts[j].id}"` });
            return;
          }
        }
      }
      covered.push([from, to, i]);
    });
  });

export type CalendarInput = z.input<typeof calendarSchema>;
export type Calendar = z.output<typeof calendarSchema>;

export type PeriodKind = "window" | "day" | "shift";

export interface Period {
  kind: PeriodKind;
  /** `window`, `2025-03-03` (day) or `2025-03-03/night` (shift, dated by the local day it starts on). */
  id: string;
  /** Local date the period starts on (days and shifts). */
  date?: string;
  shift?: string;
  /** [from, to) in epoch ms, clipped to the KPI window. */
  from: number;
  to: number;
  /** True when the window cut the period short. */
  partial: boolean;
}

function at(date: DateTime, hhmm: string): DateTime {
  return date.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)), second: 0, millisecond: 0 });
}

/** Local dates whose days or shifts can touch [from, to): from the day before `from` to the day of `to`. */
function localDates(calendar: Calendar, from: number, to: number): DateTime[] {
  const first = DateTime.fromMillis(from, { zone: calendar.timeZone }).startOf("day").minus({ days: 1 });
  const last = DateTime.fromMillis(to, { zone: calendar.timeZone }).startOf("day");
  const out: DateTime[] = [];
  for (let d = first; d <= last; d = d.plus({ days: 1 })) out.push(d);
  return out;
}

function clip(kind: PeriodKind, id: string, from: number, to: number, window: { from: number; to: number }, extra: Partial<Period>): Period | null {
  const a = Math.max(from, window.from);
  const b = Math.min(to, window.to);
  if (b <= a) return null;
  return { kind, id, ...extra, from: a, to: b, partial: a !== from || b !== to };
}

/** The days (from `dayStart` to the next) and shifts that overlap the window, clipped to it, in time order. */
export function periodsIn(calendar: Calendar, window: { from: number; to: number }): { days: Period[]; shifts: Period[] } {
  const days: Period[] = [];
  const shifts: Period[] = [];
  for (const d of localDates(calendar, window.from, window.to)) {
    const date = d.toISODate() as string;
    const dayFrom = at(d, calendar.dayStart).toMillis();
    const dayTo = at(d.plus({ days: 1 }), calendar.dayStart).toMillis();
    const day = clip("day", date, dayFrom, dayTo, window, { date });
    if (day) days.push(day);
    for (const s of calendar.shifts) {
      const start = at(d, s.start);
      const endDay = minutes(s.end) <= minutes(s.start) ? d.plus({ days: 1 }) : d;
      const shift = clip("shift", `${date}/${s.id}`, start.toMillis(), at(endDay, s.end).toMillis(), window, { date, shift: s.id });
      if (shift) shifts.push(shift);
    }
  }
  shifts.sort((a, b) => a.from - b.from);
  return { days, shifts };
}

export interface Grid {
  /** Bucket length, ms. */
  everyMs: number;
  /** Buckets start at offsetMs + k × everyMs (epoch ms); 0 ≤ offsetMs < everyMs. */
  offsetMs: number;
}

const gcd = (a: number, b: number): number => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/**
 * The coarsest uniform grid on which every period boundary strictly inside the window lies, so no bucket
 * (clipped to the window) straddles a period boundary. With no boundary inside, one bucket spans the window.
 */
export function gridFor(periods: readonly Period[], window: { from: number; to: number }): Grid {
  const inside = new Set<number>();
  for (const p of periods) {
    for (const t of [p.from, p.to]) if (t > window.from && t < window.to) inside.add(t);
  }
  const boundaries = [...inside].sort((a, b) => a - b);
  let every = 0;
  for (let i = 1; i < boundaries.length; i++) every = gcd(every, boundaries[i] - boundaries[0]);
  if (every === 0) every = window.to - window.from; // no boundary or one: a bucket as long as the window
  const anchor = boundaries.length ? boundaries[0] : window.from;
  return { everyMs: every, offsetMs: ((anchor % every) + every) % every };
}

/** Start of the grid bucket that holds time t. */
export function bucketStart(grid: Grid, t: number): number {
  const r = (((t - grid.offsetMs) % grid.everyMs) + grid.everyMs) % grid.everyMs;
  return t - r;
}
