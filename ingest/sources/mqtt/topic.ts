// MQTT topic filters (MQTT 5 §4.7): `+` one level, `#` the rest (last level only), `$share/<group>/<filter>`
// for shared subscriptions. Wildcards at the first level do not match topics starting with `$`.

export interface ParsedFilter {
  /** The filter without its `$share/<group>/` prefix: what a received topic is matched against. */
  filter: string;
  shareGroup?: string;
}

/** Why `filter` is not a valid subscription, or null. */
export function filterProblem(filter: string): string | null {
  if (filter.length === 0) return "empty topic filter";
  if (filter.includes("\u0000")) return "contains a NUL character";
  let f = filter;
  if (f.startsWith("$share/")) {
    const [, group, ...rest] = f.split("/");
    f = rest.join("/");
    if (!group || !f) return "a shared subscription is $share/<group>/<filter>";
    if (/[+#]/.test(group)) return "the share group must not contain + or #";
  }
  const levels = f.split("/");
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.includes("#") && (l !== "#" || i !== levels.length - 1)) return "# must be a whole level and the last one";
    if (l.includes("+") && l !== "+") return "+ must be a whole level";
  }
  return null;
}

export function parseFilter(filter: string): ParsedFilter {
  if (!filter.startsWith("$share/")) return { filter };
  const [, group, ...rest] = filter.split("/");
  return { filter: rest.join("/"), shareGroup: group };
}

export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
