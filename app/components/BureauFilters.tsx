// The portfolio's filter form: a plain GET form, so filtered views are links and work without JavaScript.
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { PortfolioFilters } from "../bureau/filters";
import { SCHEME_MAX, SCHEMES } from "../bureau/filters";
import { RUNGS } from "../bureau/ladder";
import { bucketLabel, rungLabel } from "../bureau/labels";
import type { FilterOptions } from "../bureau/portfolio-view.server";
import { useI18n } from "../i18n/use-i18n";

export function BureauFilters({ filters, options, region }: { filters: PortfolioFilters; options: FilterOptions; region: string | null }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const levels = ["na", ...Array.from({ length: SCHEME_MAX[filters.scheme] + 1 }, (_, i) => i)] as const;
  return (
    <Form method="get" className="card no-print" data-testid="bureau-filters" aria-label={t("bureau.filters")}>
      {region ? <input type="hidden" name="region" value={region} /> : null}
      <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(180px, 1fr))", gap: "0.6rem", alignItems: "end" }}>
        {options.districts.length > 1 ? (
          <FilterSelect name="district" label={t("bureau.filter.district")} value={filters.district ?? ""}>
            <option value="">{t("bureau.filter.any")}</option>
            {options.districts.map((d) => <option key={d.code} value={d.code}>{pick(d.name)}</option>)}
          </FilterSelect>
        ) : null}
        <FilterSelect name="industry" label={t("bureau.filter.industry")} value={filters.industry ?? ""}>
          <option value="">{t("bureau.filter.any")}</option>
          {options.industries.map((x) => <option key={x.code} value={x.code}>{x.code} {pick(x.name)}</option>)}
        </FilterSelect>
        <FilterSelect name="cluster" label={t("bureau.filter.cluster")} value={filters.cluster ?? ""}>
          <option value="">{t("bureau.filter.any")}</option>
          <optgroup label={t("bureau.filter.cluster361")}>
            {options.clusters361.map((c) => <option key={c.code} value={c.code}>{pick(c.name)}</option>)}
          </optgroup>
          <optgroup label={t("bureau.filter.cluster246")}>
            {options.clusters246.map((c) => <option key={c.code} value={c.code}>{pick(c.name)}</option>)}
          </optgroup>
        </FilterSelect>
        <FilterSelect name="scale" label={t("bureau.filter.scale")} value={filters.scale ?? ""}>
          <option value="">{t("bureau.filter.any")}</option>
          <option value="above">{t("bureau.filter.scale.above")}</option>
          <option value="below">{t("bureau.filter.scale.below")}</option>
        </FilterSelect>
        <FilterSelect name="tier" label={t("bureau.filter.tier")} value={filters.tier ?? ""}>
          <option value="">{t("bureau.filter.any")}</option>
          {options.tiers.map((x) => <option key={x.id} value={x.id}>{pick(x.name)}</option>)}
          <option value="none">{t("bureau.filter.tier.none")}</option>
        </FilterSelect>
        <FilterSelect name="scheme" label={t("bureau.filter.scheme")} value={filters.scheme}>
          {SCHEMES.map((s) => <option key={s} value={s}>{t(`bureau.scheme.${s}`)}</option>)}
        </FilterSelect>
        <FilterSelect name="level" label={t("bureau.filter.level")} value={filters.level === null ? "" : String(filters.level)}>
          <option value="">{t("bureau.filter.any")}</option>
          {levels.map((l) => <option key={l} value={String(l)}>{bucketLabel(i18n, l)}</option>)}
        </FilterSelect>
        <FilterSelect name="ready" label={t("bureau.filter.ready")} value={filters.ready ?? ""}>
          <option value="">{t("bureau.filter.any")}</option>
          {RUNGS.map((r) => <option key={r} value={r}>{rungLabel(i18n, r, options.ladderLevels)}</option>)}
        </FilterSelect>
        <div className="field">
          <label htmlFor="f-q">{t("bureau.filter.q")}</label>
          <input id="f-q" name="q" type="search" defaultValue={filters.q} maxLength={100} />
        </div>
      </div>
      <fieldset className="checks" style={{ border: 0, padding: "0.6rem 0 0", margin: 0 }}>
        <legend className="small">{t("bureau.filter.flags")}</legend>
        {options.flags.map((f) => (
          <label key={f.code}>
            <input type="checkbox" name="flag" value={f.code} defaultChecked={filters.flags.includes(f.code)} /> {pick(f.name)}
          </label>
        ))}
      </fieldset>
      {filters.sort !== "name" ? <input type="hidden" name="sort" value={filters.sort} /> : null}
      {filters.dir !== "asc" ? <input type="hidden" name="dir" value={filters.dir} /> : null}
      <p className="row" style={{ marginBottom: 0 }}>
        <button type="submit" data-testid="apply-filters">{t("bureau.filter.apply")}</button>
        <Link to={region ? `/bureau?region=${encodeURIComponent(region)}` : "/bureau"}>{t("bureau.filter.reset")}</Link>
      </p>
    </Form>
  );
}

/** One filter: a labelled select whose current value comes from the URL. */
function FilterSelect({ name, label, value, children }: { name: string; label: string; value: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={value}>
        {children}
      </select>
    </div>
  );
}
