// The portfolio's filters, sort and page live in the URL (shareable links; a plain GET form works without
// JavaScript). Parsing never throws: a value that is not valid is dropped and reported with the name of its
// parameter, the other filters still apply. Whether a district is within the viewer's scope is checked by
// the route (404), not here.
import { isRung, type Rung } from "./ladder";

export type LevelScheme = "cmmm" | "sme";
export const SCHEMES: readonly LevelScheme[] = ["cmmm", "sme"];
/** The highest level of each scheme (CMMM 5 levels, MIIT SME 4). */
export const SCHEME_MAX: Readonly<Record<LevelScheme, number>> = { cmmm: 5, sme: 4 };

export type SortKey = "name" | "district" | "industry" | "cmmm" | "sme" | "rung" | "latest";
export const SORT_KEYS: readonly SortKey[] = ["name", "district", "industry", "cmmm", "sme", "rung", "latest"];

/** "na": not assessed in the scheme; 0: assessed, below level 1. */
export type LevelFilter = "na" | number;

export interface PortfolioFilters {
  district: string | null;
  industry: string | null;
  cluster: string | null;
  scale: "above" | "below" | null;
  /** A tier id, or "none" for enterprises without a tier. */
  tier: string | null;
  scheme: LevelScheme;
  level: LevelFilter | null;
  ready: Rung | null;
  flags: string[];
  q: string;
  sort: SortKey;
  dir: "asc" | "desc";
  page: number;
}

export interface FilterIssue {
  param: string;
  value: string;
}

export interface KnownValues {
  industries: ReadonlySet<string>;
  clusters: ReadonlySet<string>;
  tiers: ReadonlySet<string>;
  flags: ReadonlySet<string>;
}

export const DEFAULT_FILTERS: PortfolioFilters = {
  district: null, industry: null, cluster: null, scale: null, tier: null, scheme: "cmmm", level: null, ready: null, flags: [], q: "", sort: "name", dir: "asc", page: 1,
};

export const MAX_PAGE = 100_000;
export const MAX_QUERY_LENGTH = 100;

export function parseFilters(params: URLSearchParams, known: KnownValues): { filters: PortfolioFilters; issues: FilterIssue[] } {
  const issues: FilterIssue[] = [];
  const f: PortfolioFilters = { ...DEFAULT_FILTERS, flags: [] };
  const one = (name: string): string | null => {
    const v = params.get(name);
    return v === null || v.trim() === "" ? null : v.trim();
  };
  const bad = (param: string, value: string) => issues.push({ param, value: value.slice(0, 60) });

  const district = one("district");
  if (district !== null) /^\d{6}$/.test(district) ? (f.district = district) : bad("district", district);
  const industry = one("industry");
  if (industry !== null) known.industries.has(industry.toUpperCase()) ? (f.industry = industry.toUpperCase()) : bad("industry", industry);
  const cluster = one("cluster");
  if (cluster !== null) known.clusters.has(cluster) ? (f.cluster = cluster) : bad("cluster", cluster);
  const scale = one("scale");
  if (scale !== null) scale === "above" || scale === "below" ? (f.scale = scale) : bad("scale", scale);
  const tier = one("tier");
  if (tier !== null) tier === "none" || known.tiers.has(tier) ? (f.tier = tier) : bad("tier", tier);
  const scheme = one("scheme");
  if (scheme !== null) (SCHEMES as readonly string[]).includes(scheme) ? (f.scheme = scheme as LevelScheme) : bad("scheme", scheme);
  const level = one("level");
  if (level !== null) {
    const n = Number(level);
    if (level === "na") f.level = "na";
    else if (/^\d$/.test(level) && n <= SCHEME_MAX[f.scheme]) f.level = n;
    else bad("level", level);
  }
  const ready = one("ready");
  if (ready !== null) isRung(ready) ? (f.ready = ready) : bad("ready", ready);
  for (const flag of params.getAll("flag")) {
    if (flag === "") continue;
    if (known.flags.has(flag)) {
      if (!f.flags.includes(flag)) f.flags.push(flag);
    } else bad("flag", flag);
  }
  const q = params.get("q") ?? "";
  if (q.length > MAX_QUERY_LENGTH) bad("q", q);
  else f.q = q.trim();
  const sort = one("sort");
  if (sort !== null) (SORT_KEYS as readonly string[]).includes(sort) ? (f.sort = sort as SortKey) : bad("sort", sort);
  const dir = one("dir");
  if (dir !== null) dir === "asc" || dir === "desc" ? (f.dir = dir) : bad("dir", dir);
  const page = one("page");
  if (page !== null) {
    const n = Number(page);
    Number.isInteger(n) && n >= 1 && n <= MAX_PAGE ? (f.page = n) : bad("page", page);
  }
  return { filters: f, issues };
}

/** The query string of these filters (defaults left out), with some replaced: for links and the export. */
export function filtersToSearch(f: PortfolioFilters, change: Partial<PortfolioFilters> = {}, extra: Record<string, string> = {}): string {
  const v = { ...f, ...change };
  const p = new URLSearchParams();
  if (v.district) p.set("district", v.district);
  if (v.industry) p.set("industry", v.industry);
  if (v.cluster) p.set("cluster", v.cluster);
  if (v.scale) p.set("scale", v.scale);
  if (v.tier) p.set("tier", v.tier);
  if (v.scheme !== DEFAULT_FILTERS.scheme) p.set("scheme", v.scheme);
  if (v.level !== null) p.set("level", String(v.level));
  if (v.ready) p.set("ready", v.ready);
  for (const flag of v.flags) p.append("flag", flag);
  if (v.q) p.set("q", v.q);
  if (v.sort !== DEFAULT_FILTERS.sort) p.set("sort", v.sort);
  if (v.dir !== DEFAULT_FILTERS.dir) p.set("dir", v.dir);
  if (v.page !== 1) p.set("page", String(v.page));
  for (const [k, value] of Object.entries(extra)) p.set(k, value);
  const s = p.toString();
  return s ? `?${s}` : "";
}
