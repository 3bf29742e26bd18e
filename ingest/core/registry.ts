// The signal registry: every value a source reads maps to enterprise / line / machine / signal and a kind.
// Explicit entries (the plant tree in ingest.yaml) win; convention rules cover large plants whose addresses
// follow a naming scheme (Sparkplug group/edge node/device/metric, MQTT topic levels) so nobody has to
// write an entry per signal. What neither covers is unregistered: the caller dead-letters it.
import { z } from "zod";
import { ConfigError, formatPath, type ConfigIssue } from "./config-errors";
import { nameProblem } from "./names";
import type { Registry, ResolveHint, SignalKind, SignalRef } from "./types";

export const SIGNAL_KINDS = ["gauge", "counter", "state", "flag", "text"] as const satisfies readonly SignalKind[];

/** Tag values are short: they are series identity, not data. */
export const MAX_TAG_VALUE_BYTES = 256;

const tagValue = z.string().superRefine((s, ctx) => {
  const problem = nameProblem(s, MAX_TAG_VALUE_BYTES, "value");
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const addressList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const signalSchema = z.strictObject({
  id: tagValue,
  kind: z.enum(SIGNAL_KINDS),
  unit: z.string().min(1).optional(),
  name: z.string().optional(),
  /** source type → address (or several), e.g. `opcua: "ns=2;s=Line1.M1.Temperature"`. */
  addresses: z.record(z.string().min(1), addressList).optional(),
});
const machineSchema = z.strictObject({
  id: tagValue,
  name: z.string().optional(),
  signals: z.array(signalSchema).default([]),
});
const lineSchema = z.strictObject({
  id: tagValue,
  name: z.string().optional(),
  machines: z.array(machineSchema).default([]),
});
const enterpriseSchema = z.strictObject({
  id: tagValue,
  name: z.string().optional(),
  lines: z.array(lineSchema).default([]),
});

const template = z.string().min(1);
const conventionSchema = z.strictObject({
  /** The source type the rule applies to. */
  source: z.string().min(1),
  /**
   * Pattern over the address: `{name}` captures one segment (no `/` or `#`), `{name...}` one or more
   * segments, `*` matches one segment, `**` any text up to `#`. A pattern without `#` matches the part of an
   * MQTT address before `#` (the topic). Omit it to use only the parts the source passes.
   */
  match: z.string().min(1).optional(),
  enterprise: template.default("{enterprise}"),
  line: template.default("{line}"),
  machine: template.default("{machine}"),
  signal: template.default("{signal}"),
  /** Fixed kind; without it the source's hint decides (Sparkplug datatype, JSON mapping type). */
  kind: z.enum(SIGNAL_KINDS).optional(),
  unit: z.string().min(1).optional(),
});

export const registrySchema = z.strictObject({
  enterprises: z.array(enterpriseSchema).default([]),
  conventions: z.array(conventionSchema).default([]),
});

export type RegistryConfig = z.infer<typeof registrySchema>;
export type ConventionRule = z.infer<typeof conventionSchema>;

/** A registered signal with where it sits in the tree (for listings and the web app). */
export interface RegisteredSignal extends SignalRef {
  addresses: Record<string, string[]>;
}

interface CompiledRule {
  rule: ConventionRule;
  regex: RegExp | null;
  captures: string[];
  topicOnly: boolean;
  templates: Record<"enterprise" | "line" | "machine" | "signal", Array<string | { v: string }>>;
}

const PLACEHOLDER = /\{([A-Za-z_][\w]*)(\.\.\.)?\}/g;

/** Compile a `match` pattern; throws a message for the caller to attach to a key path. */
export function compilePattern(pattern: string): { regex: RegExp; captures: string[] } {
  const captures: string[] = [];
  let source = "";
  let i = 0;
  while (i < pattern.length) {
    const rest = pattern.slice(i);
    const ph = /^\{([A-Za-z_]\w*)(\.\.\.)?\}/.exec(rest);
    if (ph) {
      if (captures.includes(ph[1])) throw new Error(`placeholder {${ph[1]}} appears twice`);
      captures.push(ph[1]);
      source += ph[2] ? "([^#]+?)" : "([^/#]+)";
      i += ph[0].length;
    } else if (rest.startsWith("**")) {
      source += "[^#]*?";
      i += 2;
    } else if (rest[0] === "*") {
      source += "[^/#]+";
      i += 1;
    } else if (rest[0] === "{" || rest[0] === "}") {
      throw new Error(`unbalanced or invalid placeholder at "${rest.slice(0, 12)}"`);
    } else {
      source += rest[0].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      i += 1;
    }
  }
  return { regex: new RegExp(`^${source}$`), captures };
}

function compileTemplate(t: string): Array<string | { v: string }> {
  const out: Array<string | { v: string }> = [];
  let last = 0;
  for (const m of t.matchAll(PLACEHOLDER)) {
    if (m.index! > last) out.push(t.slice(last, m.index));
    out.push({ v: m[1] });
    last = m.index! + m[0].length;
  }
  if (last < t.length) out.push(t.slice(last));
  return out;
}

function fill(parts: Array<string | { v: string }>, vars: Record<string, string | undefined>): string | undefined {
  let out = "";
  for (const p of parts) {
    if (typeof p === "string") out += p;
    else {
      const v = vars[p.v];
      if (v === undefined || v === "") return undefined;
      out += v;
    }
  }
  return out;
}

/** Convention results are cached; a flood of distinct unregistered addresses must not grow memory forever. */
const CACHE_LIMIT = 100_000;

export class ConfiguredRegistry implements Registry {
  private readonly explicit = new Map<string, Map<string, SignalRef>>();
  private readonly rules: CompiledRule[] = [];
  private readonly cache = new Map<string, SignalRef | null>();
  readonly signals: RegisteredSignal[] = [];

  constructor(config: RegistryConfig, pathPrefix: PropertyKey[] = ["registry"]) {
    const issues: ConfigIssue[] = [];
    const seen = new Map<string, string>();
    const sibling = (ids: string[], path: PropertyKey[], what: string) => {
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup !== undefined) issues.push({ path, message: `duplicate ${what} id "${dup}"` });
    };
    sibling(config.enterprises.map((e) => e.id), [...pathPrefix, "enterprises"], "enterprise");
    config.enterprises.forEach((e, ei) => {
      const ePath = [...pathPrefix, "enterprises", ei];
      sibling(e.lines.map((l) => l.id), [...ePath, "lines"], "line");
      e.lines.forEach((l, li) => {
        const lPath = [...ePath, "lines", li];
        sibling(l.machines.map((m) => m.id), [...lPath, "machines"], "machine");
        l.machines.forEach((m, mi) => {
          const mPath = [...lPath, "machines", mi];
          sibling(m.signals.map((s) => s.id), [...mPath, "signals"], "signal");
          m.signals.forEach((s, si) => {
            const sPath = [...mPath, "signals", si];
            const ref: SignalRef = { enterprise: e.id, line: l.id, machine: m.id, signal: s.id, kind: s.kind };
            if (s.unit) ref.unit = s.unit;
            const addresses: Record<string, string[]> = {};
            for (const [source, value] of Object.entries(s.addresses ?? {})) {
              const list = Array.isArray(value) ? value : [value];
              addresses[source] = list;
              let bySource = this.explicit.get(source);
              if (!bySource) this.explicit.set(source, (bySource = new Map()));
              list.forEach((address, ai) => {
                const here = `${source}:${address}`;
                const where = [...sPath, "addresses", source, ...(Array.isArray(value) ? [ai] : [])];
                const before = seen.get(here);
                if (before) issues.push({ path: where, message: `address already registered at ${before}` });
                else seen.set(here, formatPath(where));
                bySource!.set(address, ref);
              });
            }
            this.signals.push({ ...ref, addresses });
          });
        });
      });
    });
    config.conventions.forEach((rule, ri) => {
      const rPath = [...pathPrefix, "conventions", ri];
      let regex: RegExp | null = null;
      let captures: string[] = [];
      if (rule.match) {
        try {
          ({ regex, captures } = compilePattern(rule.match));
        } catch (err) {
          issues.push({ path: [...rPath, "match"], message: (err as Error).message });
        }
      }
      const templates = {
        enterprise: compileTemplate(rule.enterprise),
        line: compileTemplate(rule.line),
        machine: compileTemplate(rule.machine),
        signal: compileTemplate(rule.signal),
      };
      this.rules.push({ rule, regex, captures, topicOnly: !!rule.match && !rule.match.includes("#"), templates });
    });
    if (issues.length) throw new ConfigError(issues);
  }

  resolve(source: string, address: string, hint?: ResolveHint): SignalRef | undefined {
    const explicit = this.explicit.get(source)?.get(address);
    if (explicit) return explicit;
    if (this.rules.length === 0) return undefined;
    const key = cacheKey(source, address, hint);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const ref = this.byConvention(source, address, hint) ?? null;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, ref);
    return ref ?? undefined;
  }

  private byConvention(source: string, address: string, hint?: ResolveHint): SignalRef | undefined {
    for (const c of this.rules) {
      if (c.rule.source !== source) continue;
      const vars: Record<string, string | undefined> = { ...hint?.parts };
      if (c.regex) {
        const subject = c.topicOnly ? address.split("#", 1)[0] : address;
        const m = c.regex.exec(subject);
        if (!m) continue;
        c.captures.forEach((name, i) => (vars[name] = m[i + 1]));
      }
      const kind = c.rule.kind ?? hint?.kind;
      if (!kind) continue;
      const enterprise = fill(c.templates.enterprise, vars);
      const line = fill(c.templates.line, vars);
      const machine = fill(c.templates.machine, vars);
      const signal = fill(c.templates.signal, vars);
      if (enterprise === undefined || line === undefined || machine === undefined || signal === undefined) continue;
      const ref: SignalRef = { enterprise, line, machine, signal, kind };
      const unit = c.rule.unit ?? hint?.unit;
      if (unit) ref.unit = unit;
      return ref;
    }
    return undefined;
  }
}

function cacheKey(source: string, address: string, hint?: ResolveHint): string {
  let key = `${source}\u0000${address}\u0000${hint?.kind ?? ""}\u0000${hint?.unit ?? ""}`;
  if (hint?.parts) for (const k in hint.parts) key += `\u0000${k}=${hint.parts[k] ?? ""}`;
  return key;
}

export function createRegistry(config: RegistryConfig): ConfiguredRegistry {
  return new ConfiguredRegistry(config);
}
