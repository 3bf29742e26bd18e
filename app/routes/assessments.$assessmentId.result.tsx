import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { peerBenchmark } from "~/bureau/peers.server";
import { BarChart, RadarChart, TrendChart } from "~/components/Charts";
import { PeerBenchmarkPanel } from "~/components/PeerBenchmarkPanel";
import { MeasuredSection } from "~/components/MeasuredEvidence";
import { GateTable, LevelBadge, ReasonList, Roadmap, levelLabel } from "~/components/ResultParts";
import { getDb } from "~/db/db.server";
import { nowIso } from "~/db/ids.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { latestSignedResult, selfResult } from "~/domain/results-query.server";
import { resultView } from "~/domain/result-view.server";
import { useI18n } from "~/i18n/use-i18n";
import { getAnswers } from "~/repos/assessments.server";
import { resultHistory } from "~/repos/results.server";
import { assessmentEvidence } from "~/telemetry/assessment-evidence.server";

export const meta: MetaFunction = () => [{ title: "评估结果 · 智评 Zhiping" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  const db = await getDb();
  const { result: scored, provisional } = await selfResult(db, ctx.assessment, ctx.framework);
  // Measured evidence: as stored with a submitted result; for a draft measured now and fused into its score.
  const evidence = await assessmentEvidence(db, ctx.assessment, ctx.framework, provisional ? await getAnswers(db, ctx.assessment.id) : {});
  const result = evidence.fused ?? scored;
  const audited = await latestSignedResult(db, ctx.assessment.id);
  const history = await resultHistory(db, ctx.org.id, ctx.framework.id);
  return {
    assessmentId: ctx.assessment.id,
    orgName: ctx.org.name,
    framework: { name: ctx.framework.name, version: result.frameworkVersion },
    provisional,
    view: resultView(ctx.framework, result),
    measured: evidence.view,
    audited: audited ? { version: audited.version, signedAt: audited.signedAt, level: audited.result.level.value, name: audited.result.level.name } : null,
    peers: await peerBenchmark(db, ctx.org, result),
    history: history.map((h) => ({ assessmentId: h.assessmentId, at: h.submittedAt ?? h.scoredAt, level: h.level, score: h.totalScore, max: h.totalMax })),
    generatedAt: nowIso(),
  };
}

export default function Result() {
  const d = useLoaderData<typeof loader>();
  const { t, pick, num, date } = useI18n();
  const v = d.view;
  const base = `/assessments/${d.assessmentId}`;
  const decided = v.level.decidedBy === "bands" ? "result.decided.bands" : v.level.decidedBy === "gate" ? "result.decided.gate" : "result.decided.rule";
  return (
    <article data-testid="result">
      <div className="print-only">
        <h1>{t("result.title")}</h1>
        <p>{t("result.reportFor", { org: d.orgName, framework: `${pick(d.framework.name)} ${d.framework.version}` })}</p>
        <p className="muted">{t("result.generated", { date: date(d.generatedAt) })}</p>
      </div>
      {d.provisional ? <p className="notice">{t("result.provisional")}</p> : null}
      <section className="card summary">
        <LevelBadge value={v.level.value} name={v.level.name} />
        <div>
          <div className="total" data-testid="total">{t("result.total")} {num(v.total.score, 2)} / {num(v.total.max, 2)}</div>
          <div className="muted">{t("result.completeness")} {num(v.completeness.ratio * 100, 0)}% ({v.completeness.answered}/{v.completeness.total})</div>
          {v.level.ceiling !== v.level.value ? <div className="muted">{t("result.ceiling", { level: levelLabel(t, pick, v.level.ceiling) })}</div> : null}
          {v.model === "maturity" ? (
            <div className="muted small">
              {t("result.byGateBands", { gate: levelLabel(t, pick, v.level.byGate), bands: levelLabel(t, pick, v.level.byBands), decided: t(decided) })}
            </div>
          ) : null}
          {d.audited ? (
            <div>
              <strong>{t("result.audited", { version: d.audited.version, date: date(d.audited.signedAt), level: levelLabel(t, pick, d.audited.level, d.audited.name) })}</strong>{" "}
              <Link to={`${base}/compare`} className="no-print">{t("result.compare")}</Link>
            </div>
          ) : null}
        </div>
        <div className="no-print" style={{ marginLeft: "auto" }}>
          <p className="row">
            <a href={`${base}/export/csv`} download>{t("result.export")} {t("result.exportCsv")}</a>
            <a href={`${base}/export/json`} download>{t("result.exportJson")}</a>
            <button type="button" className="secondary" onClick={() => window.print()}>{t("result.print")}</button>
          </p>
        </div>
      </section>
      {v.level.reasons.length > 0 ? (
        <section className="card"><ReasonList reasons={v.level.reasons} empty="" /></section>
      ) : null}
      <MeasuredSection view={d.measured} />
      <div className="grid">
        <section className="card">
          <h2>{t("result.radar")}</h2>
          <RadarChart testId="radar" labels={v.radar.labels.map((l) => pick(l))} series={[{ label: t("result.ratio"), values: v.radar.values }]} />
        </section>
        <section className="card">
          <h2>{t("result.bars")}</h2>
          <BarChart testId="bars" labels={v.bars.labels.map((l) => pick(l))} series={[{ label: t("result.ratio"), values: v.bars.values }]} />
        </section>
      </div>
      <section className="card">
        <h2>{t("result.gates")}</h2>
        <GateTable gates={v.gates} />
      </section>
      {v.tiers ? (
        <section className="card">
          <h2>{pick(v.tiers.name) || "—"}</h2>
          <table>
            <tbody>
              {v.tiers.rows.map((r) => (
                <tr key={r.id} className={r.met ? "met" : "unmet"}>
                  <td>{pick(r.name)}</td>
                  <td>{r.met ? t("common.yes") : t("common.no")}{r.undetermined ? <> <span className="tag warn">{t("result.gate.undetermined")}</span></> : null}</td>
                  <td className="small">{r.reasons.map((x) => pick(x.text)).join("；")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section className="card">
        <h2>{t("result.why")}</h2>
        <ReasonList reasons={v.why} empty={t("result.whyNone")} />
      </section>
      <section className="card">
        <h2>{t("result.roadmap")}</h2>
        <Roadmap actions={v.roadmap} />
      </section>
      <section className="card">
        <h2>{t("result.node")}</h2>
        <table>
          <thead><tr><th>{t("result.node")}</th><th className="num">{t("result.score")}</th><th className="num">{t("result.ratio")}</th></tr></thead>
          <tbody>
            {v.nodes.map((n) => (
              <tr key={n.id}>
                <td style={{ paddingLeft: `${0.5 + n.depth * 1.2}rem` }}>{pick(n.name)}</td>
                <td className="num">{num(n.score, 2)} / {num(n.max, 2)}</td>
                <td className="num">{num(n.ratio * 100, 1)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <PeerBenchmarkPanel peers={d.peers} />
      {d.history.length > 0 ? (
        <section className="card">
          <h2>{t("result.history")}</h2>
          {d.history.length > 1 ? (
            <TrendChart testId="trend" label={t("result.total")} labels={d.history.map((h) => date(h.at).slice(0, 10))} values={d.history.map((h) => h.score)} max={d.history[0].max} />
          ) : null}
          <table>
            <thead><tr><th>{t("common.date")}</th><th>{t("assessment.level")}</th><th className="num">{t("result.total")}</th></tr></thead>
            <tbody>
              {d.history.map((h) => (
                <tr key={h.assessmentId}>
                  <td>{h.assessmentId === d.assessmentId ? <strong>{date(h.at)}</strong> : <Link to={`/assessments/${h.assessmentId}/result`}>{date(h.at)}</Link>}</td>
                  <td>{levelLabel(t, pick, h.level)}</td>
                  <td className="num">{num(h.score, 2)} / {num(h.max, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </article>
  );
}
