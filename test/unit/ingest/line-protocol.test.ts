import { describe, expect, it } from "vitest";
import type { Point } from "../../../ingest/core/types";
import { escapeKey, escapeMeasurement, escapeString, formatField, toLine, toLines } from "../../../ingest/sinks/influx/line-protocol";

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
