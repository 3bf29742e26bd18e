// The audit trail as a table: who, what, on which subject, before and after, when.
import { isMessageKey } from "../i18n/i18n";
import { useI18n } from "../i18n/use-i18n";

export interface TrailItem {
  id: string;
  action: string;
  subject: string | null;
  before: string | null;
  after: string | null;
  at: string;
  actorName: string | null;
  actorEmail: string | null;
}

function compact(json: string | null): string {
  if (json === null) return "";
  return json.length > 160 ? `${json.slice(0, 157)}…` : json;
}

export function TrailTable({ items }: { items: TrailItem[] }) {
  const { t, date } = useI18n();
  if (items.length === 0) return <p className="muted">{t("trail.empty")}</p>;
  return (
    <table className="small">
      <thead>
        <tr><th>{t("common.date")}</th><th>{t("trail.actor")}</th><th>{t("trail.action")}</th><th>{t("trail.subject")}</th><th>{t("trail.before")}</th><th>{t("trail.after")}</th></tr>
      </thead>
      <tbody>
        {items.map((e) => {
          const key = `trail.${e.action}`;
          return (
            <tr key={e.id}>
              <td>{date(e.at)}</td>
              <td>{e.actorName ?? "—"}</td>
              <td>{isMessageKey(key) ? t(key) : e.action}</td>
              <td><code>{e.subject ?? ""}</code></td>
              <td><code>{compact(e.before)}</code></td>
              <td><code>{compact(e.after)}</code></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The trail page of an organisation or of one assessment. */
export function TrailCard({ items }: { items: TrailItem[] }) {
  const { t } = useI18n();
  return (
    <section className="card">
      <h2>{t("trail.title")}</h2>
      <TrailTable items={items} />
    </section>
  );
}
