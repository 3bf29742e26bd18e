// Config errors that name the key path (`sources[1].subscriptions[0].topic: …`) and carry no stack trace:
// an operator fixing ingest.yaml needs the place and the reason, not our call stack.
import type { z } from "zod";

export type KeyPath = ReadonlyArray<PropertyKey>;

/** `["sources", 1, "topics", 0]` → `sources[1].topics[0]`. */
export function formatPath(path: KeyPath): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(top level)";
}

export interface ConfigIssue {
  path: KeyPath;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], file?: string) {
    const lines = issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`);
    super(`${file ? `${file}: ` : ""}invalid configuration\n${lines.join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Zod issues as config issues under `prefix`; an unknown key becomes its own path ("typo.key: unknown key"). */
export function zodIssues(error: z.ZodError, prefix: KeyPath = []): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: [...prefix, ...issue.path, key], message: "unknown key" });
    } else if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch that got furthest rather than zod's generic "invalid input".
      const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      for (const sub of best) out.push({ path: [...prefix, ...issue.path, ...sub.path], message: sub.message });
    } else {
      out.push({ path: [...prefix, ...issue.path], message: issue.message });
    }
  }
  return out;
}

function depth(issues: ReadonlyArray<{ path: PropertyKey[] }>): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

/** Parse with a schema or throw a ConfigError naming the paths. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, prefix: KeyPath = [], file?: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(zodIssues(result.error, prefix), file);
  return result.data;
}
