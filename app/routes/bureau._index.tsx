// The bureau portfolio (培育库): every enterprise of the bureau's region or district — filters in the URL,
// level distributions by district and industry, the cultivation ladder with who is ready to apply, targets
// with progress over time, the library table and its CSV export.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { filtersToSearch, parseFilters } from "~/bureau/filters";
import { filterOptions, portfolioView } from "~/bureau/portfolio-view.server";
import { knownFilterValues, portfolioReference } from "~/bureau/portfolio.server";
import { requireBureauScope, requireDistrictInScope } from "~/bureau/scope.server";
import { SYNC_MAX_AGE_MS, syncStandings } from "~/bureau/standing.server";
import { BureauDistribution } from "~/components/BureauDistribution";
import { BureauFilters } from "~/components/BureauFilters";
import { BureauLadder } from "~/components/BureauLadder";
import { BureauTable } from "~/components/BureauTable";
import { BureauProgress, BureauTargets } from "~/components/BureauTargets";
import { getDb } from "~/db/db.server";
import { useI18n } from "~/i18n/use-i18n";

export const meta: MetaFunction = () => [{ title: "培育库 · 智评 Zhiping" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = await getDb();
  const { user, scope } = await requireBureauScope(request, db);
  await syncStandings(db, { maxAgeMs: SYNC_MAX_AGE_MS });
  const ref = await portfolioReference(db);
  const { filters, issues } = parseFilters(new URL(request.url).searchParams, knownFilterValues(ref));
  if (filters.district) requireDistrictInScope(scope, filters.district);
  const view = await portfolioView(db, scope, filters, ref);
  return {
    scope: {
      name: scope.regionName,
      district: scope.districtCode ? (scope.districts[0]?.name ?? null) : null,
      canEditTargets: scope.canEditTargets,
      // A platform admin's chosen region travels with every link.
      region: user.role === "platform_admin" ? scope.regionCode : null,
    },
    filters,
    issues,
    options: filterOptions(scope, ref),
    view,
  };
}

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export default function BureauPortfolio() {
  const { scope, filters, issues, options, view } = useLoaderData<typeof loader>();
  const { t, pick, num } = useI18n();
  const scopeName = scope.district ? `${pick(scope.district)}（${pick(scope.name)}）` : pick(scope.name);
  const schemeName = t(`bureau.scheme.${filters.scheme}`);
  const districtNames = new Map(options.districts.map((d) => [d.code, d.name]));
  // Industry names are long: the chart shows the division code and the name's start.
  const industryNames = new Map(options.industries.map((x) => [x.code, { zh: `${x.code} ${short(x.name.zh, 8)}`, en: `${x.code} ${short(x.name.en, 22)}` }]));
  const extra: Record<string, string> = scope.region ? { region: scope.region } : {};
  return (
    <section data-testid="bureau-portfolio">
      <h1>{t("bureau.title", { scope: scopeName })}</h1>
      <p className="muted">{t("bureau.intro")}</p>
      {issues.length > 0 ? (
        <div className="notice bad" role="alert" data-testid="filter-issues">
          {issues.map((x, i) => <p key={i} style={{ margin: 0 }}>{t("bureau.filter.invalid", { param: x.param, value: x.value })}</p>)}
        </div>
      ) : null}
      <BureauFilters filters={filters} options={options} region={scope.region} />
      <p className="row">
        <strong data-testid="match-count">{t("bureau.count", { n: num(view.total, 0) })}</strong>
        <a href={`/bureau/export.csv${filtersToSearch(filters, { page: 1 }, extra)}`} download data-testid="export-csv">{t("bureau.export")}</a>
      </p>
      <div className="grid">
        <BureauLadder funnel={view.funnel} total={view.total} filters={filters} ladderLevels={options.ladderLevels} region={scope.region} />
        <BureauProgress progress={view.progress} ladderLevels={options.ladderLevels} />
      </div>
      <BureauTargets
        targets={view.targets}
        district={scope.district !== null}
        editLink={scope.canEditTargets ? `/bureau/targets${scope.region ? `?region=${encodeURIComponent(scope.region)}` : ""}` : null}
      />
      <div className="grid">
        <BureauDistribution testId="by-district" title={t("bureau.dist.district", { scheme: schemeName })} distribution={view.byDistrict} names={districtNames} />
        <BureauDistribution testId="by-industry" title={t("bureau.dist.industry", { scheme: schemeName })} distribution={view.byIndustry} names={industryNames} />
      </div>
      <BureauTable rows={view.rows} hasMore={view.hasMore} filters={filters} options={options} region={scope.region} />
      {scope.canEditTargets ? null : <p className="muted small"><Link to="/bureau/targets">{t("bureau.targets.title")}</Link></p>}
    </section>
  );
}
