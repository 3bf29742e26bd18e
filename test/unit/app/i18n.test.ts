import { describe, expect, it } from "vitest";
import { messages } from "~/i18n/messages";
import { formatNumber, pick, translate } from "~/i18n/i18n";
import { requestLang } from "~/i18n/lang.server";

describe("messages", () => {
  it("exist in both languages, non-empty, with the same placeholders", () => {
    for (const [key, [zh, en]] of Object.entries(messages)) {
      expect(zh.trim(), key).not.toBe("");
      expect(en.trim(), key).not.toBe("");
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(zh), key).toEqual(names(en));
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("zh", "q.progress", { answered: 3, total: 32, percent: 9 })).toBe("已答 3/32 题（9%）");
    expect(translate("en", "q.progress", { answered: 3, total: 32, percent: 9 })).toBe("3 of 32 answered (9%)");
    expect(translate("en", "q.progress", { answered: 3 })).toBe("3 of {total} answered ({percent}%)");
  });

  it("picks the language of a bilingual text, falling back to the other when one is empty", () => {
    expect(pick({ zh: "设备管理", en: "Equipment" }, "en")).toBe("Equipment");
    expect(pick({ zh: "设备管理", en: "" }, "en")).toBe("设备管理");
    expect(formatNumber(1234.56, "en", 1)).toBe("1,234.6");
  });
});

describe("request language", () => {
  const r = (url: string, cookie?: string) => new Request(url, { headers: cookie ? { cookie } : {} });
  it("is zh by default whatever the browser prefers, the cookie's when set, and ?lang= for one page", () => {
    expect(requestLang(new Request("http://x/", { headers: { "accept-language": "en-US" } }))).toBe("zh");
    expect(requestLang(r("http://x/", "a=1; zp_lang=en; b=2"))).toBe("en");
    expect(requestLang(r("http://x/?lang=zh", "zp_lang=en"))).toBe("zh");
    expect(requestLang(r("http://x/?lang=fr", "zp_lang=xx"))).toBe("zh");
  });
});
