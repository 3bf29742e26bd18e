// Stopping an HTTP server without cutting off the people it is serving: no new connections, idle kept-alive
// connections closed at once, requests in flight allowed to finish — but only within a bound, after which
// their connections are closed too (a stuck upload or an endless event stream must not hold a deploy).
import type { Server, ServerResponse } from "node:http";

/** The responses a server has begun and not yet finished. Attach before the server takes requests. */
export class InFlight {
  private readonly open = new Set<ServerResponse>();

  constructor(server: Server) {
    server.on("request", (_req, res: ServerResponse) => {
      this.open.add(res);
      res.once("close", () => this.open.delete(res));
    });
  }

  get count(): number {
    return this.open.size;
  }

  responses(): ServerResponse[] {
    return [...this.open];
  }
}

export interface CloseReport {
  /** Requests still unfinished when the bound ran out (their connections were closed under them). */
  cutOff: number;
}

export function closeGracefully(server: Server, inFlight: InFlight, boundMs: number): Promise<CloseReport> {
  return new Promise((resolve) => {
    // A response that ends while stopping leaves its kept-alive connection idle: close it at once.
    const closeWhenDone = (res: ServerResponse) => res.once("finish", () => setImmediate(() => server.closeIdleConnections()));
    const onRequest = (_req: unknown, res: ServerResponse) => closeWhenDone(res);
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (report: CloseReport) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.off("request", onRequest);
      resolve(report);
    };
    server.on("request", onRequest);
    for (const res of inFlight.responses()) {
      // Not answered yet: the answer will say "Connection: close", so the client opens its next
      // connection to a worker that stays.
      if (!res.headersSent) res.shouldKeepAlive = false;
      closeWhenDone(res);
    }
    timer = setTimeout(() => {
      const cutOff = inFlight.count;
      server.closeAllConnections();
      settle({ cutOff });
    }, boundMs);
    // close() stops accepting and drops idle connections (Node ≥ 19); its callback runs once every
    // connection has ended.
    server.close(() => settle({ cutOff: 0 }));
  });
}
