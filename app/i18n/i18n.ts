// Translation: zh-CN is the default, en the alternative. Messages live in messages.ts as [zh, en] pairs so
// a message cannot exist in one language only; `{name}` placeholders are filled from params.
import type { Text } from "../../assessments/types";
import { messages } from "./messages";

export type Lang = "zh" | "en";
export const LANGS: readonly Lang[] = ["zh", "en"];
export const DEFAULT_LANG: Lang = "zh";
export type MessageKey = keyof typeof messages;
export type Params = Record<string, string | number>;
/** A message to show later, in whatever language the page renders in. */
export interface Message {
  key: MessageKey;
  params?: Params;
}

export function isLang(value: unknown): value is Lang {
  return value === "zh" || value === "en";
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(messages, value);
}

function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const pair = messages[key];
  return fill(pair[lang === "en" ? 1 : 0], params);
}

/** The text of a bilingual value from the assessment domain. */
export function pick(text: Text | null | undefined, lang: Lang): string {
  if (!text) return "";
  return (lang === "en" ? text.en : text.zh) || text.zh || text.en;
}

// Creating an Intl formatter costs far more than using one (it showed in server profiles): keep them.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<Lang, Intl.DateTimeFormat>();

export function formatNumber(value: number, lang: Lang, digits = 1): string {
  const key = `${lang}:${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === "en" ? "en-GB" : "zh-CN", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    numberFormats.set(key, f);
  }
  return f.format(value);
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  let f = dateFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Shanghai",
    });
    dateFormats.set(lang, f);
  }
  return f.format(d);
}
