// Charts of the bureau portfolio (chart.js via react-chartjs-2, drawn after hydration like the result
// charts): levels stacked per district or industry, the cultivation ladder as a funnel of horizontal bars,
// and cumulative counts per month. Registering is idempotent, so these do not depend on Charts.tsx having
// been loaded first.
import {
  BarController, BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "chart.js";
import { Bar, Line } from "react-chartjs-2";

ChartJS.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);
ChartJS.defaults.animation = false;

/** Colours of the level buckets, in bucket order: not assessed, below level 1, levels 1–5 (as the level badges). */
export const LEVEL_COLOURS = ["#c4c9d0", "#9fb3c8", "#2f7d9c", "#1f6feb", "#6639ba", "#bf3989", "#b35900"];
const RUNG_COLOURS = ["#2f7d9c", "#1f6feb", "#6639ba", "#b35900"];

export interface CountSeries {
  label: string;
  values: number[];
}

export function StackedLevelsChart({ labels, series, testId, label }: { labels: string[]; series: CountSeries[]; testId: string; label: string }) {
  const height = Math.max(200, labels.length * 26 + 90);
  return (
    <div className="chart-box" style={{ height }}>
      <Bar
        data-testid={testId}
        role="img"
        aria-label={label}
        data={{ labels, datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: LEVEL_COLOURS[i % LEVEL_COLOURS.length] })) }}
        options={{
          indexAxis: "y",
          maintainAspectRatio: false,
          scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
          plugins: { legend: { position: "bottom" } },
        }}
      />
    </div>
  );
}

export function FunnelChart({ labels, values, testId, label }: { labels: string[]; values: number[]; testId: string; label: string }) {
  return (
    <div className="chart-box short">
      <Bar
        data-testid={testId}
        role="img"
        aria-label={label}
        data={{ labels, datasets: [{ label, data: values, backgroundColor: RUNG_COLOURS }] }}
        options={{ indexAxis: "y", maintainAspectRatio: false, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } }}
      />
    </div>
  );
}

export function CumulativeChart({ months, series, testId, label }: { months: string[]; series: CountSeries[]; testId: string; label: string }) {
  return (
    <div className="chart-box">
      <Line
        data-testid={testId}
        role="img"
        aria-label={label}
        data={{
          labels: months,
          datasets: series.map((s, i) => ({ label: s.label, data: s.values, borderColor: RUNG_COLOURS[i % RUNG_COLOURS.length], backgroundColor: RUNG_COLOURS[i % RUNG_COLOURS.length], pointRadius: 0, tension: 0.1 })),
        }}
        options={{ maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } }}
      />
    </div>
  );
}
