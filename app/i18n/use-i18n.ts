// The page language in components: taken from the root loader, so server and client render the same.
import { useRouteLoaderData } from "@remix-run/react";
import type { Text } from "../../assessments/types";
import { DEFAULT_LANG, formatDate, formatNumber, pick, translate, type Lang, type MessageKey, type Params } from "./i18n";

export interface I18n {
  lang: Lang;
  t: (key: MessageKey, params?: Params) => string;
  pick: (text: Text | null | undefined) => string;
  num: (value: number, digits?: number) => string;
  date: (iso: string | null | undefined) => string;
}

export function i18nFor(lang: Lang): I18n {
  return {
    lang,
    t: (key, params) => translate(lang, key, params),
    pick: (text) => pick(text, lang),
    num: (value, digits) => formatNumber(value, lang, digits),
    date: (iso) => formatDate(iso, lang),
  };
}

export function useI18n(): I18n {
  const root = useRouteLoaderData("root") as { lang?: Lang } | undefined;
  return i18nFor(root?.lang ?? DEFAULT_LANG);
}
