// The ingest's Prometheus metrics (prom-client), one registry per running ingest so tests can run several.
// Names and labels are documented in ingest/README.md; keep the two in step.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export const SOURCE_STATES = ["connecting", "connected", "disconnected", "error"] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

export class IngestMetrics {
  readonly registry = new Registry();
  readonly pointsReceived = new Counter({
    name: "zhiping_ingest_points_received_total",
    help: "Points handed to the pipeline by a source, before validation.",
    labelNames: ["source"],
    registers: [this.registry],
  });
  readonly pointsSpooled = new Counter({
    name: "zhiping_ingest_points_spooled_total",
    help: "Points that passed validation and are durable in the spool (points in).",
    labelNames: ["source"],
    registers: [this.registry],
  });
  readonly pointsWritten = new Counter({
    name: "zhiping_ingest_points_written_total",
    help: "Points a sink has written (points out).",
    labelNames: ["sink"],
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: "zhiping_ingest_dead_letters_total",
    help: "Dead letters recorded by this process, by where they come from and why.",
    labelNames: ["source", "stage", "reason"],
    registers: [this.registry],
  });
  readonly batchDuration = new Histogram({
    name: "zhiping_ingest_batch_duration_seconds",
    help: "Time for one sink write of a batch (one attempt, including bisecting a partial write).",
    labelNames: ["sink"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly deliveryDelay = new Histogram({
    name: "zhiping_ingest_delivery_delay_seconds",
    help: "Time from a point's group commit into the spool to its successful write by a sink.",
    labelNames: ["sink"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly commitDuration = new Histogram({
    name: "zhiping_ingest_spool_commit_duration_seconds",
    help: "Time for one group commit into the spool (encode + transaction + fsync).",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly commitGroupSize = new Histogram({
    name: "zhiping_ingest_spool_commit_emits",
    help: "Emits (messages) made durable by one group commit.",
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000],
    registers: [this.registry],
  });
  readonly spoolPoints = new Gauge({ name: "zhiping_ingest_spool_points", help: "Points in the spool not yet written by every sink.", registers: [this.registry] });
  readonly spoolBytes = new Gauge({ name: "zhiping_ingest_spool_bytes", help: "Bytes of points waiting in the spool.", registers: [this.registry] });
  readonly deadLetterBytes = new Gauge({ name: "zhiping_ingest_dead_letter_bytes", help: "Bytes kept in the dead-letter store.", registers: [this.registry] });
  readonly deadLettersStored = new Gauge({ name: "zhiping_ingest_dead_letters_stored", help: "Dead letters kept in the store (all processes, all time until purged).", registers: [this.registry] });
  readonly spoolBudget = new Gauge({ name: "zhiping_ingest_spool_budget_bytes", help: "Disk budget for spool plus dead letters.", registers: [this.registry] });
  readonly sinkLag = new Gauge({ name: "zhiping_ingest_sink_pending_points", help: "Points in the spool a sink has not written yet.", labelNames: ["sink"], registers: [this.registry] });
  readonly backpressure = new Gauge({
    name: "zhiping_ingest_backpressure",
    help: "1 while the spool is over its disk budget: sources are not acknowledged.",
    registers: [this.registry],
  });
  readonly alarm = new Gauge({
    name: "zhiping_ingest_alarm",
    help: "1 while a condition needs an operator: spool_full, spool_write_failed, or a sink's unauthorized / database_missing…",
    labelNames: ["component", "alarm"],
    registers: [this.registry],
  });
  readonly sourceState = new Gauge({
    name: "zhiping_ingest_source_state",
    help: "1 for a source's current connection state.",
    labelNames: ["source", "state"],
    registers: [this.registry],
  });
  readonly sinkRetries = new Counter({
    name: "zhiping_ingest_sink_retries_total",
    help: "Batch writes a sink will retry (5xx, network, auth…), by reason.",
    labelNames: ["sink", "reason"],
    registers: [this.registry],
  });
  readonly sinkUp = new Gauge({ name: "zhiping_ingest_sink_up", help: "1 when a sink's last write succeeded.", labelNames: ["sink"], registers: [this.registry] });

  setSourceState(source: string, state: SourceState): void {
    for (const s of SOURCE_STATES) this.sourceState.set({ source, state: s }, s === state ? 1 : 0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
