import { useI18n } from "../i18n/use-i18n";

export function ProgressBar({ answered, total }: { answered: number; total: number }) {
  const { t } = useI18n();
  const percent = total === 0 ? 0 : Math.round((answered / total) * 100);
  return (
    <div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={answered} aria-label={t("result.completeness")}>
        <span style={{ width: `${percent}%` }} />
      </div>
      <p className="progress-label" data-testid="progress">{t("q.progress", { answered, total, percent })}</p>
    </div>
  );
}
