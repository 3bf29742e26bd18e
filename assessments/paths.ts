// Paths into a framework document, as error messages and `unverified` entries write them:
// `questions[12].bands[2].upTo`, `scoring.levelRules[level=3].minConstrained`, `questions[id=foo].bands`.

/** Formats a zod-style path (keys and indexes) as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

type Segment = { key: string } | { index: number } | { field: string; equals: string };

function parseSegments(path: string): Segment[] | null {
  const segments: Segment[] = [];
  const re = /([A-Za-z_$][\w$]*)|\[(\d+)\]|\[([A-Za-z_$][\w$]*)=([^\]]+)\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < path.length) {
    m = re.exec(path);
    if (!m) return null;
    if (m[1] !== undefined) {
      if (!expectKey) return null;
      segments.push({ key: m[1] });
      expectKey = false;
    } else if (m[2] !== undefined) {
      segments.push({ index: Number(m[2]) });
      expectKey = false;
    } else if (m[3] !== undefined) {
      segments.push({ field: m[3], equals: m[4] });
      expectKey = false;
    } else {
      if (expectKey) return null;
      expectKey = true;
    }
  }
  return segments.length > 0 && !expectKey ? segments : null;
}

/** Whether `path` names something that exists in `doc` (used to check `unverified` entries). */
export function pathExists(doc: unknown, path: string): boolean {
  const segments = parseSegments(path);
  if (!segments) return false;
  let here: unknown = doc;
  for (const s of segments) {
    if ("key" in s) {
      if (here === null || typeof here !== "object" || Array.isArray(here) || !(s.key in here)) return false;
      here = (here as Record<string, unknown>)[s.key];
    } else if ("index" in s) {
      if (!Array.isArray(here) || s.index >= here.length) return false;
      here = here[s.index];
    } else {
      if (!Array.isArray(here)) return false;
      here = here.find(
        (item) => item !== null && typeof item === "object" && String((item as Record<string, unknown>)[s.field]) === s.equals,
      );
      if (here === undefined) return false;
    }
  }
  return true;
}
