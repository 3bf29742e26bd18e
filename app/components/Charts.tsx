// Result charts with chart.js through react-chartjs-2. Only the controllers, elements and scales these
// charts use are registered (keeps the bundle small). The server renders an empty canvas; chart.js draws
// after hydration. Animation is off so a printed report or a screenshot never catches a half-drawn chart.
import {
  BarController, BarElement, CategoryScale, Chart as ChartJS, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, RadarController, RadialLinearScale, Tooltip,
} from "chart.js";
import { Bar, Line, Radar } from "react-chartjs-2";

ChartJS.register(RadarController, RadialLinearScale, BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Filler, Tooltip, Legend);
ChartJS.defaults.animation = false;
ChartJS.defaults.font.family = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", system-ui, sans-serif';

const BLUE = "rgb(11, 92, 173)";
const BLUE_FILL = "rgba(11, 92, 173, 0.18)";
const ORANGE = "rgb(191, 90, 0)";
const ORANGE_FILL = "rgba(191, 90, 0, 0.12)";

export interface Series {
  label: string;
  /** Percentages 0–100. */
  values: number[];
}

export function RadarChart({ labels, series, testId }: { labels: string[]; series: Series[]; testId?: string }) {
  return (
    <div className="chart-box">
      <Radar
        data-testid={testId}
        aria-label={series.map((s) => s.label).join(", ")}
        role="img"
        data={{
          labels,
          datasets: series.map((s, i) => ({
            label: s.label,
            data: s.values,
            borderColor: i === 0 ? BLUE : ORANGE,
            backgroundColor: i === 0 ? BLUE_FILL : ORANGE_FILL,
            pointBackgroundColor: i === 0 ? BLUE : ORANGE,
            fill: true,
          })),
        }}
        options={{ maintainAspectRatio: false, scales: { r: { min: 0, max: 100, ticks: { stepSize: 20 } } }, plugins: { legend: { display: series.length > 1 } } }}
      />
    </div>
  );
}

export function BarChart({ labels, series, testId }: { labels: string[]; series: Series[]; testId?: string }) {
  const height = Math.max(220, labels.length * (series.length > 1 ? 30 : 22) + 60);
  return (
    <div className="chart-box" style={{ height }}>
      <Bar
        data-testid={testId}
        role="img"
        aria-label={series.map((s) => s.label).join(", ")}
        data={{
          labels,
          datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: i === 0 ? BLUE : ORANGE })),
        }}
        options={{
          indexAxis: "y",
          maintainAspectRatio: false,
          scales: { x: { min: 0, max: 100 } },
          plugins: { legend: { display: series.length > 1 } },
        }}
      />
    </div>
  );
}

export function TrendChart({ labels, values, label, max, testId }: { labels: string[]; values: number[]; label: string; max: number; testId?: string }) {
  return (
    <div className="chart-box short">
      <Line
        data-testid={testId}
        role="img"
        aria-label={label}
        data={{ labels, datasets: [{ label, data: values, borderColor: BLUE, backgroundColor: BLUE_FILL, fill: true, tension: 0.2 }] }}
        options={{ maintainAspectRatio: false, scales: { y: { min: 0, max } }, plugins: { legend: { display: false } } }}
      />
    </div>
  );
}
