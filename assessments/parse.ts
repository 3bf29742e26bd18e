// Turning an untrusted document into a Framework: the zod shape first, then the whole-document checks.
// A bad framework fails with every fault found, each naming its path in the document.
import { crossCheck, type FrameworkIssue } from "./cross-checks";
import { formatPath } from "./paths";
import { frameworkSchema, type Framework } from "./schema";

/** Most issues listed in a message; the full list stays on `issues`. */
const MAX_LISTED = 20;

export class FrameworkError extends Error {
  readonly issues: FrameworkIssue[];
  readonly frameworkId: string | null;

  constructor(issues: FrameworkIssue[], frameworkId: string | null) {
    const listed = issues.slice(0, MAX_LISTED).map((i) => `${i.path}: ${i.message}`);
    if (issues.length > MAX_LISTED) listed.push(`… and ${issues.length - MAX_LISTED} more`);
    const head = frameworkId ? `framework "${frameworkId}"` : "framework";
    super(`${head} is invalid:\n${listed.join("\n")}`);
    this.name = "FrameworkError";
    this.issues = issues;
    this.frameworkId = frameworkId;
  }
}

function idOf(raw: unknown): string | null {
  if (raw !== null && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string")
    return (raw as { id: string }).id;
  return null;
}

/** Validates a framework document; throws FrameworkError naming the path of every fault. */
export function parseFramework(raw: unknown): Framework {
  const parsed = frameworkSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FrameworkError(
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      idOf(raw),
    );
  }
  const issues = crossCheck(parsed.data, raw);
  if (issues.length > 0) throw new FrameworkError(issues, parsed.data.id);
  return parsed.data;
}
