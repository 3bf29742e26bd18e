// The primary process: forks the workers, replaces one that dies (within a restart budget), and on
// SIGTERM/SIGINT stops them gracefully and exits once they are gone. It serves no request itself.
import cluster, { type Worker } from "node:cluster";
import type { ServerConfig } from "./config";
import { SHUTDOWN_MESSAGE } from "./messages";
import { RestartBudget } from "./restart-budget";

/** Extra time the primary allows a stopping worker beyond its own bound before it kills it. */
const KILL_AFTER_BOUND_MS = 2_000;

export function runPrimary(config: ServerConfig, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const budget = new RestartBudget(config.maxRestarts, config.restartWindowMs);
  let stopping = false;
  let exitCode = 0;
  let announced = false;
  const listening = new Set<number>();

  const fork = () => {
    const worker = cluster.fork();
    worker.once("listening", () => {
      log(`[web] worker ${worker.process.pid} listening`);
      listening.add(worker.id);
      if (!announced && listening.size >= config.workers) {
        announced = true;
        log(`[web] serving on http://${config.host}:${config.port} with ${config.workers} worker${config.workers === 1 ? "" : "s"}`);
      }
    });
    return worker;
  };

  return new Promise<number>((resolve) => {
    let killTimer: NodeJS.Timeout | undefined;
    const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const finishIfDone = () => {
      if (stopping && live().length === 0) {
        clearTimeout(killTimer);
        resolve(exitCode);
      }
    };
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      for (const w of live()) if (w.isConnected()) w.send(SHUTDOWN_MESSAGE);
      killTimer = setTimeout(() => {
        for (const w of live()) {
          log(`[web] worker ${w.process.pid} did not stop within ${config.shutdownMs + KILL_AFTER_BOUND_MS} ms: killed`);
          w.process.kill("SIGKILL");
        }
      }, config.shutdownMs + KILL_AFTER_BOUND_MS);
      finishIfDone();
    };

    cluster.on("exit", (worker, code, signal) => {
      listening.delete(worker.id);
      if (stopping) return finishIfDone();
      const how = signal ?? `code ${code}`;
      const now = Date.now();
      if (budget.allow(now)) {
        log(`[web] worker ${worker.process.pid} exited (${how}); starting a replacement (${budget.used(now)} of ${config.maxRestarts} within ${config.restartWindowMs / 1000} s)`);
        fork();
      } else {
        log(`[web] worker ${worker.process.pid} exited (${how}); ${config.maxRestarts} replacements within ${config.restartWindowMs / 1000} s already: stopping the server`);
        stop(1);
      }
    });
    process.once("SIGTERM", () => stop(0));
    process.once("SIGINT", () => stop(0));
    for (let i = 0; i < config.workers; i++) fork();
  });
}
