// The bench's side of load generation: forks the generator (bench/load/generator.ts) once, hands it one
// phase at a time, and measures the CPU the server under test used during each phase — the primary and
// every worker, read from /proc like bench/ingest — next to the generator's own.
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cpuSeconds } from "../ingest/proc";
import type { LoadPhase, PhaseResult } from "./protocol";

export interface MeasuredPhase extends PhaseResult {
  /** CPU seconds the server (primary + workers) used during the phase. */
  serverCpuSeconds: number;
}

/** The process and its children (the server's workers). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    /* gone, or a kernel without the children file: the primary alone */
  }
  return [pid, ...children];
}

function treeCpu(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuSeconds(pid) || 0), 0);
}

export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadGenerator {
    const child = fork(fileURLToPath(new URL("./generator.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new LoadGenerator(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Runs one phase against the server whose primary is `serverPid`. */
  run(phase: LoadPhase, serverPid: number): Promise<MeasuredPhase> {
    const pids = processTree(serverPid);
    const before = treeCpu(pids);
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code}) during ${phase.name}`));
      this.child.once("exit", onExit);
      this.child.once("message", (message: { ok: true; result: PhaseResult } | { ok: false; error: string }) => {
        this.child.off("exit", onExit);
        if (!message.ok) return reject(new Error(`load generator, ${phase.name}: ${message.error}`));
        resolve({ ...message.result, serverCpuSeconds: treeCpu(pids) - before });
      });
      this.child.send(phase);
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}
