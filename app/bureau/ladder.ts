// The cultivation ladder as the portfolio shows it: 上云 → 数字化车间 → 智能工厂 → 未来工厂, and which
// frameworks' stored verdicts say where an enterprise stands. The thresholds are not here: a rung is met
// when the engine, scoring the enterprise's 未来工厂 assessment, put its level at that rung or above (the
// rung conditions are framework data), and 上云 follows the cloud rule on the SME assessment's answers.
import { CLOUD_RULE } from "./cloud-rule";

export const FRAMEWORKS = {
  sme: CLOUD_RULE.frameworkId,
  cmmm: "cmmm",
  ladder: "future-factory",
} as const;

export type Rung = "cloud" | "workshop" | "factory" | "future";
export const RUNGS: readonly Rung[] = ["cloud", "workshop", "factory", "future"];

/** The level of the 未来工厂 framework each ladder rung is (its `levels` 1–3). */
export const RUNG_LEVEL: Readonly<Record<Exclude<Rung, "cloud">, number>> = { workshop: 1, factory: 2, future: 3 };

export function isRung(value: unknown): value is Rung {
  return typeof value === "string" && (RUNGS as readonly string[]).includes(value);
}

/** The highest rung an enterprise may apply for now, given its standing; null when none. */
export function readyRung(standing: { ladderRung: number | null; onCloud: number }): Rung | null {
  const rung = standing.ladderRung ?? 0;
  if (rung >= RUNG_LEVEL.future) return "future";
  if (rung >= RUNG_LEVEL.factory) return "factory";
  if (rung >= RUNG_LEVEL.workshop) return "workshop";
  return standing.onCloud ? "cloud" : null;
}
