// The parts of a result report: level badge, gate table, reasons ("why not the next level"), roadmap.
import type { GateRow, Reason, Text } from "../../assessments/types";
import type { ResultView } from "../domain/result-view.server";
import { useI18n } from "../i18n/use-i18n";

export function levelLabel(t: ReturnType<typeof useI18n>["t"], pick: (x: Text | null | undefined) => string, value: number | null, name?: Text | null): string {
  if (value === null) return t("assessment.noLevel");
  return name ? `${t("assessment.levelN", { n: value })} · ${pick(name)}` : t("assessment.levelN", { n: value });
}

export function LevelBadge({ value, name }: { value: number | null; name: Text | null }) {
  const { t, pick } = useI18n();
  return (
    <div className={`badge l${value ?? 0}`} data-testid="level-badge" data-level={value ?? ""}>
      <span className="lvl">{value === null ? "—" : `L${value}`}</span>
      <span className="name">{value === null ? t("assessment.noLevel") : pick(name)}</span>
    </div>
  );
}

export function GateTable({ gates }: { gates: GateRow[] }) {
  const { t, pick, num } = useI18n();
  return (
    <table data-testid="gate-table">
      <thead>
        <tr>
          <th>{t("result.gate.level")}</th>
          <th className="num">{t("result.gate.score")}</th>
          <th className="num">{t("result.gate.threshold")}</th>
          <th>{t("result.gate.met")}</th>
          <th>{t("result.gate.reasons")}</th>
        </tr>
      </thead>
      <tbody>
        {gates.map((g) => (
          <tr key={g.level} className={g.met ? "met" : "unmet"}>
            <td>L{g.level} {pick(g.name)}</td>
            <td className="num">{g.score === null ? "—" : num(g.score, 3)}</td>
            <td className="num">{g.threshold === null ? "—" : num(g.threshold, 3)}</td>
            <td>{g.met ? t("common.yes") : t("common.no")}{g.undetermined ? <> <span className="tag warn">{t("result.gate.undetermined")}</span></> : null}</td>
            <td className="small">{g.reasons.map((r) => pick(r.text)).join("；")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReasonList({ reasons, empty }: { reasons: Reason[]; empty: string }) {
  const { pick } = useI18n();
  if (reasons.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul data-testid="why">
      {reasons.map((r, i) => <li key={`${r.code}-${i}`}>{pick(r.text)}</li>)}
    </ul>
  );
}

export function Roadmap({ actions }: { actions: ResultView["roadmap"] }) {
  const { t, pick, num } = useI18n();
  if (actions.length === 0) return <p className="muted">{t("result.roadmap.none")}</p>;
  return (
    <table data-testid="roadmap">
      <thead>
        <tr><th>#</th><th>{t("result.roadmap.action")}</th><th>{t("result.roadmap.fromTo")}</th><th className="num">{t("result.roadmap.gain")}</th></tr>
      </thead>
      <tbody>
        {actions.map((a, i) => (
          <tr key={a.questionId}>
            <td>{i + 1}</td>
            <td>{pick(a.text)} {a.unblocks ? <span className="tag bad">{t("result.roadmap.unblocks")}</span> : null}</td>
            <td className="small">{pick(a.from)} → {pick(a.to)} <span className="muted">(L{a.targetLevel})</span></td>
            <td className="num">{num(a.gain, 3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
