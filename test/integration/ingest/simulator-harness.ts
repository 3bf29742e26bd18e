// Shared pieces of the OPC UA, Sparkplug and simulator tests: a SourceContext that keeps what a source hands
// over (and can hold acknowledgements back, like a full spool), a real registry, a quiet logger, temp dirs.
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { createRegistry, registrySchema } from "../../../ingest/core/registry";
import type { Ack, DeadLetterEntry, PluginDeps, Point, SourceContext } from "../../../ingest/core/types";

export class CollectingContext implements SourceContext {
  readonly points: Point[] = [];
  readonly deadLetters: DeadLetterEntry[] = [];
  readonly states: Array<{ state: string; detail?: string }> = [];
  /** emit() calls, with their size. */
  readonly emits: number[] = [];
  private held: Array<() => void> = [];
  /** While true, emit() promises stay pending (a spool over its budget). */
  holding = false;

  emit(points: Point[], ack?: Ack): Promise<void> {
    this.points.push(...points);
    this.emits.push(points.length);
    if (this.holding) {
      return new Promise((resolve) =>
        this.held.push(() => {
          ack?.();
          resolve();
        }),
      );
    }
    ack?.();
    return Promise.resolve();
  }

  deadLetter(entry: DeadLetterEntry): void {
    this.deadLetters.push(entry);
  }

  setState(state: "connecting" | "connected" | "disconnected" | "error", detail?: string): void {
    this.states.push({ state, detail });
  }

  get state(): string | undefined {
    return this.states.at(-1)?.state;
  }

  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const r of held) r();
  }

  /** Points of one signal (machine/signal tags), in arrival order. */
  of(machine: string, signal: string): Point[] {
    return this.points.filter((p) => p.tags.machine === machine && p.tags.signal === signal);
  }
}

/** Polls until `check` returns true; throws with `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `zhiping-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const quietLogger = pino({ level: process.env.ZP_TEST_LOG ?? "silent" });

/** What the ingest service gives a source: its own data dir below `dir` (as the service does), `dir` as config dir. */
export function depsWith(registryConfig: unknown, dir: string, name = "test-source"): PluginDeps {
  return { registry: createRegistry(registrySchema.parse(registryConfig)), logger: quietLogger, dataDir: path.join(dir, name), name, configDir: dir };
}

/**
 * A TCP relay between a client and a server whose connections can be cut, to break the network without
 * stopping either side.
 */
export interface Relay {
  port: number;
  /** Close every relayed connection (the peers see a reset). */
  cut: () => void;
  /** Stop forwarding on the open connections without closing them: a cable pulled, no FIN, no RST. */
  blackhole: () => void;
  close: () => Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(targetPort, "127.0.0.1");
    sockets.add(inbound).add(outbound);
    pairs.add([inbound, outbound]);
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on("error", drop).on("close", drop);
    outbound.on("error", drop).on("close", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    blackhole: () => {
      for (const [a, b] of pairs) {
        a.unpipe(b);
        b.unpipe(a);
        a.on("data", () => {});
        b.on("data", () => {});
      }
      pairs.clear();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
