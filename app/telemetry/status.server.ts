// Connection state and last data time of an organisation's registered lines: when each machine and signal
// last delivered a usable reading (from the telemetry reader), and the state of the ingest sources each line
// names (from the ingest's /healthz). Either part may be unknown; the page says which and why.
import type { SignalSeen } from "../../ingest/telemetry";
import { ingestStatus, statesOf, type SourceStatus } from "./ingest-status.server";
import type { StoredLine } from "./lines.server";
import { telemetryReader } from "./reader.server";

/** How far back "last data" looks: older readings show as "never" within this span. */
export const LAST_DATA_SPAN_MS = 30 * 24 * 3_600_000;

export interface LineStatus {
  lineId: string;
  /** machine key → its last reading (epoch ms) or null. */
  machines: Record<string, number | null>;
  /** `machine/signal` → last reading or null. */
  signals: Record<string, number | null>;
  sources: SourceStatus[];
}

export interface RegistrationStatus {
  lines: LineStatus[];
  /** Why last data times are unknown (no store, store unreadable), or null. */
  readerProblem: string | null;
  /** Whether an ingest status address is configured, and the problem reaching it. */
  ingest: { configured: boolean; problem: string | null };
}

export async function registrationStatus(enterpriseKey: string | null, lines: readonly StoredLine[], now = Date.now()): Promise<RegistrationStatus> {
  const statusPromise = ingestStatus();
  const ingest = statusPromise ? await statusPromise : null;
  const state = telemetryReader();
  let readerProblem: string | null = state.reader ? null : state.detail;
  const seen = new Map<string, SignalSeen[]>();
  if (state.reader && enterpriseKey) {
    try {
      // One query per line; a minute ahead of the clock for gateways whose clocks run a little fast.
      const window = { from: now - LAST_DATA_SPAN_MS, to: now + 60_000 };
      for (const line of lines) seen.set(line.id, await state.reader.lastSeen({ enterprise: enterpriseKey, line: line.lineKey }, window, 0));
    } catch (err) {
      readerProblem = (err as Error).message;
    }
  }
  return {
    lines: lines.map((line) => {
      const list = seen.get(line.id) ?? [];
      const machines: Record<string, number | null> = {};
      const signals: Record<string, number | null> = {};
      for (const m of line.machines) {
        machines[m.machineKey] = null;
        for (const s of m.signals) signals[`${m.machineKey}/${s.signalKey}`] = null;
      }
      for (const s of list) {
        const key = `${s.machine}/${s.signal}`;
        // Only registered signals of the same kind: an unregistered series says nothing about the registration.
        const registered = line.machines.find((m) => m.machineKey === s.machine)?.signals.find((x) => x.signalKey === s.signal && x.kind === s.kind);
        if (!registered) continue;
        signals[key] = Math.max(signals[key] ?? -Infinity, s.lastSeen);
        machines[s.machine] = Math.max(machines[s.machine] ?? -Infinity, s.lastSeen);
      }
      return { lineId: line.id, machines, signals, sources: statesOf(line.sources, ingest) };
    }),
    readerProblem,
    ingest: { configured: statusPromise !== null, problem: ingest && !ingest.reachable ? ingest.problem : null },
  };
}
