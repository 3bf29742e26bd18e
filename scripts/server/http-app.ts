// The web app as one worker serves it: Express with compression, the client assets, and Remix for every
// other path. Loaders see the client's address as `context.clientAddress` (the per-IP login limit needs it).
import { resolve } from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type ErrorRequestHandler, type Request } from "express";

export interface HttpAppOptions {
  /** The project folder: `public/` and the build's asset folder are resolved against it. */
  root: string;
  /** Proxies in front of the server whose X-Forwarded-* headers are believed (0: none). */
  trustProxy: number;
  /** True once the worker is stopping: responses then close their connection. */
  stopping: () => boolean;
}

/** What the app's loaders and actions receive as `context`. */
export type LoadContext = { clientAddress: string | null };

/** "::ffff:203.0.113.9" and "203.0.113.9" are one client: the login limit must count them in one bucket. */
export function plainAddress(address: string | undefined): string | null {
  if (!address) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/**
 * Express's `req.ip`: the socket's peer, or with `trust proxy` set to the hop count the entry the outermost
 * trusted proxy appended to X-Forwarded-For — the same rule as the app's own `clientAddress()`.
 */
export function loadContext(req: Request): LoadContext {
  return { clientAddress: plainAddress(req.ip) };
}

function isEventStream(type: unknown): boolean {
  return /^text\/event-stream/i.test(String(type ?? ""));
}

export function createHttpApp(build: ServerBuild, options: HttpAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  if (options.trustProxy > 0) app.set("trust proxy", options.trustProxy);
  app.use((_req, res, next) => {
    // A request that arrives on a kept-alive connection while the worker stops is answered, and the
    // connection then closed, so the client's next request goes to a worker that stays.
    if (options.stopping()) res.setHeader("Connection", "close");
    next();
  });
  app.use(
    compression({
      // Server-sent events go out as they happen: gzip would hold them back until its buffer fills.
      filter: (req, res) => !isEventStream(res.getHeader("Content-Type")) && compression.filter(req, res),
    }),
  );
  // File names under /build/ carry a content hash: a changed file is a new URL, so browsers keep them a year.
  app.use(build.publicPath, express.static(resolve(options.root, build.assetsBuildDirectory), { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(resolve(options.root, "public"), { maxAge: "1h", index: false }));
  app.all("*", createRequestHandler({ build, mode: "production", getLoadContext: loadContext }));
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    console.error(`[web] ${req.method} ${req.originalUrl}:`, error);
    if (res.headersSent) return void res.destroy();
    res.status(500).type("text/plain").send("Internal Server Error");
  };
  app.use(onError);
  return app;
}
