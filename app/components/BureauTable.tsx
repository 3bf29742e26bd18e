// The cultivation library: one server-sorted, server-paged table of the filtered enterprises. Column heads
// are links that sort (again: the other direction), so sorting works without JavaScript.
import { Link } from "@remix-run/react";
import { filtersToSearch, type PortfolioFilters, type SortKey } from "../bureau/filters";
import { flagsOfMask } from "../bureau/flags";
import { readyRung } from "../bureau/ladder";
import { levelLabel, rungLabel } from "../bureau/labels";
import type { LibraryRow } from "../bureau/portfolio.server";
import type { FilterOptions } from "../bureau/portfolio-view.server";
import { useI18n } from "../i18n/use-i18n";

export function BureauTable({ rows, hasMore, filters, options, region }: { rows: LibraryRow[]; hasMore: boolean; filters: PortfolioFilters; options: FilterOptions; region: string | null }) {
  const i18n = useI18n();
  const { t, pick, date } = i18n;
  const extra: Record<string, string> = region ? { region } : {};
  const districts = new Map(options.districts.map((d) => [d.code, d.name]));
  const industries = new Map(options.industries.map((x) => [x.code, x.name]));
  const tiers = new Map(options.tiers.map((x) => [x.id, x.name]));
  const flagNames = new Map(options.flags.map((f) => [f.code, f.name]));
  const head = (key: SortKey, label: string, numeric = false) => {
    const active = filters.sort === key;
    const dir = active && filters.dir === "asc" ? "desc" : active ? "asc" : key === "name" || key === "district" || key === "industry" ? "asc" : "desc";
    return (
      <th className={numeric ? "num" : undefined} aria-sort={active ? (filters.dir === "asc" ? "ascending" : "descending") : undefined}>
        <Link to={filtersToSearch(filters, { sort: key, dir, page: 1 }, extra)}>{label}</Link>
        {active ? (filters.dir === "asc" ? " ▲" : " ▼") : null}
      </th>
    );
  };
  return (
    <section className="card" aria-labelledby="library-title">
      <h2 id="library-title">{t("bureau.table.title")}</h2>
      {rows.length === 0 ? <p className="muted">{t("bureau.table.empty")}</p> : (
        <div style={{ overflowX: "auto" }}>
          <table data-testid="library" className="small">
            <thead>
              <tr>
                {head("name", t("bureau.col.name"))}
                {head("district", t("bureau.col.district"))}
                {head("industry", t("bureau.col.industry"))}
                <th>{t("bureau.col.scale")}</th>
                {head("cmmm", t("bureau.col.cmmm"))}
                {head("sme", t("bureau.col.sme"))}
                {head("rung", t("bureau.col.rung"))}
                <th>{t("bureau.col.tier")}</th>
                <th>{t("bureau.col.flags")}</th>
                {head("latest", t("bureau.col.latest"))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const ready = readyRung(r);
                return (
                  <tr key={r.organizationId}>
                    <td><Link to={`/orgs/${r.organizationId}`}>{r.name}</Link></td>
                    <td style={{ whiteSpace: "nowrap" }}>{pick(districts.get(r.districtCode)) || r.districtCode}</td>
                    <td title={pick(industries.get(r.industryDivision))}>{r.industryCode}</td>
                    <td style={{ whiteSpace: "nowrap" }}>{r.aboveScale ? t("bureau.scale.above") : t("bureau.scale.below")}</td>
                    <td>{levelLabel(i18n, r.cmmmLevel)}</td>
                    <td>{levelLabel(i18n, r.smeLevel)}</td>
                    <td>
                      {ready ? <span className="tag ok" data-testid="ready">{t("bureau.ready", { rung: rungLabel(i18n, ready, options.ladderLevels) })}</span> : <span className="muted">—</span>}
                      {r.onCloud && ready !== "cloud" ? <> <span className="tag">{t("bureau.onCloud")}</span></> : null}
                    </td>
                    <td>{r.tier ? pick(tiers.get(r.tier)) || r.tier : "—"}</td>
                    <td>{flagsOfMask(r.flagMask).map((f) => pick(flagNames.get(f)) || f).join("、")}</td>
                    <td style={{ whiteSpace: "nowrap" }}>{r.latestAt ? date(r.latestAt).slice(0, 10) : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="row no-print">
        {filters.page > 1 ? <Link to={filtersToSearch(filters, { page: filters.page - 1 }, extra)}>← {t("common.page", { page: filters.page - 1 })}</Link> : null}
        {hasMore ? <Link to={filtersToSearch(filters, { page: filters.page + 1 }, extra)} data-testid="next-page">{t("common.page", { page: filters.page + 1 })} →</Link> : null}
      </p>
    </section>
  );
}
