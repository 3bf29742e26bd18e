// The live line view's charts (chart.js through react-chartjs-2): OEE with its A × P × Q split for the
// current shift and today, the machines' state timeline as floating bars on a time axis, and OEE per shift
// over the last week. The server renders empty canvases; chart.js draws after hydration and redraws when a
// new snapshot arrives. Animation is off so an update never shows a half-drawn chart.
import {
  BarController, BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "chart.js";
import { useMemo } from "react";
import { Bar, Line } from "react-chartjs-2";
import type { MessageKey } from "../i18n/i18n";
import { useI18n } from "../i18n/use-i18n";
import type { DashboardSnapshot, OeeFigures, StateClassName } from "../telemetry/dashboard-types";

ChartJS.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

const BLUE = "rgb(11, 92, 173)";
const ORANGE = "rgb(191, 90, 0)";
export const CLASS_COLOURS: Record<StateClassName, string> = {
  running: "rgb(26, 127, 55)",
  stopped: "rgb(207, 34, 46)",
  planned: "rgb(140, 149, 159)",
  unknown: "rgb(234, 238, 242)",
};
const CLASSES: StateClassName[] = ["running", "stopped", "planned", "unknown"];

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

function timeFormatter(timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("zh-CN", { timeZone, hour: "2-digit", minute: "2-digit", hour12: false, ...(withDate ? { month: "2-digit", day: "2-digit" } : {}) });
}

/** OEE, A, P and Q of the current shift beside today's, in percent. */
export function OeeSplitChart({ shift, today, shiftLabel }: { shift: OeeFigures | null; today: OeeFigures | null; shiftLabel: string }) {
  const { t } = useI18n();
  const labels = [t("dash.oee"), t("dash.availability"), t("dash.performance"), t("dash.quality")];
  const values = (f: OeeFigures | null) => (f ? [pct(f.oee), pct(f.availability), pct(f.performance), pct(f.quality)] : [null, null, null, null]);
  const datasets = [
    ...(shift ? [{ label: shiftLabel, data: values(shift), backgroundColor: BLUE }] : []),
    ...(today ? [{ label: t("dash.today"), data: values(today), backgroundColor: ORANGE }] : []),
  ];
  return (
    <div className="chart-box short">
      <Bar
        data-testid="oee-chart"
        role="img"
        aria-label={t("dash.split")}
        data={{ labels, datasets }}
        options={{
          animation: false,
          maintainAspectRatio: false,
          scales: { y: { min: 0, suggestedMax: 100, ticks: { callback: (v) => `${v}%` } } },
          plugins: { legend: { display: datasets.length > 1 } },
        }}
      />
    </div>
  );
}

/** Each machine's states over the window: floating bars from each interval's start to its end. */
export function StateTimelineChart({ timeline, timeZone }: { timeline: DashboardSnapshot["timeline"]; timeZone: string }) {
  const { t } = useI18n();
  const format = useMemo(() => timeFormatter(timeZone, timeline.to - timeline.from > 20 * 3_600_000), [timeZone, timeline.from, timeline.to]);
  const machines = timeline.rows.map((r) => r.machine);
  const datasets = CLASSES.map((cls) => ({
    label: t(`dash.class.${cls}` as MessageKey),
    data: timeline.rows.flatMap((r) => r.intervals.filter((x) => x.cls === cls).map((x) => ({ x: [x.from, x.to] as [number, number], y: r.machine }))),
    backgroundColor: CLASS_COLOURS[cls],
    // One row per machine: the classes share it instead of being placed side by side.
    grouped: false,
    barPercentage: 0.8,
    categoryPercentage: 0.9,
  }));
  return (
    <div className="chart-box" style={{ height: Math.max(160, machines.length * 34 + 70) }}>
      <Bar
        data-testid="timeline-chart"
        role="img"
        aria-label={t("dash.timeline")}
        data={{ labels: machines, datasets }}
        options={{
          animation: false,
          indexAxis: "y",
          maintainAspectRatio: false,
          scales: {
            x: { type: "linear", min: timeline.from, max: timeline.to, ticks: { maxTicksLimit: 9, callback: (v) => format.format(new Date(Number(v))) } },
            y: { type: "category" },
          },
          plugins: {
            tooltip: {
              callbacks: {
                label: (ctx) => {
                  const [a, b] = (ctx.raw as { x: [number, number] }).x;
                  return `${ctx.dataset.label}: ${format.format(new Date(a))} – ${format.format(new Date(b))}`;
                },
              },
            },
          },
        }}
      />
    </div>
  );
}

/** OEE and its split per shift (or per day) over the last week. */
export function ShiftTrendChart({ trend, timeZone }: { trend: DashboardSnapshot["trend"]; timeZone: string }) {
  const { t } = useI18n();
  const day = useMemo(() => new Intl.DateTimeFormat("zh-CN", { timeZone, month: "2-digit", day: "2-digit" }), [timeZone]);
  const labels = trend.map((p) => `${day.format(new Date(p.from))}${p.shift ? ` ${p.shift}` : ""}${p.partial ? "*" : ""}`);
  const series: Array<[string, (p: OeeFigures) => number | null, string, number[] | undefined]> = [
    [t("dash.oee"), (p) => pct(p.oee), BLUE, undefined],
    [t("dash.availability"), (p) => pct(p.availability), "rgb(26, 127, 55)", [4, 3]],
    [t("dash.performance"), (p) => pct(p.performance), ORANGE, [4, 3]],
    [t("dash.quality"), (p) => pct(p.quality), "rgb(102, 57, 186)", [4, 3]],
  ];
  return (
    <div className="chart-box short">
      <Line
        data-testid="trend-chart"
        role="img"
        aria-label={t("dash.trend")}
        data={{
          labels,
          datasets: series.map(([label, pick, colour, dash]) => ({
            label,
            data: trend.map(pick),
            borderColor: colour,
            backgroundColor: colour,
            borderWidth: dash ? 1.5 : 2.5,
            borderDash: dash,
            pointRadius: 2,
            spanGaps: true,
          })),
        }}
        options={{ animation: false, maintainAspectRatio: false, scales: { y: { min: 0, suggestedMax: 100, ticks: { callback: (v) => `${v}%` } } } }}
      />
    </div>
  );
}
