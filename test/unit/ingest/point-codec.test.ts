// The spool's chunk format: exact bytes for a small chunk (format 2), round trips of every value kind and
// shape, and chunks written by earlier versions (format 1) still read.
import { describe, expect, it } from "vitest";
import { signalPoint } from "../../../ingest/core/point";
import { decodePoints, encodePoints } from "../../../ingest/core/point-codec";
import type { Point } from "../../../ingest/core/types";

const T = Date.UTC(2025, 0, 1); // 1735689600000

describe("spool chunk format 2", () => {
  it("writes dictionaries once and rows as one flat array, times relative to the first point", () => {
    const ref = { enterprise: "e", line: "l", machine: "m1", signal: "temp", kind: "gauge" as const };
    const points = [signalPoint(ref, 20.5, T, "good"), signalPoint(ref, 21, T + 1000, "good"), signalPoint({ ...ref, signal: "count", kind: "counter" }, 7n, T + 500, "uncertain", 0x40000000)];
    const text = encodePoints(points).toString("utf8");
    expect(text).toBe(
      '[2,[["enterprise","line","machine","signal"]],[["gauge",0,"e","l","m1","temp"],["counter",0,"e","l","m1","count"]],' +
        '[["quality","value"],["quality","value","status"]],1735689600000,' +
        '[0,0,0,0,"good",20.5,0,0,1000,0,"good",21,1,1,500,1,"uncertain",{"i":"7"},{"i":"1073741824"}]]',
    );
    expect(decodePoints(Buffer.from(text))).toEqual(points);
  });

  it("round-trips every field type, shapes and tag sets that differ, times before the first, mutable tags", () => {
    const points: Point[] = [
      { measurement: "text", tags: { enterprise: "宁波", line: "l 1", machine: "m,=1", signal: 's"1' }, fields: { quality: "good", value: 'a "quoted" \\ 文字\n' }, time: T, quality: "good" },
      { measurement: "flag", tags: { enterprise: "e", machine: "m2" }, fields: { value: false, quality: "good" }, time: T - 5000, quality: "good" },
      { measurement: "counter", tags: { enterprise: "e", machine: "m2" }, fields: { value: -(2n ** 63n), quality: "bad" }, time: T + 1, quality: "bad" },
      { measurement: "gauge", tags: { enterprise: "e", machine: "m2" }, fields: { quality: "stale" }, time: T + 2, quality: "stale" },
      { measurement: "gauge", tags: { enterprise: "e", machine: "m2" }, fields: { quality: "good", value: 1e21, status: 0n }, time: T + 3, quality: "good" },
      { measurement: "gauge", tags: { enterprise: "e", machine: "m2" }, fields: { quality: "good", value: -5e-7 }, time: T + 4, quality: "good" },
    ];
    const decoded = decodePoints(encodePoints(points));
    expect(decoded).toEqual(points);
    // One tags object per series, shared by its points.
    expect(decoded[3].tags).toBe(decoded[4].tags);
    expect(decoded[1].tags).not.toBe(decoded[0].tags);
  });

  it("keeps one point (a dead letter's) and an empty chunk", () => {
    const p: Point = { measurement: "gauge", tags: { machine: "m" }, fields: { value: 1.5, quality: "good" }, time: T, quality: "good" };
    expect(decodePoints(encodePoints([p]))).toEqual([p]);
    expect(encodePoints([]).toString()).toBe("[2,[],[],[],0,[]]");
    expect(decodePoints(encodePoints([]))).toEqual([]);
  });
});

describe("spool chunk format 1 (written before format 2)", () => {
  it("is still read", () => {
    const v1 = '[1,[["gauge",{"enterprise":"e","line":"l","machine":"m1","signal":"temp"}]],[[0,{"quality":"good","value":20.5},1735689600000,0],[0,{"quality":"bad","status":{"i":"2150891520"}},1735689601000,2]]]';
    const tags = { enterprise: "e", line: "l", machine: "m1", signal: "temp" };
    expect(decodePoints(Buffer.from(v1))).toEqual([
      { measurement: "gauge", tags, fields: { quality: "good", value: 20.5 }, time: T, quality: "good" },
      { measurement: "gauge", tags, fields: { quality: "bad", status: 2150891520n }, time: T + 1000, quality: "bad" },
    ]);
  });

  it("refuses a format it does not know, naming it", () => {
    expect(() => decodePoints(Buffer.from("[3,[],[]]"))).toThrow("spool chunk format 3 is not supported (expected 1 or 2)");
  });
});
