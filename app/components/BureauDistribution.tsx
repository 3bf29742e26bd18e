// Level distribution as stacked bars (one bar per district or industry, one colour per level), with the
// numbers in a table for readers without the chart.
import type { Text } from "../../assessments/types";
import { bucketLabel } from "../bureau/labels";
import type { Distribution } from "../bureau/portfolio-math";
import { useI18n } from "../i18n/use-i18n";
import { StackedLevelsChart } from "./BureauCharts";

export function BureauDistribution({ title, distribution, names, testId }: { title: string; distribution: Distribution; names: Map<string, Text>; testId: string }) {
  const i18n = useI18n();
  const { t, pick, num } = i18n;
  const labels = distribution.keys.map((k) => pick(names.get(k)) || k);
  const series = distribution.buckets.map((b, i) => ({ label: bucketLabel(i18n, b), values: distribution.counts[i] }));
  return (
    <section className="card">
      <h2>{title}</h2>
      {distribution.keys.length === 0 ? <p className="muted">{t("bureau.dist.empty")}</p> : (
        <>
          <StackedLevelsChart testId={testId} labels={labels} series={series} label={title} />
          <details>
            <summary>{t("bureau.dist.data")}</summary>
            <table className="small">
              <thead><tr><th></th>{series.map((s) => <th key={s.label} className="num">{s.label}</th>)}</tr></thead>
              <tbody>
                {labels.map((label, k) => (
                  <tr key={distribution.keys[k]}><td>{label}</td>{series.map((s) => <td key={s.label} className="num">{num(s.values[k], 0)}</td>)}</tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
