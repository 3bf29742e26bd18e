// Entry of a web worker process (the primary forks it through node:cluster). The server build is imported
// before tsx is registered, so Node loads the built app as the build made it (under tsx's loader the same
// import took twice as long, ~1 s, at every worker start); then the worker's own TypeScript runs through tsx.
import { register } from "tsx/esm/api";

process.env.NODE_ENV ??= "production";
const build = await import(new URL("../../build/index.js", import.meta.url).href);
register();
const { runWorkerFromEnv } = await import("./worker.ts");
await runWorkerFromEnv(build);
