// Labels of portfolio values in the page's language (used by the bureau components and the CSV export).
import type { Text } from "../../assessments/types";
import type { I18n } from "../i18n/use-i18n";
import type { LevelBucket } from "./portfolio-math";
import { RUNG_LEVEL, type Rung } from "./ladder";

/** A rung's name: the 未来工厂 framework's own level name when known, else the built-in one. */
export function rungLabel(i18n: Pick<I18n, "t" | "pick">, rung: Rung, ladderLevels: ReadonlyArray<{ level: number; name: Text }>): string {
  if (rung !== "cloud") {
    const level = ladderLevels.find((l) => l.level === RUNG_LEVEL[rung]);
    if (level) return i18n.pick(level.name);
  }
  return i18n.t(`bureau.rung.${rung}`);
}

export function bucketLabel(i18n: Pick<I18n, "t">, bucket: LevelBucket): string {
  if (bucket === "na") return i18n.t("bureau.level.na");
  if (bucket === 0) return i18n.t("bureau.level.none");
  return i18n.t("bureau.level.n", { n: bucket });
}

export function levelLabel(i18n: Pick<I18n, "t">, level: number | null): string {
  return bucketLabel(i18n, level === null ? "na" : level);
}
