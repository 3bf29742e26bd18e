// What the bench and its load generator process say to each other.
export interface LoadRequest {
  url: string;
  cookie?: string;
}

export interface LoadPhase {
  name: string;
  /** Concurrent clients (keep-alive connections). */
  clients: number;
  /** Mean of the exponential think time between a client's requests; 0: back to back. */
  thinkMs: number;
  /** Issued in this order, by whichever client is free next. */
  requests: LoadRequest[];
  /** Seeds the think times, so runs are comparable. */
  seed: number;
}

export interface PhaseResult {
  name: string;
  n: number;
  errors: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** Requests retried once after a reused keep-alive socket turned out closed. */
  resets: number;
  seconds: number;
  /** Response bytes as received (gzip). */
  bytes: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU the load generator used during the phase (user + system). */
  cpuSeconds: number;
}
