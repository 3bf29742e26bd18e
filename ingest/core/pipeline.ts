// The SourceContext each source gets: validate its points, hand the good ones to the spool, keep the bad
// ones (and the source's own dead letters) with their reasons, and report its connection state.
import type { Logger } from "pino";
import type { IngestMetrics, SourceState } from "./metrics";
import type { Spool } from "./spool";
import type { NewDeadLetter } from "./spool-store";
import type { Ack, DeadLetterEntry, Point, SourceContext } from "./types";
import { validatePoint, type ValidationLimits } from "./validate";

export interface SourceStatus {
  state: SourceState;
  detail?: string;
  since: number;
}

export class Pipeline {
  readonly sourceStates = new Map<string, SourceStatus>();

  constructor(
    private readonly spool: Spool,
    private readonly limits: ValidationLimits,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
  ) {}

  /** Validate and spool points from `source`; resolves once the good ones are durable (then `ack` ran). */
  emit(source: string, points: Point[], ack?: Ack): Promise<void> {
    if (!Array.isArray(points)) {
      this.deadLetter({ source, reason: "invalid_point", detail: "emit() needs an array of points" }, "validation");
      return this.spool.add([], source, ack);
    }
    if (points.length) this.metrics.pointsReceived.inc({ source }, points.length);
    const now = Date.now();
    let good = points;
    for (let i = 0; i < points.length; i++) {
      const rejection = validatePoint(points[i], this.limits, now);
      if (!rejection) {
        if (good !== points) good.push(points[i]);
        continue;
      }
      if (good === points) good = points.slice(0, i);
      this.spool.addDeadLetter({
        time: now,
        source,
        stage: "validation",
        reason: rejection.reason,
        detail: rejection.detail,
        point: safePoint(points[i]),
      });
    }
    return this.spool.add(good, source, ack);
  }

  deadLetter(entry: DeadLetterEntry, stage: NewDeadLetter["stage"] = "source"): void {
    this.spool.addDeadLetter({
      time: Date.now(),
      source: entry.source,
      stage,
      reason: entry.reason,
      detail: entry.detail,
      origin: entry.origin,
      raw: entry.raw,
    });
  }

  setState(source: string, state: SourceState, detail?: string): void {
    const before = this.sourceStates.get(source);
    if (before?.state !== state || before?.detail !== detail) {
      this.sourceStates.set(source, { state, detail, since: before?.state === state ? before.since : Date.now() });
      const log = state === "error" || state === "disconnected" ? "warn" : "info";
      this.logger[log]({ source, state, detail }, "source state");
    }
    this.metrics.setSourceState(source, state);
  }

  /** The SourceContext for one source, bound to its name. */
  contextFor(source: string): SourceContext {
    return {
      emit: (points, ack) => this.emit(source, points, ack),
      deadLetter: (entry) => this.deadLetter({ ...entry, source }),
      setState: (state, detail) => this.setState(source, state, detail),
    };
  }
}

/** A refused point is kept as a dead letter only if it can be encoded; otherwise its description is enough. */
function safePoint(p: Point): Point | undefined {
  if (!p || typeof p !== "object" || typeof p.measurement !== "string" || !p.tags || !p.fields) return undefined;
  const fields: Point["fields"] = {};
  for (const k in p.fields) {
    const v = p.fields[k];
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean" || typeof v === "bigint") fields[k] = v;
  }
  const tags: Record<string, string> = {};
  for (const k in p.tags) tags[k] = String(p.tags[k]);
  return { measurement: p.measurement, tags, fields, time: p.time, quality: p.quality };
}
