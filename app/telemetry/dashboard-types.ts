// The live line view's data, as loaders return it and the stream sends it: plain JSON, built on the server
// from the KPI service (dashboard.server.ts) and drawn by the Dashboard components. Types only, so the
// browser bundle takes nothing else from the server modules.
import type { SourceStatus } from "./ingest-status.server";

export type StateClassName = "running" | "stopped" | "planned" | "unknown";

export interface OeeFigures {
  /** Ratios 0–1 (performance may exceed 1: a loose ideal cycle time is reported, not clamped); null when undefined. */
  oee: number | null;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  /** Planned busy time and actual production time, ms; produced and good quantity. */
  pbt: number;
  apt: number;
  pq: number;
  gq: number;
}

export interface PeriodFigures extends OeeFigures {
  /** `2025-03-03/night`, `2025-03-03` or `window`. */
  id: string;
  kind: "shift" | "day" | "window";
  shift: string | null;
  date: string | null;
  from: number;
  to: number;
  /** The window cut the period short (the current shift is still running). */
  partial: boolean;
  provenance: {
    /** Time without a known state (left out of PBT), ms. */
    unknownTime: number;
    machinesWithGaps: string[];
    resets: number;
    wraps: number;
    /** Machines whose part counters had no reading before the period: counts may be short. */
    countsIncomplete: string[];
    notes: string[];
  };
}

export interface MachineRow {
  key: string;
  name: string;
  /** The machine's figures for the current shift (or today without shifts). */
  current: OeeFigures | null;
  lastSeen: number | null;
  /** Share of the period with live data (heartbeat buckets). */
  live: number | null;
  missingSignals: string[];
  /** Not in the KPIs: what its registration lacks. */
  notInKpis: string[] | null;
}

export interface TimelineRow {
  machine: string;
  intervals: Array<{ from: number; to: number; cls: StateClassName; state: number | null }>;
}

export interface LastValue {
  machine: string;
  signal: string;
  kind: string;
  unit: string | null;
  value: number | null;
  quality: string | null;
  time: number | null;
}

export type DashboardProblem = "notConfigured" | "unavailable" | "noEnterprise" | "noMachines" | "kpiConfig" | "readFailed";

export interface DashboardSnapshot {
  line: { id: string; key: string; name: string; timeZone: string };
  /** When the figures were computed (epoch ms). */
  at: number;
  store: string | null;
  problem: { key: DashboardProblem; detail: string } | null;
  shift: PeriodFigures | null;
  today: PeriodFigures | null;
  machines: MachineRow[];
  timeline: { from: number; to: number; rows: TimelineRow[] };
  /** Per shift (or per day without shifts) over the last 7 days, oldest first. */
  trend: PeriodFigures[];
  lastValues: LastValue[];
  sources: SourceStatus[];
  /** Seconds between live updates. */
  refreshS: number;
}
