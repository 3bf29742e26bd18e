// The cultivation ladder as a funnel: enterprises meeting each rung (ready to apply), each count a link to
// the library filtered to them, with the chart beside it.
import { Link } from "@remix-run/react";
import type { Text } from "../../assessments/types";
import { filtersToSearch, type PortfolioFilters } from "../bureau/filters";
import type { Rung } from "../bureau/ladder";
import { rungLabel } from "../bureau/labels";
import { useI18n } from "../i18n/use-i18n";
import { FunnelChart } from "./BureauCharts";

export function BureauLadder(props: {
  funnel: Array<{ rung: Rung; count: number }>;
  total: number;
  filters: PortfolioFilters;
  ladderLevels: Array<{ level: number; name: Text }>;
  region: string | null;
}) {
  const i18n = useI18n();
  const { t, num } = i18n;
  const labels = props.funnel.map((f) => rungLabel(i18n, f.rung, props.ladderLevels));
  const widest = Math.max(1, props.total);
  return (
    <section className="card" aria-labelledby="funnel-title">
      <h2 id="funnel-title">{t("bureau.funnel.title")}</h2>
      <ol className="funnel" data-testid="funnel-list" style={{ listStyle: "none", padding: 0, margin: "0 0 0.6rem" }}>
        {props.funnel.map((f, i) => (
          <li key={f.rung} className="row" style={{ alignItems: "center", margin: "0.2rem 0" }} data-rung={f.rung}>
            <span style={{ minWidth: "7rem" }}>{labels[i]}</span>
            <span className="progress" style={{ flex: 1, minWidth: "6rem" }} aria-hidden="true">
              <span style={{ width: `${Math.round((100 * f.count) / widest)}%` }} />
            </span>
            <strong className="num" data-testid={`funnel-${f.rung}`}>{num(f.count, 0)}</strong>
            <Link to={filtersToSearch(props.filters, { ready: f.rung, page: 1 }, props.region ? { region: props.region } : {})}>{t("bureau.funnel.show")}</Link>
          </li>
        ))}
      </ol>
      <FunnelChart testId="funnel" labels={labels} values={props.funnel.map((f) => f.count)} label={t("bureau.funnel.title")} />
      <p className="muted small">{t("bureau.funnel.note")}</p>
    </section>
  );
}
