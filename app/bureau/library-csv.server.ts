// The cultivation library as CSV, streamed in keyset batches: a city's 100,000 enterprises never sit in
// memory at once, and the first bytes leave before the last rows are read.
import type { Kysely } from "kysely";
import type { DB } from "../db/schema";
import { INDUSTRIES, REVENUE_BANDS, CLUSTERS } from "../domain/reference-data";
import { translate, pick, type Lang } from "../i18n/i18n";
import { CSV_BOM, csvRow } from "./csv";
import type { PortfolioFilters } from "./filters";
import { flagsOfMask } from "./flags";
import { readyRung } from "./ladder";
import { bucketLabel, rungLabel } from "./labels";
import { libraryRows, type PortfolioReference } from "./portfolio.server";
import type { BureauScope } from "./scope.server";

export function libraryCsvStream(db: Kysely<DB>, scope: BureauScope, filters: PortfolioFilters, ref: PortfolioReference, lang: Lang): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const i18n = { t: (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate(lang, key, params), pick: (x: Parameters<typeof pick>[0]) => pick(x, lang) };
  const districts = new Map(scope.districts.map((d) => [d.code, d.name]));
  const industries = new Map(INDUSTRIES.map((x) => [x.code, x.name]));
  const clusters = new Map(CLUSTERS.map((c) => [c.code, c.name]));
  const bands = new Map(REVENUE_BANDS.map((b) => [b.code, b.name]));
  const tiers = new Map(ref.tiers.map((x) => [x.id, x.name]));
  const flags = new Map(ref.flags.map((f) => [f.code, f.name]));
  const yesNo = (v: number) => (v ? i18n.t("common.yes") : i18n.t("common.no"));
  const level = (v: number | null) => bucketLabel(i18n, v === null ? "na" : v);
  const header = csvRow([
    i18n.t("bureau.csv.organizationId"), i18n.t("bureau.col.name"), i18n.t("bureau.csv.creditCode"), i18n.t("bureau.col.district"),
    i18n.t("bureau.csv.industryCode"), i18n.t("bureau.col.industry"), i18n.t("bureau.csv.cluster"), i18n.t("bureau.col.scale"), i18n.t("bureau.csv.smeSize"),
    i18n.t("bureau.csv.employees"), i18n.t("bureau.csv.revenueBand"), i18n.t("bureau.col.cmmm"), i18n.t("bureau.csv.cmmmTotal"), i18n.t("bureau.col.sme"),
    i18n.t("bureau.csv.smeTotal"), i18n.t("bureau.col.rung"), i18n.t("bureau.csv.readiness"), i18n.t("bureau.csv.ready"), i18n.t("bureau.col.tier"),
    i18n.t("bureau.csv.onCloud"), i18n.t("bureau.col.flags"), i18n.t("bureau.col.latest"),
  ]);
  const rows = libraryRows(db, scope, filters, ref);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(CSV_BOM + header));
    },
    async pull(controller) {
      try {
        const next = await rows.next();
        if (next.done) {
          controller.close();
          return;
        }
        let chunk = "";
        for (const r of next.value) {
          const ready = readyRung(r);
          chunk += csvRow([
            r.organizationId, r.name, r.creditCode, i18n.pick(districts.get(r.districtCode)) || r.districtCode,
            r.industryCode, i18n.pick(industries.get(r.industryDivision)), r.clusterCode ? i18n.pick(clusters.get(r.clusterCode)) || r.clusterCode : "",
            r.aboveScale ? i18n.t("bureau.filter.scale.above") : i18n.t("bureau.filter.scale.below"), yesNo(r.smeSize),
            r.employees, i18n.pick(bands.get(r.revenueBand)) || r.revenueBand, level(r.cmmmLevel), r.cmmmTotal, level(r.smeLevel), r.smeTotal,
            r.ladderRung === null ? i18n.t("bureau.level.na") : r.ladderRung, r.ladderReadiness, ready ? rungLabel(i18n, ready, ref.ladderLevels) : "",
            r.tier ? i18n.pick(tiers.get(r.tier)) || r.tier : "", yesNo(r.onCloud),
            flagsOfMask(r.flagMask).map((f) => i18n.pick(flags.get(f)) || f).join("; "), r.latestAt ?? "",
          ]);
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}
