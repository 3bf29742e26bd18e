// Links to the previous and next page of a questionnaire (answering, reading or auditing it); `to` turns a
// page id into the address.
import { Link } from "@remix-run/react";
import { useI18n } from "../i18n/use-i18n";

export function PageLinks({ prev, next, to }: { prev: string | null; next: string | null; to: (pageId: string) => string }) {
  const { t } = useI18n();
  return (
    <p className="row no-print">
      {prev ? <Link to={to(prev)}>← {t("common.previous")}</Link> : null}
      {next ? <Link to={to(next)}>{t("common.next")} →</Link> : null}
    </p>
  );
}
