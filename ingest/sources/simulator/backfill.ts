// History of the simulated line written straight to a sink (or into the pipeline), for demos and benchmarks:
// e.g. 7 days at 1 Hz for 10 machines. The same points the live OPC UA server and Sparkplug edge would have
// produced, walked hour by hour so memory stays flat.
import { signalPoint } from "../../core/point";
import type { Point, SignalRef, Sink } from "../../core/types";
import { MachineCursor } from "./model";
import { machineSignals, signalInfo, type LineSpec, type MachineSignal } from "./spec";

export type BackfillTarget = Sink | ((points: Point[]) => Promise<void>);

export interface BackfillOptions {
  /** Points per write. Default 5000. */
  batchSize?: number;
  /** Model time walked per step. Default one hour. */
  stepMs?: number;
  /** Called after each write (progress bars, benchmarks). */
  onProgress?: (done: { points: number; modelTime: number }) => void;
}

export interface BackfillResult {
  points: number;
  /** Points a sink refused for good (type conflicts…), with its reasons. */
  rejected: Array<{ point: Point; reason: string }>;
}

/** The registry entry the simulator's signals have (same tags as through OPC UA or Sparkplug). */
export function simulatorSignalRef(line: LineSpec, machine: string, signal: MachineSignal): SignalRef {
  const info = signalInfo[signal];
  return { enterprise: line.enterprise, line: line.line, machine, signal, kind: info.kind, ...(info.unit ? { unit: info.unit } : {}) };
}

export function simulatorPoint(line: LineSpec, machine: string, signal: MachineSignal, value: number, time: number): Point {
  const ref = simulatorSignalRef(line, machine, signal);
  return signalPoint(ref, ref.kind === "gauge" ? value : BigInt(value), time, "good");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function write(target: BackfillTarget, batch: Point[], result: BackfillResult): Promise<void> {
  if (typeof target === "function") {
    await target(batch);
    return;
  }
  for (let attempt = 0; ; attempt++) {
    const outcome = await target.write(batch);
    if (outcome.kind === "ok") return;
    if (outcome.kind === "partial") {
      result.rejected.push(...outcome.rejected);
      return;
    }
    if (attempt >= 20) throw new Error(`backfill: sink ${target.name} keeps failing: ${outcome.error}`);
    await sleep(Math.min(5000, 100 * 2 ** attempt));
  }
}

/**
 * Writes the line's values at `from` and every change in (from, to] to `target`, step by step (within a step,
 * machine by machine).
 * A function target is awaited per batch (the pipeline's emit: its pending promise is backpressure).
 */
export async function backfill(line: LineSpec, from: number, to: number, target: BackfillTarget, options: BackfillOptions = {}): Promise<BackfillResult> {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < line.epoch || to < from) {
    throw new RangeError(`backfill window (${from}, ${to}] must be whole ms, start at or after the epoch ${line.epoch}, and not run backwards`);
  }
  const batchSize = options.batchSize ?? 5000;
  const stepMs = options.stepMs ?? 3_600_000;
  const result: BackfillResult = { points: 0, rejected: [] };
  const cursors = line.machines.map((m) => new MachineCursor(line, m));
  let batch: Point[] = [];
  const flush = async (modelTime: number) => {
    if (batch.length === 0) return;
    const out = batch;
    batch = [];
    await write(target, out, result);
    result.points += out.length;
    options.onProgress?.({ points: result.points, modelTime });
  };
  for (const c of cursors) {
    c.advance(from);
    const snapshot = c.snapshot();
    for (const signal of machineSignals) batch.push(simulatorPoint(line, c.machine.id, signal, snapshot[signal], from));
  }
  for (let t = from; t < to; ) {
    const next = Math.min(to, t + stepMs);
    for (const c of cursors) {
      for (const change of c.advance(next).changes) {
        batch.push(simulatorPoint(line, change.machine, change.signal, change.value, change.time));
        if (batch.length >= batchSize) await flush(change.time);
      }
    }
    t = next;
  }
  await flush(to);
  return result;
}
