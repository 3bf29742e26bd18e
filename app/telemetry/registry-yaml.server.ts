// The enterprise's registration ⇄ the ingest's `registry:` YAML. Import reads an ingest.yaml (or just its
// `registry:` section, or a bare `enterprises:` mapping) with the ingest's own schema and registry parser —
// the same checks `zhiping ingest --check` makes, with the same key paths — then adds what the web app needs:
// ids usable as topic levels, the enterprise being this organisation, roles guessed from signal ids and
// kinds. Export writes the registration as the `registry:` section an ingest.yaml takes.
import YAML from "yaml";
import { ConfigError, formatPath, parseOrThrow, type ConfigIssue, type KeyPath } from "../../ingest/core/config-errors";
import { ConfiguredRegistry, registrySchema, type RegistryConfig } from "../../ingest/core/registry";
import type { SignalKind } from "../../ingest/core/types";
import type { Message } from "../i18n/i18n";
import { PLACE_KEY, SIGNAL_ROLES, checkSignal, type RegisteredLine, type SignalInput, type SignalRole } from "./registration.server";

/** Largest registry text accepted from a form or upload. */
export const MAX_REGISTRY_BYTES = 512 * 1024;

export interface ImportProblem {
  /** Key path in the file, `registry.enterprises[0].lines[1].id`, or "" for the file as a whole. */
  path: string;
  /** The ingest's own message (English, as `zhiping ingest --check` prints it) or one of ours. */
  message: Message | string;
}

export interface ImportedMachine {
  machineKey: string;
  name: string;
  signals: SignalInput[];
  /** Roles guessed from the signals' ids, kinds and units. */
  roles: Record<SignalRole, string | null>;
}

export interface ImportedLine {
  lineKey: string;
  name: string;
  machines: ImportedMachine[];
}

export type RegistryImport =
  | { ok: true; enterpriseKey: string; enterpriseName: string | null; lines: ImportedLine[]; ignoredConventions: number }
  | { ok: false; problems: ImportProblem[] };

const fail = (problems: ImportProblem[]): RegistryImport => ({ ok: false, problems });
const issue = (path: KeyPath, message: ImportProblem["message"]): ImportProblem => ({ path: path.length ? formatPath(path) : "", message });

/** Guesses which signal plays which KPI role: the state by its kind, counters and meters by their ids and units. */
export function guessRoles(signals: ReadonlyArray<{ signalKey: string; kind: SignalKind; unit: string | null }>): Record<SignalRole, string | null> {
  const roles = Object.fromEntries(SIGNAL_ROLES.map((r) => [r, null])) as Record<SignalRole, string | null>;
  const numeric = signals.filter((s) => s.kind !== "text");
  const counting = numeric.filter((s) => s.kind === "counter" || s.kind === "gauge");
  const find = (list: typeof numeric, pattern: RegExp) => list.find((s) => pattern.test(s.signalKey))?.signalKey ?? null;
  roles.state = signals.find((s) => s.kind === "state")?.signalKey ?? find(numeric, /^(machine[_-]?)?(state|status)$/i);
  // "BadCount" is a bad-parts counter before it is a count: look for bad and good first.
  roles.bad = find(counting, /bad|scrap|reject|(^|[^a-z0-9])(ng|nok)([^a-z0-9]|$)|不良|废/i);
  roles.good = find(counting.filter((s) => s.signalKey !== roles.bad), /good|pass|合格/i);
  if (!roles.good) roles.total = find(counting.filter((s) => s.signalKey !== roles.bad), /total|count|parts|produced|产量/i);
  roles.energy =
    counting.find((s) => s.unit !== null && /^(k|m)?wh$/i.test(s.unit))?.signalKey ?? find(counting, /energy|kwh|电能|能耗/i);
  return roles;
}

/**
 * Reads a registry from YAML text for the organisation whose telemetry id is `enterpriseKey` (null when it
 * has none yet: a file naming exactly one enterprise then gives it). Every problem is reported with its path.
 */
export function parseRegistryImport(text: string, enterpriseKey: string | null): RegistryImport {
  if (Buffer.byteLength(text, "utf8") > MAX_REGISTRY_BYTES) return fail([issue([], { key: "tm.import.tooLarge", params: { kib: MAX_REGISTRY_BYTES / 1024 } })]);
  if (text.trim() === "") return fail([issue([], { key: "tm.import.empty" })]);
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) return fail(doc.errors.map((e) => issue([], `YAML: ${e.message.split("\n")[0].replace(/:$/, "")}`)));
  const raw = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return fail([issue([], { key: "tm.import.notMapping" })]);
  const top = raw as Record<string, unknown>;
  // A whole ingest.yaml, its registry section, or a bare registry.
  const [section, prefix]: [unknown, KeyPath] = "registry" in top ? [top.registry ?? {}, ["registry"]] : [top, []];
  let registry: RegistryConfig;
  try {
    registry = parseOrThrow(registrySchema, section, prefix);
    new ConfiguredRegistry(registry, [...prefix]); // duplicate ids, addresses registered twice, bad patterns
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.issues.map((i: ConfigIssue) => issue(i.path, i.message)));
    throw err;
  }
  const problems: ImportProblem[] = [];
  const enterprisesPath = [...prefix, "enterprises"];
  if (registry.enterprises.length === 0) return fail([issue(enterprisesPath, { key: "tm.import.noEnterprise" })]);
  let chosen = enterpriseKey;
  if (chosen === null) {
    if (registry.enterprises.length > 1) return fail([issue(enterprisesPath, { key: "tm.import.severalEnterprises", params: { n: registry.enterprises.length } })]);
    chosen = registry.enterprises[0].id;
    if (!PLACE_KEY.test(chosen)) problems.push(issue([...enterprisesPath, 0, "id"], { key: "tm.err.placeKey", params: { what: "enterprise" } }));
  }
  registry.enterprises.forEach((e, i) => {
    if (e.id !== chosen) problems.push(issue([...enterprisesPath, i, "id"], { key: "tm.import.otherEnterprise", params: { got: e.id.slice(0, 64), own: chosen! } }));
  });
  const enterpriseIndex = registry.enterprises.findIndex((e) => e.id === chosen);
  const enterprise = registry.enterprises[enterpriseIndex];
  const lines: ImportedLine[] = [];
  enterprise?.lines.forEach((l, li) => {
    const lPath = [...enterprisesPath, enterpriseIndex, "lines", li];
    if (!PLACE_KEY.test(l.id)) problems.push(issue([...lPath, "id"], { key: "tm.err.placeKey", params: { what: "line" } }));
    const machines: ImportedMachine[] = [];
    l.machines.forEach((m, mi) => {
      const mPath = [...lPath, "machines", mi];
      if (!PLACE_KEY.test(m.id)) problems.push(issue([...mPath, "id"], { key: "tm.err.placeKey", params: { what: "machine" } }));
      const signals: SignalInput[] = [];
      m.signals.forEach((s, si) => {
        // The web app's own signal rules on top of the ingest's (topic-safe ids, known source types).
        const addresses = Object.entries(s.addresses ?? {}).flatMap(([source, v]) => (Array.isArray(v) ? v : [v]).map((a) => `${source}: ${a}`));
        const checked = checkSignal({ signalKey: s.id, kind: s.kind, unit: s.unit ?? "", addresses: addresses.join("\n") });
        if (!checked.ok) {
          for (const p of checked.problems) {
            const where = p.field === "addresses" ? [...mPath, "signals", si, "addresses"] : p.field === "unit" ? [...mPath, "signals", si, "unit"] : [...mPath, "signals", si, "id"];
            problems.push(issue(where, { key: p.key, params: p.params }));
          }
        } else signals.push(checked.value);
      });
      machines.push({ machineKey: m.id, name: m.name?.trim() || m.id, signals, roles: guessRoles(signals) });
    });
    lines.push({ lineKey: l.id, name: l.name?.trim() || l.id, machines });
  });
  if (enterprise && enterprise.lines.length === 0) problems.push(issue([...enterprisesPath, enterpriseIndex, "lines"], { key: "tm.import.noLines" }));
  if (problems.length) return fail(problems);
  return { ok: true, enterpriseKey: chosen, enterpriseName: enterprise.name ?? null, lines, ignoredConventions: registry.conventions.length };
}

/** The registration as the ingest's RegistryConfig (explicit entries only; conventions stay the ingest's own). */
export function registryConfigOf(enterpriseKey: string, enterpriseName: string, lines: readonly RegisteredLine[]): RegistryConfig {
  return {
    enterprises: [
      {
        id: enterpriseKey,
        name: enterpriseName,
        lines: lines.map((l) => ({
          id: l.lineKey,
          name: l.name,
          machines: l.machines.map((m) => ({
            id: m.machineKey,
            name: m.name,
            signals: m.signals.map((s) => ({
              id: s.signalKey,
              kind: s.kind,
              ...(s.unit ? { unit: s.unit } : {}),
              ...(Object.keys(s.addresses).length
                ? { addresses: Object.fromEntries(Object.entries(s.addresses).map(([k, v]) => [k, v.length === 1 ? v[0] : v])) }
                : {}),
            })),
          })),
        })),
      },
    ],
    conventions: [],
  };
}

/** The `registry:` section of an ingest.yaml, with a header saying where it came from. */
export function registryYaml(enterpriseKey: string, enterpriseName: string, lines: readonly RegisteredLine[], generatedAt: string): string {
  const header = [
    `# Registry of ${enterpriseName} (telemetry id ${enterpriseKey}), exported from Zhiping ${generatedAt}.`,
    "# Paste it into the ingest's ingest.yaml (the `registry:` key) or import it back on the Lines page.",
  ].join("\n");
  return `${header}\n${YAML.stringify({ registry: registryConfigOf(enterpriseKey, enterpriseName, lines) }, { lineWidth: 0 })}`;
}
