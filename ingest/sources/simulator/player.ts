// Plays the pure line model against the wall clock: the OPC UA server and the Sparkplug edge receive the
// model's changes as they fall due. The player adds nothing of its own — every value and every timestamp
// comes from the model, so what a subscriber receives can be recomputed from the spec.
import { MachineCursor, type MachineSnapshot, type SignalChange } from "./model";
import type { LineSpec } from "./spec";

export interface PlayOptions {
  /** Model time to start from (≥ the line's epoch). Default: the epoch. */
  from?: number;
  /** Model time to stop at (inclusive). Default: never. */
  to?: number;
  /** Model milliseconds per wall millisecond. Default 1 (real time). */
  speed?: number;
  /**
   * How often the model is advanced, wall ms. Default: a quarter of a sample interval at this speed,
   * capped at 100 ms — so one signal changes at most once per tick and a server that folds changes
   * arriving in one instant never folds two of ours.
   */
  tickMs?: number;
}

export type ChangeListener = (changes: SignalChange[], modelTime: number) => void;

export class LinePlayer {
  readonly from: number;
  readonly to: number;
  readonly speed: number;
  private readonly tickMs: number;
  private readonly cursors: MachineCursor[];
  private timer: NodeJS.Timeout | undefined;
  private wallStart = 0;
  private finish!: () => void;
  /** Resolves once model time `to` has been played (never for an endless play) or the player is stopped. */
  readonly done: Promise<void>;

  constructor(
    readonly line: LineSpec,
    private readonly onChanges: ChangeListener,
    options: PlayOptions = {},
  ) {
    this.from = options.from ?? line.epoch;
    this.to = options.to ?? Number.POSITIVE_INFINITY;
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new RangeError(`speed must be a positive number, got ${options.speed}`);
    if (!Number.isInteger(this.from) || this.from < line.epoch) throw new RangeError(`from must be whole ms at or after the epoch ${line.epoch}`);
    if (this.to < this.from) throw new RangeError(`to (${this.to}) is before from (${this.from})`);
    const quarterSample = (line.sampleIntervalS * 1000) / this.speed / 4;
    this.tickMs = options.tickMs ?? Math.max(5, Math.min(100, Math.floor(quarterSample)));
    this.cursors = line.machines.map((m) => new MachineCursor(line, m));
    for (const c of this.cursors) c.advance(this.from);
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Values in effect at the model time the player stands at, per machine. */
  snapshot(): Record<string, MachineSnapshot> {
    return Object.fromEntries(this.cursors.map((c) => [c.machine.id, c.snapshot()]));
  }

  /** The model time the player has reached. */
  get modelTime(): number {
    return this.cursors[0].time;
  }

  start(): void {
    if (this.timer) return;
    this.wallStart = Date.now();
    this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.finish();
  }

  private tick(): void {
    const due = Math.min(this.to, this.from + Math.floor((Date.now() - this.wallStart) * this.speed));
    if (due > this.modelTime) {
      const changes: SignalChange[] = [];
      for (const c of this.cursors) changes.push(...c.advance(due).changes);
      changes.sort((a, b) => a.time - b.time);
      if (changes.length > 0) this.onChanges(changes, due);
    }
    if (due >= this.to) this.stop();
  }
}
