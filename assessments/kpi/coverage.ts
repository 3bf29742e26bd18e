import type { Window } from "./series";

export interface MachineReport {
  machine: string;
  /** Last time any signal of the machine was received with a usable value, if ever. */
  lastSeen: number | null;
}

export interface NetworkedRatio {
  registered: number;
  reporting: number;
  /** reporting / registered, null when nothing is registered. */
  ratio: number | null;
  silent: string[];
}

/**
 * 设备联网率 as measured: machines that reported within the window over machines registered. A machine
 * counts when its last usable report falls inside [from, to).
 */
export function networkedRatio(registered: readonly string[], reports: readonly MachineReport[], window: Window): NetworkedRatio {
  const seen = new Map(reports.map((r) => [r.machine, r.lastSeen]));
  const silent: string[] = [];
  let reporting = 0;
  for (const m of new Set(registered)) {
    const t = seen.get(m);
    if (t !== undefined && t !== null && t >= window.from && t < window.to) reporting++;
    else silent.push(m);
  }
  const n = new Set(registered).size;
  return { registered: n, reporting, ratio: n > 0 ? reporting / n : null, silent };
}

export interface SignalKey {
  machine: string;
  signal: string;
}

export interface DataCoverage {
  expected: number;
  present: number;
  ratio: number | null;
  missing: SignalKey[];
}

/** 数据自动采集覆盖 as measured: expected signals that delivered data in the window over expected signals. */
export function dataCoverage(expected: readonly SignalKey[], present: readonly SignalKey[]): DataCoverage {
  const key = (k: SignalKey) => `${k.machine}\u0000${k.signal}`;
  const have = new Set(present.map(key));
  const unique = new Map(expected.map((k) => [key(k), k]));
  const missing = [...unique.values()].filter((k) => !have.has(key(k)));
  const n = unique.size;
  return { expected: n, present: n - missing.length, ratio: n > 0 ? (n - missing.length) / n : null, missing };
}
