// InfluxQL text built from names the plant chose: identifiers and literals escaped so a quote, backslash or
// newline in a tag value can neither break a query nor change what it selects (round trips against the real
// server are in test/integration/telemetry).
import { describe, expect, it } from "vitest";
import { ident, instant, literal } from "../../../ingest/telemetry/influx-query";

describe("InfluxQL escaping", () => {
  it.each([
    ["M1", "'M1'"],
    ["L'4", "'L\\'4'"],
    ["a\\b", "'a\\\\b'"],
    ["x' OR '1'='1", "'x\\' OR \\'1\\'=\\'1'"],
    ['宁波 "示例"', "'宁波 \"示例\"'"],
    ["two\nlines", "'two\\nlines'"],
  ])("string literal %j → %s", (value, expected) => {
    expect(literal(value)).toBe(expected);
  });

  it.each([
    ["value", '"value"'],
    ['we"ird', '"we\\"ird"'],
    ["back\\slash", '"back\\\\slash"'],
  ])("identifier %j → %s", (name, expected) => {
    expect(ident(name)).toBe(expected);
  });

  it("writes instants as whole milliseconds and refuses anything else", () => {
    expect(instant(1_741_000_000_000)).toBe("1741000000000ms");
    expect(() => instant(1.5)).toThrow(/not a whole epoch millisecond: 1.5/);
    expect(() => instant(Number.NaN)).toThrow(/not a whole epoch millisecond/);
  });
});
