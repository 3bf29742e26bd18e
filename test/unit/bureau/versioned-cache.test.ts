import { describe, expect, it } from "vitest";
import { VersionedCache } from "~/bureau/versioned-cache";

describe("versioned cache", () => {
  it("computes once per key and version, again when the version moves", async () => {
    const cache = new VersionedCache<number>(10);
    let runs = 0;
    const compute = (n: number) => () => Promise.resolve((runs++, n));
    expect(await cache.get("a", "v1", compute(1))).toBe(1);
    expect(await cache.get("a", "v1", compute(2))).toBe(1);
    expect(runs).toBe(1);
    expect(await cache.get("a", "v2", compute(3))).toBe(3);
    expect(await cache.get("a", "v2", compute(4))).toBe(3);
    expect(runs).toBe(2);
  });

  it("shares one computation between callers asking at the same time", async () => {
    const cache = new VersionedCache<string>(10);
    let runs = 0;
    let release!: (v: string) => void;
    const compute = () => ((runs++, new Promise<string>((r) => (release = r))));
    const first = cache.get("k", "v", compute);
    const second = cache.get("k", "v", compute);
    release("done");
    expect(await Promise.all([first, second])).toEqual(["done", "done"]);
    expect(runs).toBe(1);
  });

  it("drops the least recently used entry when full", async () => {
    const cache = new VersionedCache<string>(2);
    await cache.get("a", "v", async () => "a");
    await cache.get("b", "v", async () => "b");
    await cache.get("a", "v", async () => "a again"); // a is now the most recent
    await cache.get("c", "v", async () => "c"); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get("a", "v", async () => "recomputed")).toBe("a");
    expect(await cache.get("b", "v", async () => "b recomputed")).toBe("b recomputed");
  });

  it("forgets a failed computation so the next caller tries again", async () => {
    const cache = new VersionedCache<string>(2);
    await expect(cache.get("x", "v", () => Promise.reject(new Error("database gone")))).rejects.toThrow("database gone");
    await new Promise((r) => setImmediate(r));
    expect(await cache.get("x", "v", async () => "fine")).toBe("fine");
  });
});
