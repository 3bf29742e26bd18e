import { describe, expect, it } from "vitest";
import { csvCell, csvRow, CSV_BOM } from "~/bureau/csv";
import { DEFAULT_FILTERS, filtersToSearch, parseFilters, type KnownValues } from "~/bureau/filters";

const known: KnownValues = {
  industries: new Set(["C34", "C26"]),
  clusters: new Set(["petrochem", "g246_auto"]),
  tiers: new Set(["basic", "leading"]),
  flags: new Set(["zjtx", "high_tech"]),
};
const parse = (query: string) => parseFilters(new URLSearchParams(query), known);

describe("portfolio filters from the URL", () => {
  it("reads every filter, the sort and the page", () => {
    const { filters, issues } = parse("district=330206&industry=c34&cluster=g246_auto&scale=above&tier=none&scheme=sme&level=4&ready=factory&flag=zjtx&flag=high_tech&flag=zjtx&q=%20精工%20&sort=rung&dir=desc&page=3");
    expect(issues).toEqual([]);
    expect(filters).toEqual({
      district: "330206", industry: "C34", cluster: "g246_auto", scale: "above", tier: "none", scheme: "sme", level: 4, ready: "factory",
      flags: ["zjtx", "high_tech"], q: "精工", sort: "rung", dir: "desc", page: 3,
    });
  });

  it("drops each invalid value, names its parameter, and keeps the rest", () => {
    const { filters, issues } = parse("district=北仑&industry=C99&cluster=nope&scale=big&tier=gold&scheme=acatech&level=7&ready=moon&flag=zjtx&flag=fake&sort=random&dir=up&page=0&q=" + "x".repeat(101));
    expect(issues.map((i) => i.param)).toEqual(["district", "industry", "cluster", "scale", "tier", "scheme", "level", "ready", "flag", "q", "sort", "dir", "page"]);
    expect(issues.find((i) => i.param === "flag")?.value).toBe("fake");
    expect(filters).toEqual({ ...DEFAULT_FILTERS, flags: ["zjtx"] });
  });

  it("checks the level against the chosen scheme: CMMM has five levels, the SME evaluation four", () => {
    expect(parse("level=5").filters.level).toBe(5);
    expect(parse("scheme=sme&level=5").issues).toEqual([{ param: "level", value: "5" }]);
    expect(parse("level=na").filters.level).toBe("na");
    expect(parse("level=0").filters.level).toBe(0);
    expect(parse("page=2.5").issues).toEqual([{ param: "page", value: "2.5" }]);
    expect(parse("page=100001").issues).toEqual([{ param: "page", value: "100001" }]);
  });

  it("writes filters back to a query string without defaults, with changes applied", () => {
    const { filters } = parse("industry=C26&flag=zjtx&level=0&sort=name&page=2");
    expect(filtersToSearch(filters)).toBe("?industry=C26&level=0&flag=zjtx&page=2");
    expect(filtersToSearch(filters, { page: 1, ready: "cloud" }, { region: "330200" })).toBe("?industry=C26&level=0&ready=cloud&flag=zjtx&region=330200");
    expect(filtersToSearch(DEFAULT_FILTERS)).toBe("");
    const round = parse(filtersToSearch(filters).slice(1));
    expect(round.filters).toEqual(filters);
  });
});

describe("CSV cells", () => {
  it("quotes what needs quoting and leaves plain text and numbers alone", () => {
    expect(csvCell("宁波甬江精工")).toBe("宁波甬江精工");
    expect(csvCell('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(-3.5)).toBe("-3.5");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(null)).toBe("");
  });

  it("defuses text a spreadsheet would run as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell("+1")).toBe(`"'+1"`);
    expect(csvCell("-2")).toBe(`"'-2"`);
    expect(csvCell("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvCell("\tcmd")).toBe(`"'\tcmd"`);
  });

  it("ends rows with CRLF and starts files with a byte-order mark", () => {
    expect(csvRow(["a", 1, null])).toBe("a,1,\r\n");
    expect(CSV_BOM).toBe("\uFEFF");
  });
});
