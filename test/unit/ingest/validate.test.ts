import { describe, expect, it } from "vitest";
import type { Point } from "../../../ingest/core/types";
import { DEFAULT_LIMITS, validatePoint } from "../../../ingest/core/validate";

const NOW = Date.UTC(2025, 0, 1);
const ok: Point = {
  measurement: "gauge",
  tags: { enterprise: "e", line: "l", machine: "m", signal: "s" },
  fields: { value: 1.5, quality: "good" },
  time: NOW - 1000,
  quality: "good",
};
const check = (over: Partial<Point>) => validatePoint({ ...ok, ...over } as Point, DEFAULT_LIMITS, NOW);

describe("point validation: each problem has its reason", () => {
  it("accepts a well-formed point", () => {
    expect(check({})).toBeNull();
  });

  it.each([
    ["NaN", { fields: { value: Number.NaN } }, "non_finite", "field value is NaN"],
    ["+Infinity", { fields: { value: Number.POSITIVE_INFINITY } }, "non_finite", "field value is Infinity"],
    ["-Infinity", { fields: { value: Number.NEGATIVE_INFINITY } }, "non_finite", "field value is -Infinity"],
    ["an empty field set", { fields: {} }, "no_fields", "a point needs at least one field"],
    ["an int64 overflow", { fields: { value: 2n ** 63n } }, "integer_out_of_range", "field value is 9223372036854775808, outside int64"],
    ["a null field", { fields: { value: null as unknown as number } }, "invalid_field_type", "field value is null"],
    ["a reserved field key", { fields: { time: 1 } }, "invalid_field_name", 'field key "time" "time" is reserved by InfluxDB'],
    ["a field named like a tag", { fields: { machine: 1 } }, "invalid_field_name", 'field "machine" has the name of a tag'],
    ["an empty tag value", { tags: { machine: "" } }, "invalid_tag", 'tag machine="" must not be empty'],
    ["a newline in a tag value", { tags: { machine: "a\nb" } }, "invalid_tag", 'tag machine="a\\nb" contains a control character (newline, tab…)'],
    ["a trailing backslash", { tags: { machine: "a\\" } }, "invalid_tag", 'tag machine="a\\\\" ends with a backslash'],
    ["a measurement starting with #", { measurement: "#x" }, "invalid_measurement", 'measurement "#x" starts with # (a comment in line protocol)'],
    ["an empty measurement", { measurement: "" }, "invalid_measurement", 'measurement "" must not be empty'],
    ["a fractional time", { time: NOW - 0.5 }, "invalid_time", `time ${NOW - 0.5} is not integer epoch milliseconds`],
    ["an unknown quality", { quality: "fine" as Point["quality"] }, "invalid_quality", 'quality "fine"'],
  ])("refuses %s", (_name, over, reason, detail) => {
    expect(check(over as Partial<Point>)).toEqual({ reason, detail });
  });

  it("refuses a string field over the byte limit, counting UTF-8 bytes", () => {
    const limits = { ...DEFAULT_LIMITS, maxStringBytes: 8 };
    expect(validatePoint({ ...ok, fields: { note: "一二" } }, limits, NOW)).toBeNull(); // 6 bytes
    expect(validatePoint({ ...ok, fields: { note: "一二三" } }, limits, NOW)).toEqual({ reason: "string_too_long", detail: "field note is 9 bytes, over 8" });
  });

  it("refuses a tag value over the name limit", () => {
    const limits = { ...DEFAULT_LIMITS, maxNameBytes: 4 };
    const short = { ...ok, measurement: "g", fields: { v: 1 } };
    expect(validatePoint({ ...short, tags: { m: "abcd" } }, limits, NOW)).toBeNull();
    expect(validatePoint({ ...short, tags: { m: "abcde" } }, limits, NOW)).toEqual({ reason: "invalid_tag", detail: 'tag m="abcde" longer than 4 bytes' });
  });

  it("refuses timestamps before minTime and too far in the future, at the exact bounds", () => {
    expect(check({ time: DEFAULT_LIMITS.minTime })).toBeNull();
    expect(check({ time: DEFAULT_LIMITS.minTime - 1 })?.reason).toBe("time_out_of_range");
    expect(check({ time: NOW + DEFAULT_LIMITS.maxFutureMs })).toBeNull();
    expect(check({ time: NOW + DEFAULT_LIMITS.maxFutureMs + 1 })?.reason).toBe("time_out_of_range");
  });
});
