// Targets of the cultivation plan with their progress; the cumulative count of enterprises meeting each rung
// by month.
import { Link } from "@remix-run/react";
import { Fragment } from "react";
import type { Text } from "../../assessments/types";
import type { Rung } from "../bureau/ladder";
import { rungLabel } from "../bureau/labels";
import type { TargetView } from "../bureau/portfolio-view.server";
import { useI18n } from "../i18n/use-i18n";
import { CumulativeChart } from "./BureauCharts";

export function BureauTargets(props: { targets: TargetView[]; district: boolean; editLink: string | null }) {
  const { t, num } = useI18n();
  let previousPlan = "";
  return (
    <section className="card" aria-labelledby="targets-title">
      <h2 id="targets-title">{t("bureau.targets.title")}</h2>
      {props.district ? <p className="muted small">{t("bureau.targets.scopeNote")}</p> : null}
      {props.targets.length === 0 ? <p className="muted">{t("bureau.targets.none")}</p> : (
        <table data-testid="targets">
          <tbody>
            {props.targets.map((x) => {
              const percent = x.ratio === null ? null : Math.max(0, Math.min(100, Math.round(x.ratio * 100)));
              const fmt = (v: number) => (x.unit === "percent" ? `${num(v, 1)}%` : num(v, 0));
              const label = t(`bureau.metric.${x.metric}`, { param: x.param ?? "" });
              const planRow = x.plan !== previousPlan ? <tr><th colSpan={4}>{x.plan}</th></tr> : null;
              previousPlan = x.plan;
              return (
                <Fragment key={x.id}>
                  {planRow}
                  <tr data-metric={x.metric}>
                    <td>{label}</td>
                    <td className="small muted" style={{ whiteSpace: "nowrap" }}>{t("bureau.targets.period", { from: x.periodStart, to: x.periodEnd })}</td>
                    <td style={{ width: "30%" }}>
                      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent ?? 0} aria-label={label}>
                        <span style={{ width: `${percent ?? 0}%` }} />
                      </div>
                    </td>
                    <td className="num" style={{ whiteSpace: "nowrap" }} data-testid={`target-${x.metric}`}>
                      {x.value === null ? t("bureau.targets.unmeasured") : t("bureau.targets.progress", { value: fmt(x.value), target: fmt(x.targetValue) })}
                      {percent !== null ? <span className="muted small"> · {percent}%</span> : null}
                    </td>
                  </tr>
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {props.editLink ? <p className="no-print"><Link to={props.editLink}>{t("bureau.editTargets")}</Link></p> : null}
    </section>
  );
}

export function BureauProgress(props: { progress: { months: string[]; series: Array<{ rung: Rung; values: number[] }> }; ladderLevels: Array<{ level: number; name: Text }> }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <section className="card" aria-labelledby="progress-title">
      <h2 id="progress-title">{t("bureau.progress.title")}</h2>
      <CumulativeChart
        testId="progress"
        months={props.progress.months}
        series={props.progress.series.map((s) => ({ label: rungLabel(i18n, s.rung, props.ladderLevels), values: s.values }))}
        label={t("bureau.progress.title")}
      />
      <p className="muted small">{t("bureau.progress.scopeNote")}</p>
    </section>
  );
}
