// History of the simulated line written in batches (to the pipeline's emit, or straight into the embedded
// telemetry store), and the simulator source's config.
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EmbeddedSink } from "../../../ingest/sinks/embedded/index";
import { TelemetryStore } from "../../../ingest/sinks/embedded/store";
import { backfill } from "../../../ingest/sources/simulator/backfill";
import { lineFromConfig, simulatorConfigSchema } from "../../../ingest/sources/simulator/index";
import { simulateLine } from "../../../ingest/sources/simulator/model";
import { demoMachines } from "../../../ingest/sources/simulator/presets";
import { machineSignals, parseLineSpec } from "../../../ingest/sources/simulator/spec";
import type { Point } from "../../../ingest/core/types";

const epoch = Date.UTC(2026, 2, 2, 0, 0, 0);
const line = parseLineSpec({ enterprise: "ningbo-demo", line: "line1", seed: 99, epoch, machines: demoMachines(3) });

describe("backfill", () => {
  it("writes the values at `from` and every change after it, in batches of at most batchSize", async () => {
    const from = epoch + 3_600_000;
    const to = from + 2 * 3_600_000;
    const batches: Point[][] = [];
    const result = await backfill(line, from, to, async (points) => void batches.push(points), { batchSize: 1000, stepMs: 600_000 });
    const history = simulateLine(line, from, to);
    const expected = history.reduce((n, h) => n + machineSignals.length + h.changes.length, 0);
    expect(result).toEqual({ points: expected, rejected: [] });
    expect(batches.every((b) => b.length <= 1000)).toBe(true);
    const points = batches.flat();
    expect(points).toHaveLength(expected);
    // The same readings the model lists, typed by kind.
    const key = (m: string, s: string, t: number, v: unknown) => `${m}.${s}@${t}=${v}`;
    const want = new Set<string>();
    for (const h of history) {
      for (const s of machineSignals) want.add(key(h.machine, s, from, h.initial[s]));
      for (const c of h.changes) want.add(key(c.machine, c.signal, c.time, c.value));
    }
    expect(new Set(points.map((p) => key(p.tags.machine, p.tags.signal, p.time, p.fields.value)))).toEqual(want);
    const good = points.find((p) => p.tags.signal === "GoodCount")!;
    expect(good).toMatchObject({ measurement: "counter", tags: { enterprise: "ningbo-demo", line: "line1" }, quality: "good" });
    expect(typeof good.fields.value).toBe("bigint");
  });

  it("fills the embedded telemetry store: one row per reading, the counters as integers", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "zp-backfill-"));
    try {
      const store = new TelemetryStore(path.join(dir, "telemetry.sqlite"), { sync: "normal" });
      const sink = new EmbeddedSink("embedded", store);
      const from = epoch;
      const to = epoch + 30 * 60_000;
      const result = await backfill(line, from, to, sink);
      const m2 = simulateLine(line, from, to)[1];
      const energy = store.query({ tags: { machine: "M2", signal: "Energy" } });
      expect(energy.map((r) => [r.time, r.fields.value])).toEqual([
        [from, m2.initial.Energy],
        ...m2.changes.filter((c) => c.signal === "Energy").map((c) => [c.time, c.value]),
      ]);
      const rows = store.query({});
      expect(rows).toHaveLength(result.points);
      const bad = store.query({ tags: { machine: "M3", signal: "BadCount" } });
      expect(bad.map((r) => r.fields.value)).toEqual([
        BigInt(simulateLine(line, from, to)[2].initial.BadCount),
        ...simulateLine(line, from, to)[2].changes.filter((c) => c.signal === "BadCount").map((c) => BigInt(c.value)),
      ]);
      expect(result.rejected).toEqual([]);
      await sink.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a window before the epoch", async () => {
    await expect(backfill(line, epoch - 1000, epoch, async () => {})).rejects.toThrow(/at or after the epoch/);
  });
});

describe("simulator config", () => {
  it("moves the epoch back by the history and fixes it to the second", () => {
    const config = simulatorConfigSchema.parse({ line: { preset: "demo", enterprise: "e", line: "l", machines: 2 }, history: "7d", opcua: {} });
    const started = Date.UTC(2026, 4, 1, 8, 30, 15, 480);
    const l = lineFromConfig(config, started);
    expect(l.epoch).toBe(Date.UTC(2026, 4, 1, 8, 30, 15) - 7 * 86_400_000);
    expect(l.machines.map((m) => m.id)).toEqual(["M1", "M2"]);
    expect(config.opcua).toMatchObject({ port: 4840, host: "127.0.0.1", securityModes: ["None", "SignAndEncrypt"] });
  });

  it("says what is wrong, with the path", () => {
    const r = simulatorConfigSchema.safeParse({ line: { enterprise: "e", line: "l", machines: [] }, speed: 0 });
    expect(r.success).toBe(false);
    const issues = r.success ? [] : r.error.issues.map((i) => i.path.join("."));
    expect(issues).toContain("speed");
    expect(simulatorConfigSchema.safeParse({ line: { preset: "demo", enterprise: "e", line: "l" } }).error?.issues[0].message).toMatch(
      /give opcua, sparkplug or history/,
    );
  });
});
