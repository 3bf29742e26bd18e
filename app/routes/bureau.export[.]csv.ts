// CSV export of the cultivation library with the page's filters (UTF-8 with a byte-order mark, formula-safe
// cells). Same scope rules as the page: a district outside the viewer's scope is a 404; a filter value that
// is not valid is a 400 naming the parameter (a file silently missing a filter would mislead).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseFilters } from "~/bureau/filters";
import { libraryCsvStream } from "~/bureau/library-csv.server";
import { knownFilterValues, portfolioReference } from "~/bureau/portfolio.server";
import { requireBureauScope, requireDistrictInScope } from "~/bureau/scope.server";
import { SYNC_MAX_AGE_MS, syncStandings } from "~/bureau/standing.server";
import { getDb } from "~/db/db.server";
import { requestLang } from "~/i18n/lang.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const db = await getDb();
  const { scope } = await requireBureauScope(request, db);
  await syncStandings(db, { maxAgeMs: SYNC_MAX_AGE_MS });
  const ref = await portfolioReference(db);
  const { filters, issues } = parseFilters(new URL(request.url).searchParams, knownFilterValues(ref));
  if (filters.district) requireDistrictInScope(scope, filters.district);
  if (issues.length > 0) {
    return new Response(`invalid parameter: ${issues.map((x) => x.param).join(", ")}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const stamp = new Date().toISOString().slice(0, 10);
  const name = `zhiping-portfolio-${scope.districtCode ?? scope.regionCode}-${stamp}.csv`;
  return new Response(libraryCsvStream(db, scope, filters, ref, requestLang(request)), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "private, no-store" },
  });
}
