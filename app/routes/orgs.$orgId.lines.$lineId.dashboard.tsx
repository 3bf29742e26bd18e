import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { requireOrgAccess, requireUser } from "~/access/access.server";
import { OeeSplitChart, ShiftTrendChart, StateTimelineChart } from "~/components/DashboardCharts";
import { LastValuesTable, MachineTable, OeeTile } from "~/components/DashboardPanels";
import { SourceStates } from "~/components/LineParts";
import { getDb } from "~/db/db.server";
import { notFound } from "~/http.server";
import type { MessageKey } from "~/i18n/i18n";
import { useI18n } from "~/i18n/use-i18n";
import { dashboardSnapshot } from "~/telemetry/dashboard.server";
import type { DashboardSnapshot } from "~/telemetry/dashboard-types";

export const meta: MetaFunction = () => [{ title: "实时看板 · 智评 Zhiping" }];

// The live line view: rendered with the figures of the moment (readable without JavaScript, with a refresh
// link), then kept current by server-sent events from the stream route, or by polling it where an
// EventSource cannot stay open.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const { org } = await requireOrgAccess(user, params.orgId, "read");
  const snapshot = await dashboardSnapshot(await getDb(), org.id, params.lineId ?? "");
  if (!snapshot) notFound();
  return { orgId: org.id, snapshot };
}

type Mode = "static" | "live" | "polling" | "paused";

/** The latest snapshot: SSE first; after repeated failures, polling the same route for JSON. */
function useLiveSnapshot(initial: DashboardSnapshot, url: string): { snapshot: DashboardSnapshot; mode: Mode } {
  const [snapshot, setSnapshot] = useState(initial);
  const [mode, setMode] = useState<Mode>("static");
  useEffect(() => setSnapshot(initial), [initial]);
  useEffect(() => {
    let stopped = false;
    let poll: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    const every = initial.refreshS * 1000;
    const startPolling = () => {
      setMode("polling");
      const tick = async () => {
        try {
          const response = await fetch(url, { headers: { accept: "application/json" } });
          if (response.ok) setSnapshot((await response.json()) as DashboardSnapshot);
          setMode(response.ok ? "polling" : "paused");
        } catch {
          setMode("paused");
        }
        if (!stopped) poll = setTimeout(tick, every);
      };
      poll = setTimeout(tick, every);
    };
    if (typeof EventSource === "undefined") {
      startPolling();
      return () => {
        stopped = true;
        clearTimeout(poll);
      };
    }
    const source = new EventSource(url);
    source.addEventListener("snapshot", (e) => {
      failures = 0;
      setMode("live");
      setSnapshot(JSON.parse((e as MessageEvent<string>).data) as DashboardSnapshot);
    });
    source.onerror = () => {
      // EventSource reconnects by itself (the server ends a stream after a while on purpose); only a stream
      // that keeps failing falls back to polling.
      failures++;
      if (failures >= 3 || source.readyState === EventSource.CLOSED) {
        source.close();
        if (!stopped) startPolling();
      } else setMode("paused");
    };
    return () => {
      stopped = true;
      source.close();
      clearTimeout(poll);
    };
  }, [url, initial.refreshS]);
  return { snapshot, mode };
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const url = `/orgs/${d.orgId}/lines/${d.snapshot.line.id}/dashboard/stream`;
  const { snapshot: s, mode } = useLiveSnapshot(d.snapshot, url);
  const clock = new Intl.DateTimeFormat("zh-CN", { timeZone: s.line.timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  const shiftLabel = s.shift?.shift ? t("dash.shift", { name: s.shift.shift }) : t("dash.noShift");
  return (
    <article data-testid="dashboard" data-at={s.at}>
      <p className="row no-print">
        <Link to={`/orgs/${d.orgId}/lines`}>← {t("dash.back")}</Link>
        <Link to={`/orgs/${d.orgId}/lines/${s.line.id}`}>{t("tm.lines.details")}</Link>
      </p>
      <section className="card">
        <h2>{t("dash.title")} · {s.line.name} <code className="small">{s.line.key}</code></h2>
        <p className="row small">
          <span data-testid="as-of">{t("dash.asOf", { time: clock.format(new Date(s.at)) })}</span>
          {s.store ? <span className="muted">{t("dash.store", { store: s.store })}</span> : null}
          <span data-testid="live-mode" data-mode={mode} className="muted">
            {mode === "live" ? t("dash.live", { s: s.refreshS }) : mode === "polling" ? t("dash.polling", { s: s.refreshS }) : mode === "paused" ? t("dash.paused") : null}
          </span>
          {/* Without JavaScript the page is a snapshot: this link fetches a new one. */}
          <a href={`/orgs/${d.orgId}/lines/${s.line.id}/dashboard`}>{t("dash.refresh")}</a>
        </p>
        <p className="small">{t("tm.lines.sources")}: <SourceStates sources={s.sources} /></p>
        {s.problem ? <p className="notice bad" role="alert" data-testid="dashboard-problem">{t(`dash.problem.${s.problem.key}` as MessageKey, { detail: s.problem.detail })}</p> : null}
      </section>
      {s.shift || s.today ? (
        <div className="grid">
          <OeeTile title={shiftLabel} period={s.shift} timeZone={s.line.timeZone} testId="oee-shift" />
          <OeeTile title={t("dash.today")} period={s.today} timeZone={s.line.timeZone} testId="oee-today" />
          <section className="card">
            <h3>{t("dash.split")}</h3>
            <OeeSplitChart shift={s.shift} today={s.today} shiftLabel={shiftLabel} />
          </section>
        </div>
      ) : null}
      {s.timeline.rows.length ? (
        <section className="card">
          <h3>{t("dash.timeline")}</h3>
          <StateTimelineChart timeline={s.timeline} timeZone={s.line.timeZone} />
        </section>
      ) : null}
      {s.trend.length ? (
        <section className="card">
          <h3>{s.trend[0].kind === "shift" ? t("dash.trend") : t("dash.trendDays")}</h3>
          <ShiftTrendChart trend={s.trend} timeZone={s.line.timeZone} />
        </section>
      ) : null}
      <div className="grid">
        <section className="card">
          <h3>{t("dash.machines")}</h3>
          <MachineTable machines={s.machines} />
        </section>
        <section className="card">
          <h3>{t("dash.lastValues")}</h3>
          <LastValuesTable values={s.lastValues} />
        </section>
      </div>
    </article>
  );
}
