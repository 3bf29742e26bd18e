// The HTTP load generator, run as its own process (bench/load/client.ts forks it) so the bench's
// orchestration never shares an event loop with the clients whose latency it measures, and so its CPU is
// counted apart from the server's. It receives one phase at a time over IPC — the requests to issue, in
// order, the number of concurrent clients and the mean think time — and answers with the latencies and the
// CPU it used.
import http from "node:http";
import { prng } from "../../scripts/cli/demo-answers";
import type { LoadPhase, PhaseResult } from "./protocol";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runPhase(phase: LoadPhase): Promise<PhaseResult> {
  // Idle keep-alive sockets are dropped before the server's own 5 s keep-alive timeout would close them
  // under a request (which shows up as ECONNRESET on reuse).
  const agent = new http.Agent({ keepAlive: true, maxSockets: phase.clients, timeout: 4_000 });
  let resets = 0;
  const once = (url: string, cookie?: string) =>
    new Promise<{ status: number; ms: number; bytes: number }>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get(url, { agent, headers: { "accept-encoding": "gzip", ...(cookie ? { cookie } : {}) } }, (res) => {
        let bytes = 0;
        res.on("data", (d: Buffer) => (bytes += d.length));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, bytes }));
      });
      req.on("error", reject);
    });
  /** A GET; one retry when a reused keep-alive socket turns out closed (counted, reported). */
  const get = async (url: string, cookie?: string) => {
    try {
      return await once(url, cookie);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") throw error;
      resets++;
      return once(url, cookie);
    }
  };

  const times: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let issued = 0;
  const think = prng(phase.seed);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: phase.clients }, async (_, client) => {
      // Users do not arrive in lockstep.
      if (phase.thinkMs > 0) await sleep((client / phase.clients) * phase.thinkMs);
      while (issued < phase.requests.length) {
        const { url, cookie } = phase.requests[issued++];
        const r = await get(url, cookie);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status !== 200) errors++;
        bytes += r.bytes;
        times.push(r.ms);
        if (phase.thinkMs > 0) await sleep(-Math.log(1 - think()) * phase.thinkMs);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return {
    name: phase.name, n: times.length, errors, statuses, resets, seconds, bytes,
    rps: times.length / seconds, p50: q(0.5), p95: q(0.95), p99: q(0.99),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

process.on("message", (phase: LoadPhase) => {
  runPhase(phase).then(
    (result) => process.send!({ ok: true, result }),
    (error: Error) => process.send!({ ok: false, error: error.stack ?? error.message }),
  );
});
// The bench's process went away: so does the generator.
process.on("disconnect", () => process.exit(0));
