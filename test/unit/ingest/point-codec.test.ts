// The spool's chunk format: exact bytes for a small chunk (format 3: a header line and line protocol), round
// trips of every value kind and shape, the line protocol the InfluxDB sink sends taken from the chunk as it
// is, dead letters' points (format 2, which holds even what validation refused), and chunks written by
// earlier versions (formats 1 and 2) still read.
import { describe, expect, it } from "vitest";
import { signalPoint } from "../../../ingest/core/point";
import { ChunkBuilder, chunkLines, decodePoints, encodeChunk, encodePoints } from "../../../ingest/core/point-codec";
import type { Point } from "../../../ingest/core/types";

const T = Date.UTC(2025, 0, 1); // 1735689600000
const ref = { enterprise: "e", line: "l", machine: "m1", signal: "temp", kind: "gauge" as const };

describe("spool chunk format 3", () => {
  it("is a header line and one line of InfluxDB line protocol per point", () => {
    const points = [signalPoint(ref, 20.5, T, "good"), signalPoint(ref, 21, T + 1000, "good"), signalPoint({ ...ref, signal: "count", kind: "counter" }, 7n, T + 500, "uncertain", 0x40000000)];
    const blob = encodeChunk(points);
    expect(blob.toString("utf8")).toBe(
      "[3]\n" +
        'gauge,enterprise=e,line=l,machine=m1,signal=temp quality="good",value=20.5 1735689600000\n' +
        'gauge,enterprise=e,line=l,machine=m1,signal=temp quality="good",value=21 1735689601000\n' +
        'counter,enterprise=e,line=l,machine=m1,signal=count quality="uncertain",value=7i,status=1073741824i 1735689600500\n',
    );
    expect(decodePoints(blob)).toEqual(points);
  });

  it("hands the line protocol out as a view of the chunk's own bytes", () => {
    const blob = encodeChunk([signalPoint(ref, 1.5, T, "good")]);
    const lines = chunkLines(blob);
    expect(lines.toString()).toBe('gauge,enterprise=e,line=l,machine=m1,signal=temp quality="good",value=1.5 1735689600000\n');
    expect(lines.buffer).toBe(blob.buffer); // no copy
    expect(lines.byteOffset).toBe(blob.byteOffset + 4);
  });

  it("round-trips every field type, escapes, shapes and tag sets that differ, times before the first", () => {
    const points: Point[] = [
      { measurement: "text", tags: { enterprise: "宁波", line: "l 1", machine: "m,=1", signal: 's"1' }, fields: { quality: "good", value: 'a "quoted" \\ 文字\n,x=1 y' }, time: T, quality: "good" },
      { measurement: "flag", tags: { enterprise: "e", machine: "m2" }, fields: { value: false, quality: "good" }, time: T - 5000, quality: "good" },
      { measurement: "counter", tags: { enterprise: "e", machine: "m2" }, fields: { value: -(2n ** 63n), quality: "bad" }, time: T + 1, quality: "bad" },
      { measurement: "gauge", tags: { enterprise: "e", machine: "m2" }, fields: { quality: "stale" }, time: T + 2, quality: "stale" },
      { measurement: "gauge", tags: { enterprise: "e", machine: "m2" }, fields: { quality: "good", value: 1e21, status: 0n }, time: T + 3, quality: "good" },
      { measurement: "gauge", tags: { enterprise: "e", machine: "m2" }, fields: { quality: "good", value: -5e-7 }, time: T + 4, quality: "good" },
      { measurement: "a=b c,d", tags: { "k\\,": "v\\=w", "x y": "\\ z" }, fields: { 'f"1': true, "g=2": "\\", h: 3 }, time: T + 5, quality: "good" },
    ];
    const decoded = decodePoints(encodeChunk(points));
    expect(decoded).toEqual(points);
    // One tags object per series, shared by its points.
    expect(decoded[3].tags).toBe(decoded[4].tags);
    expect(decoded[1].tags).not.toBe(decoded[0].tags);
  });

  it("keeps a point's quality when it differs from its quality field, in the header", () => {
    const points: Point[] = [
      { measurement: "gauge", tags: { machine: "m" }, fields: { value: 1 }, time: T, quality: "good" },
      { measurement: "gauge", tags: { machine: "m" }, fields: { value: 2 }, time: T + 1, quality: "uncertain" },
      { measurement: "gauge", tags: { machine: "m" }, fields: { value: 3, quality: "good" }, time: T + 2, quality: "bad" },
    ];
    const blob = encodeChunk(points);
    expect(blob.toString()).toBe("[3,[[1,1],[2,2]]]\ngauge,machine=m value=1 1735689600000\ngauge,machine=m value=2 1735689600001\ngauge,machine=m value=3,quality=\"good\" 1735689600002\n");
    expect(decodePoints(blob)).toEqual(points);
    expect(chunkLines(blob).toString()).toBe(blob.toString().slice("[3,[[1,1],[2,2]]]\n".length));
  });

  it("builds chunk after chunk with one builder, and an empty chunk", () => {
    const b = new ChunkBuilder();
    b.add(signalPoint(ref, 1, T, "good"));
    b.add(signalPoint(ref, 2, T + 1, "good"));
    expect(b.count).toBe(2);
    expect(decodePoints(b.finish()).map((p) => p.fields.value)).toEqual([1, 2]);
    expect(b.count).toBe(0);
    b.add({ measurement: "gauge", tags: { machine: "m" }, fields: { value: 3 }, time: T, quality: "bad" });
    expect(b.finish().toString()).toBe("[3,[[0,2]]]\ngauge,machine=m value=3 1735689600000\n");
    expect(b.finish().toString()).toBe("[3]\n");
    expect(decodePoints(encodeChunk([]))).toEqual([]);
  });

  it("grows past its first buffer with multi-byte text, and numbers odd qualities across ranges", () => {
    const b = new ChunkBuilder();
    const long = "温度".repeat(2_000); // 4,000 UTF-16 units, 12,000 bytes in UTF-8
    const points: Point[] = Array.from({ length: 40 }, (_, i) => ({
      measurement: "text",
      tags: { machine: `m${i}` },
      fields: { value: `${i}:${long}`, quality: "good" },
      time: T + i,
      quality: i === 3 || i === 37 ? "bad" : "good",
    }));
    b.addRange(points, 0, 5);
    b.addRange(points, 5, 40); // 40 × ~12 KB: well past the first 128 KiB
    expect(b.count).toBe(40);
    const blob = b.finish();
    expect(blob.subarray(0, 18).toString()).toBe("[3,[[3,2],[37,2]]]");
    expect(decodePoints(blob)).toEqual(points);
    // The builder's own buffer is reused: the finished chunk must not change under the next one.
    const copy = Buffer.from(blob);
    b.addRange(points, 0, 1);
    b.finish();
    expect(blob.equals(copy)).toBe(true);
  });
});

describe("dead letters' points (format 2)", () => {
  it("holds what line protocol could not: NaN, names with newlines", () => {
    const refused: Point = { measurement: "gau\nge", tags: { machine: "m\n1" }, fields: { value: Number.NaN, quality: "good" }, time: T, quality: "good" };
    const blob = encodePoints([refused]);
    expect(blob.toString()).toBe('[2,[["machine"]],[["gau\\nge",0,"m\\n1"]],[["value","quality"]],1735689600000,[0,0,0,0,null,"good"]]');
    expect(decodePoints(blob)).toEqual([{ ...refused, fields: { value: null, quality: "good" } }]);
  });
});

describe("chunks written by earlier versions", () => {
  const tags = { enterprise: "e", line: "l", machine: "m1", signal: "temp" };

  it("format 2 is read, and turned into line protocol for the InfluxDB sink", () => {
    const v2 =
      '[2,[["enterprise","line","machine","signal"]],[["gauge",0,"e","l","m1","temp"],["counter",0,"e","l","m1","count"]],' +
      '[["quality","value"],["quality","value","status"]],1735689600000,' +
      '[0,0,0,0,"good",20.5,0,0,1000,0,"good",21,1,1,500,1,"uncertain",{"i":"7"},{"i":"1073741824"}]]';
    expect(decodePoints(Buffer.from(v2))).toEqual([
      { measurement: "gauge", tags, fields: { quality: "good", value: 20.5 }, time: T, quality: "good" },
      { measurement: "gauge", tags, fields: { quality: "good", value: 21 }, time: T + 1000, quality: "good" },
      { measurement: "counter", tags: { ...tags, signal: "count" }, fields: { quality: "uncertain", value: 7n, status: 1073741824n }, time: T + 500, quality: "uncertain" },
    ]);
    expect(chunkLines(Buffer.from(v2)).toString()).toBe(
      'gauge,enterprise=e,line=l,machine=m1,signal=temp quality="good",value=20.5 1735689600000\n' +
        'gauge,enterprise=e,line=l,machine=m1,signal=temp quality="good",value=21 1735689601000\n' +
        'counter,enterprise=e,line=l,machine=m1,signal=count quality="uncertain",value=7i,status=1073741824i 1735689600500\n',
    );
  });

  it("format 1 is read", () => {
    const v1 = '[1,[["gauge",{"enterprise":"e","line":"l","machine":"m1","signal":"temp"}]],[[0,{"quality":"good","value":20.5},1735689600000,0],[0,{"quality":"bad","status":{"i":"2150891520"}},1735689601000,2]]]';
    expect(decodePoints(Buffer.from(v1))).toEqual([
      { measurement: "gauge", tags, fields: { quality: "good", value: 20.5 }, time: T, quality: "good" },
      { measurement: "gauge", tags, fields: { quality: "bad", status: 2150891520n }, time: T + 1000, quality: "bad" },
    ]);
  });

  it("refuses a format it does not know, naming it", () => {
    expect(() => decodePoints(Buffer.from("[4,[],[]]"))).toThrow("spool chunk format 4 is not supported (expected 1, 2 or 3)");
  });
});
