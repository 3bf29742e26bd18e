// Which language a request renders in: `?lang=` for one page, else the `zp_lang` cookie set by the
// language switch, else zh-CN (the product's primary language, whatever the browser prefers).
import { DEFAULT_LANG, isLang, type Lang } from "./i18n";

export const LANG_COOKIE = "zp_lang";

export function requestLang(request: Request): Lang {
  const fromQuery = new URL(request.url).searchParams.get("lang");
  if (isLang(fromQuery)) return fromQuery;
  const cookies = request.headers.get("cookie") ?? "";
  const m = new RegExp(`(?:^|;\\s*)${LANG_COOKIE}=(zh|en)(?:;|$)`).exec(cookies);
  return m && isLang(m[1]) ? m[1] : DEFAULT_LANG;
}

export function langCookie(lang: Lang): string {
  return `${LANG_COOKIE}=${lang}; Path=/; Max-Age=${365 * 24 * 3600}; SameSite=Lax`;
}
