// Measured evidence beside the claims: one line under a question (questionnaire, audit) and a section on the
// result page saying which answers were measured, over what window, on which lines, and with what result.
import type { MessageKey } from "../i18n/i18n";
import { useI18n } from "../i18n/use-i18n";
import type { EvidenceLine, EvidenceView } from "../telemetry/assessment-evidence.server";

function useMeasureText() {
  const { num } = useI18n();
  return (kpi: string, value: number | null) => {
    if (value === null) return "—";
    if (kpi === "energyPerUnit") return `${num(value, 3)} kWh`;
    if (kpi === "mtbf") return `${num(value, 1)} h`;
    return `${num(value * 100, 1)}%`;
  };
}

function OeeSplit({ oee }: { oee: EvidenceView["oee"] }) {
  const { t, num } = useI18n();
  if (!oee) return null;
  const p = (x: number | null) => (x === null ? "—" : `${num(x * 100, 1)}%`);
  return <strong data-testid="measured-oee">{t("ev.oee", { oee: p(oee.oee), a: p(oee.availability), p: p(oee.performance), q: p(oee.quality) })}</strong>;
}

/** Under one question: what was measured, whether it contradicts the claim, and the KPIs behind it. */
export function MeasuredLine({ item, oee }: { item: EvidenceLine; oee: EvidenceView["oee"] }) {
  const { t, pick } = useI18n();
  const measure = useMeasureText();
  return (
    <div className="evidence" data-testid={`measured-${item.questionId}`} data-mismatch={item.mismatch ? "true" : "false"}>
      <p>
        <span className="tag ok">{t("ev.measured")}</span>{" "}
        {item.mismatch ? <span className="tag bad">{t("ev.mismatch")}</span> : <span className="tag">{t("ev.match")}</span>}{" "}
        {item.usedInScore ? <span className="tag warn">{t("ev.used")}</span> : null} {pick(item.text)}
      </p>
      <ul className="small">
        {item.measures.map((m) => (
          <li key={m.kpi}>
            {/* OEE with its A × P × Q split; the other KPIs as one figure. */}
            {m.kpi === "oee" && oee ? <OeeSplit oee={oee} /> : <>{t(`ev.kpi.${m.kpi}` as MessageKey)}: <strong>{measure(m.kpi, m.value)}</strong></>}
            {m.detail ? <span className="muted"> — {m.detail}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The result page's account of the measurement: window, lines, and every measured answer. */
export function MeasuredSection({ view }: { view: EvidenceView }) {
  const { t, pick, date } = useI18n();
  if (view.status === "none") return null;
  if (view.status === "unavailable") {
    return (
      <section className="card" data-testid="measured-evidence">
        <h2>{t("ev.title")}</h2>
        <p className="notice">{t("ev.unavailable", { detail: view.problem ?? "" })}</p>
      </section>
    );
  }
  const mismatches = view.items.filter((i) => i.mismatch).length;
  return (
    <section className="card" data-testid="measured-evidence">
      <h2>{t("ev.title")} {mismatches ? <span className="tag bad">{t("ev.auditFlags", { n: mismatches })}</span> : null}</h2>
      <p>{t("ev.intro", { window: pick(view.windowText), from: date(view.window!.from), to: date(view.window!.to) })}</p>
      <p className="muted small">
        {t("ev.lines", { list: view.lines.map((l) => `${l.name}（${t("tm.lines.kpiReady")} ${l.inKpis}/${l.machines}）`).join("、") })}
        {view.computedAt ? <> · {t("ev.stored", { date: date(view.computedAt), store: view.store ?? "" })}</> : null}
      </p>
      {view.notInKpis.length ? <p className="muted small">{t("ev.notInKpis", { list: view.notInKpis.join(", ") })}</p> : null}
      {view.items.length === 0 ? <p className="muted">{t("ev.none")}</p> : view.items.map((item) => (
        <div key={item.questionId}>
          <h3 className="small">{pick(item.question)}</h3>
          <MeasuredLine item={item} oee={view.oee} />
        </div>
      ))}
    </section>
  );
}
