// node-opcua writes its own warnings and errors with console.log — on stdout, in its own format, where they
// would interleave with the ingest's JSON log (and clutter the demo's console). Route them into the logger of
// the plugin that uses the library, as structured entries. The library's loggers are process-wide, so the
// first plugin to ask wins; messages emitted before that (node-opcua checks RSA PKCS#1 v1.5 support while it
// loads) are kept, a bounded few, and handed to that logger.
import { format } from "node:util";
import { setErrorLogger, setWarningLogger } from "node-opcua";
import type { Logger } from "pino";

type Level = "warn" | "error";
interface Entry {
  level: Level;
  at: string | undefined;
  msg: string;
}

const EARLY_LIMIT = 50;
const early: Entry[] = [];
let target: Logger | null = null;

function emit(entry: Entry): void {
  if (target) target[entry.level]({ library: "node-opcua", at: entry.at }, entry.msg);
  else if (early.length < EARLY_LIMIT) early.push(entry);
}

const sink = (level: Level) => (data?: unknown, ...args: unknown[]) => {
  // node-opcua passes its caller's place first, then the message parts.
  const context = data as { filename?: string; callerline?: number } | undefined;
  emit({ level, at: context?.filename ? `${context.filename}:${context.callerline ?? "?"}` : undefined, msg: format(...args).trim() });
};

setWarningLogger(sink("warn"));
setErrorLogger(sink("error"));

/** Send node-opcua's warnings and errors to `logger` (the first call decides; later calls are no-ops). */
export function routeNodeOpcuaLogs(logger: Logger): void {
  if (target) return;
  target = logger.child({ component: "node-opcua" });
  for (const entry of early.splice(0)) emit(entry);
}
