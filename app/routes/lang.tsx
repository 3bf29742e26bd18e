import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { safeRedirect } from "~/auth/session.server";
import { isLang } from "~/i18n/i18n";
import { langCookie } from "~/i18n/lang.server";

// The language switch: a plain link (works without JavaScript) that remembers the choice in a cookie.
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const lang = params.get("set");
  // Drop a one-page ?lang= from the way back, or it would override the choice just made.
  const back = new URL(safeRedirect(params.get("redirectTo"), "/"), "http://local");
  back.searchParams.delete("lang");
  const to = `${back.pathname}${back.search}${back.hash}`;
  if (!isLang(lang)) return redirect(to);
  return redirect(to, { headers: { "Set-Cookie": langCookie(lang) } });
}
