import { describe, expect, it } from "vitest";
import type { Point } from "../../../ingest/core/types";
import { escapeKey, escapeMeasurement, escapeString, formatField, formatTime, lineEnds, parseLines, splitLines, toLine, toLines } from "../../../ingest/core/line-protocol";

const base = (over: Partial<Point> = {}): Point => ({
  measurement: "gauge",
  tags: { enterprise: "e", line: "l", machine: "m", signal: "s" },
  fields: { value: 1.5 },
  time: 1_700_000_000_000,
  quality: "good",
  ...over,
});

describe("line protocol escaping", () => {
  it("escapes comma and space in measurements, but not =", () => {
    expect(escapeMeasurement("a b,c=d")).toBe("a\\ b\\,c=d");
  });

  it("escapes comma, = and space in tag keys, tag values and field keys", () => {
    expect(escapeKey("Line 1,A=B")).toBe("Line\\ 1\\,A\\=B");
  });

  it("leaves Chinese and other non-ASCII text as it is", () => {
    expect(escapeKey("一号线 数控")).toBe("一号线\\ 数控");
  });

  it("escapes quote and backslash in string fields, nothing else", () => {
    expect(escapeString('say "hi" \\ bye, a=b')).toBe('say \\"hi\\" \\\\ bye, a=b');
  });
});

describe("field values", () => {
  it("writes floats in shortest round-trip form, integers with i, booleans as words", () => {
    expect(formatField(41.5)).toBe("41.5");
    expect(formatField(3)).toBe("3");
    expect(formatField(1e21)).toBe("1e+21");
    expect(formatField(-5e-7)).toBe("-5e-7");
    expect(formatField(42n)).toBe("42i");
    expect(formatField(-9223372036854775808n)).toBe("-9223372036854775808i");
    expect(formatField(true)).toBe("true");
    expect(formatField(false)).toBe("false");
    expect(formatField("运行")).toBe('"运行"');
  });
});

describe("points", () => {
  it("builds measurement,tags fields time with tags sorted by key", () => {
    const p = base({ tags: { signal: "temp", machine: "M 1", enterprise: "宁波", line: "L,1" }, fields: { quality: "good", value: 41.5, status: 0n } });
    expect(toLine(p)).toBe('gauge,enterprise=宁波,line=L\\,1,machine=M\\ 1,signal=temp quality="good",value=41.5,status=0i 1700000000000');
  });

  it("joins a batch with newlines and reuses a shared series prefix without changing it", () => {
    const tags = { enterprise: "e", line: "l", machine: "m=1", signal: "s" };
    const points = [base({ tags, time: 1 }), base({ tags, time: 2, fields: { value: 2 } }), base({ measurement: "counter", tags, time: 3, fields: { value: 7n } })];
    expect(toLines(points)).toBe(
      ["gauge,enterprise=e,line=l,machine=m\\=1,signal=s value=1.5 1", "gauge,enterprise=e,line=l,machine=m\\=1,signal=s value=2 2", "counter,enterprise=e,line=l,machine=m\\=1,signal=s value=7i 3"].join("\n"),
    );
  });

  it("sorts tag keys by code point, as InfluxDB does", () => {
    expect(toLine(base({ tags: { b: "1", B: "2", a: "3" }, fields: { v: true } }))).toBe("gauge,B=2,a=3,b=1 v=true 1700000000000");
  });
});

describe("timestamps", () => {
  it("writes epoch milliseconds exactly, through the fast path and around it", () => {
    for (const t of [0, 7, 999_999, 1_000_000, 1_000_001, 946_684_800_000, 1_735_689_600_000, 1_735_689_600_123, 999_999_999_999_999, 1e15, 9_007_199_254_740_991, -5, -1_735_689_600_000])
      expect(toLine(base({ time: t }))).toBe(`gauge,enterprise=e,line=l,machine=m,signal=s value=1.5 ${t}`);
    expect(formatTime(1_735_689_600_005)).toBe("1735689600005");
    expect(formatTime(1_735_690_000_000)).toBe("1735690000000");
  });
});

describe("parsing what was written", () => {
  it("gives back measurement, tags, typed fields and time, one tags object per series", () => {
    const text =
      'gauge,enterprise=宁波,line=L\\,1,machine=M\\ 1,signal=temp quality="good",value=41.5,status=0i 1700000000000\n' +
      'gauge,enterprise=宁波,line=L\\,1,machine=M\\ 1,signal=temp quality="bad" 1700000001000\n' +
      "flag,machine=m value=false 5\n" +
      "counter,machine=m value=-9223372036854775808i 6\n";
    const points = parseLines(text);
    const tags = { enterprise: "宁波", line: "L,1", machine: "M 1", signal: "temp" };
    expect(points).toEqual([
      { measurement: "gauge", tags, fields: { quality: "good", value: 41.5, status: 0n }, time: 1_700_000_000_000, quality: "good" },
      { measurement: "gauge", tags, fields: { quality: "bad" }, time: 1_700_000_001_000, quality: "bad" },
      { measurement: "flag", tags: { machine: "m" }, fields: { value: false }, time: 5, quality: "good" },
      { measurement: "counter", tags: { machine: "m" }, fields: { value: -(2n ** 63n) }, time: 6, quality: "good" },
    ]);
    expect(points[0].tags).toBe(points[1].tags);
  });

  it("undoes every escape, and a backslash that escapes nothing stays text", () => {
    const p = base({
      measurement: "a=b c,d\\e",
      tags: { "k\\,": "v\\=w", "x y": "\\ z", plain: "a\\b" },
      fields: { 'f"1': true, "g=2": 'say "hi" \\ bye', "h i": -5e-7, j: "line one\nline two" },
    });
    const line = toLine(p);
    expect(line).toBe('a=b\\ c\\,d\\e,k\\\\,=v\\\\=w,plain=a\\b,x\\ y=\\\\ z f"1=true,g\\=2="say \\"hi\\" \\\\ bye",h\\ i=-5e-7,j="line one\nline two" 1700000000000');
    expect(parseLines(`${line}\n${line}`)).toEqual([p, p]);
  });

  it("splits lines at newlines outside string fields only", () => {
    const text = 'a,t=x v="1\n2",w=1 1\nb v="a\\"\n" 2\nc,t=q\\"x v=1 3';
    expect(lineEnds(text)).toEqual([text.indexOf(" 1\n") + 2, text.indexOf(" 2\n") + 2, text.length]);
    expect(splitLines(text)).toEqual(['a,t=x v="1\n2",w=1 1', 'b v="a\\"\n" 2', 'c,t=q\\"x v=1 3']);
    expect(parseLines(text).map((p) => p.fields)).toEqual([{ v: "1\n2", w: 1 }, { v: 'a"\n' }, { v: 1 }]);
  });

  it("names what is wrong with a line it cannot read", () => {
    expect(() => parseLines("gauge,machine=m\n")).toThrow('line protocol: no field set in "gauge,machine=m"');
    expect(() => parseLines("gauge value=1\n")).toThrow('line protocol: no timestamp in "gauge value=1"');
    expect(() => parseLines("gauge value=x 1\n")).toThrow('line protocol: field value "x" in "gauge value=x 1"');
    expect(() => parseLines("gauge value=1.5i 1\n")).toThrow('line protocol: integer field "1.5i"');
    expect(() => parseLines('gauge value="open 1\n')).toThrow("line protocol: unterminated string field");
    expect(() => parseLines("gauge,machine value=1 1\n")).toThrow('line protocol: tag "machine" is not key=value');
    expect(() => parseLines("gauge value=1 soon\n")).toThrow("line protocol: timestamp is not an integer");
  });
});
