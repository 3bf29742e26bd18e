// Building the bilingual explanations that results carry. Numbers are written the way a report would
// (no float noise, at most three decimals); the exact values stay in `params`.
import { round9 } from "./decimal";
import type { Reason, Text } from "./types";

/** A number for display: 0.7999999999 → "0.8", 0.785714 → "0.786", 60 → "60". */
export function num(x: number): string {
  const rounded = Math.round(round9(x) * 1000) / 1000;
  return String(rounded === 0 ? 0 : rounded);
}

export function reason(code: string, params: Record<string, string | number>, zh: string, en: string): Reason {
  return { code, params, text: { zh, en } };
}

/** Picks the text of a locale. */
export function t(text: Text, locale: "zh" | "en"): string {
  return text[locale];
}
