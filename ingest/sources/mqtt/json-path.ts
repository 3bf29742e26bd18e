// Paths into a JSON payload: `a.b[0].c`, `["key.with dots"].x`, `$` (or empty) for the value itself.

export type PathKey = string | number;

/** Parse a path; throws with the position of the problem (shown under the config key that holds it). */
export function parsePath(path: string): PathKey[] {
  const keys: PathKey[] = [];
  let i = path.startsWith("$") ? 1 : 0;
  if (path.startsWith("$") && path[1] !== undefined && path[1] !== "." && path[1] !== "[") throw new Error(`unexpected "${path[1]}" after $`);
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      if (keys.length === 0 && i === 0) throw new Error("path starts with a dot");
      i++;
      const m = /^[^.[\]]+/.exec(path.slice(i));
      if (!m) throw new Error(`empty key at position ${i}`);
      keys.push(m[0]);
      i += m[0].length;
    } else if (c === "[") {
      const rest = path.slice(i);
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
      if (index) {
        keys.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        keys.push(JSON.parse(quoted[1]) as string);
        i += quoted[0].length;
      } else throw new Error(`expected [number] or ["key"] at position ${i}`);
    } else {
      if (i !== 0) throw new Error(`unexpected "${c}" at position ${i}`);
      const m = /^[^.[\]]+/.exec(path);
      keys.push(m![0]);
      i += m![0].length;
    }
  }
  return keys;
}

export const MISSING = Symbol("missing");

/** The value at `keys`, or MISSING when a step does not exist (null is a value, not missing). */
export function getPath(value: unknown, keys: readonly PathKey[]): unknown {
  let v = value;
  for (const k of keys) {
    if (v === null || typeof v !== "object") return MISSING;
    if (typeof k === "number") {
      if (!Array.isArray(v) || k >= v.length) return MISSING;
      v = v[k];
    } else {
      if (Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, k)) return MISSING;
      v = (v as Record<string, unknown>)[k];
    }
  }
  return v;
}
