// Where the enterprise stands among its peers (same industry division, district and scale; or, when that
// cohort is too small, the same division city-wide, said so): the percentile of its total and of each
// dimension. A cohort below the minimum shows only how many more peers are needed.
import type { PeerBenchmark } from "../bureau/peers.server";
import { INDUSTRIES } from "../domain/reference-data";
import { useI18n } from "../i18n/use-i18n";

const industryNames = new Map(INDUSTRIES.map((i) => [i.code, i.name]));

export function PeerBenchmarkPanel({ peers }: { peers: PeerBenchmark }) {
  const { t, pick, num } = useI18n();
  if (!peers.shown) {
    return (
      <section className="card" data-testid="peer-benchmark" data-shown="false">
        <h2>{t("peer.title")}</h2>
        <p className="muted">{t("peer.hidden", { min: peers.minimum, needed: peers.needed })}</p>
      </section>
    );
  }
  const industry = `${peers.industryDivision} ${pick(industryNames.get(peers.industryDivision))}`.trim();
  const scale = peers.aboveScale ? t("bureau.filter.scale.above") : t("bureau.filter.scale.below");
  const p = (value: number) => t("peer.percentile", { p: num(Math.round(value), 0) });
  return (
    <section className="card" data-testid="peer-benchmark" data-shown="true" data-cohort={peers.cohort}>
      <h2>{t("peer.title")}</h2>
      <p>{t(peers.cohort === "districtIndustryScale" ? "peer.cohort.districtIndustryScale" : "peer.cohort.regionIndustry", { n: peers.peers, industry, scale })}</p>
      <table>
        <tbody>
          <tr>
            <th scope="row">{t("peer.total")}</th>
            <td style={{ width: "50%" }}><div className="progress" aria-hidden="true"><span style={{ width: `${Math.round(peers.total)}%` }} /></div></td>
            <td className="num" data-testid="peer-total">{p(peers.total)}</td>
          </tr>
          {peers.dimensions.map((d) => (
            <tr key={d.id} data-dimension={d.id}>
              <th scope="row">{pick(d.name)}</th>
              <td>{d.percentile === null ? null : <div className="progress" aria-hidden="true"><span style={{ width: `${Math.round(d.percentile)}%` }} /></div>}</td>
              <td className="num">{d.percentile === null ? <span className="muted">{t("peer.dimensionHidden")}</span> : p(d.percentile)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t("peer.definition")}</p>
    </section>
  );
}
