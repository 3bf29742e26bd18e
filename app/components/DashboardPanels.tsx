// The live line view's figures as text (they read without JavaScript and print): OEE tiles with A × P × Q and
// the quantities behind them, where the numbers came from (window, gaps, resets, short counts), the machines
// and the last value of every signal.
import type { MessageKey } from "../i18n/i18n";
import { useI18n } from "../i18n/use-i18n";
import type { DashboardSnapshot, PeriodFigures } from "../telemetry/dashboard-types";
import { LastData } from "./LineParts";

function usePercent() {
  const { num } = useI18n();
  return (x: number | null) => (x === null ? "—" : `${num(x * 100, 1)}%`);
}

function useDuration() {
  const { num, lang } = useI18n();
  return (ms: number) => (ms >= 3_600_000 ? `${num(ms / 3_600_000, 1)} ${lang === "en" ? "h" : "小时"}` : `${num(ms / 60_000, 0)} ${lang === "en" ? "min" : "分钟"}`);
}

function useClock(timeZone: string) {
  const f = new Intl.DateTimeFormat("zh-CN", { timeZone, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  return (ms: number) => f.format(new Date(ms));
}

export function OeeTile({ title, period, timeZone, testId }: { title: string; period: PeriodFigures | null; timeZone: string; testId: string }) {
  const { t, num } = useI18n();
  const percent = usePercent();
  const duration = useDuration();
  const clock = useClock(timeZone);
  if (!period) return null;
  const p = period.provenance;
  const clean = p.unknownTime === 0 && p.machinesWithGaps.length === 0 && p.resets === 0 && p.countsIncomplete.length === 0;
  return (
    <section className="card" data-testid={testId}>
      <h3>{title} {period.partial ? <span className="muted small">{t("dash.partial")}</span> : null}</h3>
      <div className="summary">
        <div>
          <div className="muted small">{t("dash.oee")}</div>
          <div className="total" data-testid={`${testId}-oee`} data-value={period.oee ?? ""}>{percent(period.oee)}</div>
        </div>
        <div className="small">
          <div>{t("dash.availability")}: <strong>{percent(period.availability)}</strong></div>
          <div>{t("dash.performance")}: <strong>{percent(period.performance)}</strong></div>
          <div>{t("dash.quality")}: <strong>{percent(period.quality)}</strong></div>
        </div>
      </div>
      <p className="muted small">{t("dash.counts", { pbt: duration(period.pbt), apt: duration(period.apt), pq: num(period.pq, 0), gq: num(period.gq, 0) })}</p>
      <details>
        <summary className="small">{t("dash.provenance")}</summary>
        <ul className="small">
          <li>{t("dash.window", { from: clock(period.from), to: clock(period.to) })}</li>
          {clean ? <li>{t("dash.clean")}</li> : null}
          {p.unknownTime > 0 ? <li>{t("dash.unknownTime", { t: duration(p.unknownTime) })}</li> : null}
          {p.machinesWithGaps.length ? <li>{t("dash.gaps", { list: p.machinesWithGaps.join(", ") })}</li> : null}
          {p.resets > 0 ? <li>{t("dash.resets", { n: p.resets })}</li> : null}
          {p.countsIncomplete.length ? <li>{t("dash.incomplete", { list: p.countsIncomplete.join(", ") })}</li> : null}
          {p.notes.map((n) => <li key={n}>{n}</li>)}
        </ul>
      </details>
    </section>
  );
}

export function MachineTable({ machines }: { machines: DashboardSnapshot["machines"] }) {
  const { t } = useI18n();
  const percent = usePercent();
  return (
    <table className="small" data-testid="machines-table">
      <thead>
        <tr><th>{t("dash.machines")}</th><th className="num">{t("dash.oee")}</th><th className="num">A</th><th className="num">P</th><th className="num">Q</th><th className="num">{t("dash.live.share")}</th><th>{t("tm.lines.lastData")}</th></tr>
      </thead>
      <tbody>
        {machines.map((m) => (
          <tr key={m.key}>
            <td>
              {m.name} <code>{m.key}</code>
              {m.notInKpis ? <div className="tag warn">{t("dash.notInKpis")}: {m.notInKpis.map((x) => t(`tm.missing.${x}` as MessageKey)).join(", ")}</div> : null}
              {m.missingSignals.length ? <div className="muted">{t("dash.missingSignals", { list: m.missingSignals.join(", ") })}</div> : null}
            </td>
            <td className="num">{percent(m.current?.oee ?? null)}</td>
            <td className="num">{percent(m.current?.availability ?? null)}</td>
            <td className="num">{percent(m.current?.performance ?? null)}</td>
            <td className="num">{percent(m.current?.quality ?? null)}</td>
            <td className="num">{percent(m.live)}</td>
            <td><LastData at={m.lastSeen} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LastValuesTable({ values }: { values: DashboardSnapshot["lastValues"] }) {
  const { t, num } = useI18n();
  return (
    <table className="small" data-testid="last-values">
      <thead><tr><th>{t("dash.machines")}</th><th>{t("dash.signal")}</th><th className="num">{t("dash.value")}</th><th>{t("dash.time")}</th></tr></thead>
      <tbody>
        {values.map((v) => (
          <tr key={`${v.machine}/${v.signal}`}>
            <td>{v.machine}</td>
            <td><code>{v.signal}</code></td>
            <td className="num">
              {v.value === null ? (v.quality && v.quality !== "good" ? <span className="tag bad">{t("dash.quality.bad")}</span> : "—") : `${num(v.value, 2)}${v.unit ? ` ${v.unit}` : ""}`}
              {v.value !== null && v.quality && v.quality !== "good" ? <span className="tag warn"> {v.quality}</span> : null}
            </td>
            <td><LastData at={v.time} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
