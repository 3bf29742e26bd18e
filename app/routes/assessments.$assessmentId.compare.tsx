import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RadarChart } from "~/components/Charts";
import { LevelBadge, levelLabel } from "~/components/ResultParts";
import { getDb } from "~/db/db.server";
import { auditState, differences } from "~/domain/audit-view.server";
import { loadAssessmentContext } from "~/domain/assessment-context.server";
import { selfResult } from "~/domain/results-query.server";
import { radarNodes } from "~/domain/result-view.server";
import { notFound } from "~/http.server";
import { useI18n } from "~/i18n/use-i18n";
import { listAudits } from "~/repos/audits.server";

// Self-assessed vs audited: every answer the audit changed, what the change alone does to the level and
// the total, and both results side by side. Readable by everyone who may read the assessment.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await loadAssessmentContext(request, params.assessmentId, "read");
  const raw = new URL(request.url).searchParams.get("version");
  const version = raw === null ? undefined : /^\d{1,6}$/.test(raw) ? Number(raw) : notFound();
  const db = await getDb();
  const self = await selfResult(db, ctx.assessment, ctx.framework);
  const state = await auditState(db, ctx.assessment, ctx.framework, version);
  if (version !== undefined && !state.audit) notFound();
  const audited = state.auditedResult;
  const selfRadar = radarNodes(self.result.nodes);
  const auditedRadar = audited ? radarNodes(audited.nodes) : [];
  return {
    assessmentId: ctx.assessment.id,
    versions: (await listAudits(db, ctx.assessment.id)).map((v) => ({ version: v.version, status: v.status })),
    audit: state.audit ? { version: state.audit.version, status: state.audit.status, signedAt: state.audit.signedAt } : null,
    self: { level: self.result.level.value, name: self.result.level.name, total: self.result.total },
    audited: audited ? { level: audited.level.value, name: audited.level.name, total: audited.total } : null,
    radar: {
      labels: selfRadar.map((n) => n.name),
      self: selfRadar.map((n) => Math.round(n.ratio * 1000) / 10),
      audited: selfRadar.map((n) => {
        const m = auditedRadar.find((x) => x.id === n.id);
        return m ? Math.round(m.ratio * 1000) / 10 : 0;
      }),
    },
    differences: audited ? differences(ctx.framework, state, self.result, ctx.assessment.industryType) : [],
  };
}

export default function Compare() {
  const d = useLoaderData<typeof loader>();
  const { t, pick, num } = useI18n();
  const base = `/assessments/${d.assessmentId}`;
  if (!d.audit || !d.audited) return <section className="card"><h2>{t("compare.title")}</h2><p className="muted">{t("compare.noAudit")}</p></section>;
  const signed = (s: number) => (s > 0 ? `+${num(s, 3)}` : num(s, 3));
  return (
    <section>
      <section className="card">
        <h2>{t("compare.title")} · {t("audit.version", { version: d.audit.version })} <span className="tag">{t(`audit.status.${d.audit.status === "signed" ? "signed" : "open"}`)}</span></h2>
        {d.versions.length > 1 ? (
          <p className="row small no-print">
            {d.versions.map((v) => <Link key={v.version} to={`${base}/compare?version=${v.version}`}>{t("audit.version", { version: v.version })}</Link>)}
          </p>
        ) : null}
        <div className="summary">
          <div><div className="muted">{t("compare.selfLevel")}</div><LevelBadge value={d.self.level} name={d.self.name} /><div>{num(d.self.total.score, 2)} / {num(d.self.total.max, 2)}</div></div>
          <div><div className="muted">{t("compare.auditedLevel")}</div><div data-testid="compare-audited"><LevelBadge value={d.audited.level} name={d.audited.name} /></div><div>{num(d.audited.total.score, 2)} / {num(d.audited.total.max, 2)}</div></div>
        </div>
      </section>
      <section className="card">
        <RadarChart labels={d.radar.labels.map((l) => pick(l))} series={[{ label: t("audit.self"), values: d.radar.self }, { label: t("audit.audited"), values: d.radar.audited }]} />
      </section>
      <section className="card">
        <h2>{t("compare.differences", { n: d.differences.length })}</h2>
        {d.differences.length === 0 ? <p className="muted">{t("compare.none")}</p> : (
          <table data-testid="differences">
            <thead>
              <tr><th>{t("compare.question")}</th><th>{t("audit.self")}</th><th>{t("audit.audited")}</th><th>{t("audit.comment")}</th><th>{t("compare.effect")}</th></tr>
            </thead>
            <tbody>
              {d.differences.map((x) => (
                <tr key={x.questionId}>
                  <td>{pick(x.question)}</td>
                  <td>{pick(x.self)}</td>
                  <td>{pick(x.audited)}</td>
                  <td className="small">{x.comment}{x.evidenceChecked ? <><br /><span className="muted">{t("audit.evidenceChecked")}: {x.evidenceChecked}</span></> : null}</td>
                  <td className={x.totalDelta < 0 ? "diff-down" : "diff-up"}>
                    {t("compare.effectLevel", { from: levelLabel(t, pick, d.self.level), to: levelLabel(t, pick, x.levelAlone) })}
                    <br />{t("compare.effectTotal", { delta: signed(x.totalDelta) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
