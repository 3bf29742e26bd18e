// An enterprise's lines' KPIs as the measures assessment evidence is built from (assessments/
// evidence-from-kpi.ts): one number per KPI over all registered machines, the share of machines each KPI
// could be measured on, and a short note on where the number came from.
import type { KpiMeasures } from "../../assessments";
import { combineOee, combineReliability, energyPerGoodUnit } from "../../assessments/kpi";
import type { LineKpis, MachineKpis } from "./kpi-service";

const pct = (x: number | null) => (x === null ? "–" : `${Math.round(x * 1000) / 10}%`);

function listed(names: string[], most = 8): string {
  return names.length <= most ? names.join(", ") : `${names.slice(0, most).join(", ")} and ${names.length - most} more`;
}

/**
 * Whether a machine has OEE statistics over the window: a defined OEE, and part counts behind it (readings of
 * its part counters, unless it never ran).
 */
export function hasOeeStatistics(m: MachineKpis): boolean {
  const w = m.window;
  return w.oee.oee !== null && (w.provenance.counterReadings > 0 || w.oee.apt === 0);
}

export function kpiMeasures(lines: readonly LineKpis[]): KpiMeasures {
  const machines = lines.flatMap((l) => l.machines.map((m) => ({ line: l.line, m })));
  const registered = machines.length;
  if (registered === 0) return {};
  /** A machine as a detail names it: with its line when the measures span more than one. */
  const machineName = (line: string, machine: string) => (lines.length > 1 ? `${line}/${machine}` : machine);
  const share = (n: number) => n / registered;

  const reporting = lines.reduce((n, l) => n + l.networked.reporting, 0);
  const silent = lines.flatMap((l) => l.networked.silent.map((m) => machineName(l.line, m)));

  const expected = lines.reduce((n, l) => n + l.coverage.expected, 0);
  const present = lines.reduce((n, l) => n + l.coverage.present, 0);
  const roles = ["state", "parts", "bad", "energy"] as const;
  const parts = Object.fromEntries(
    roles.map((role) => [role, share(lines.reduce((n, l) => n + (l.coverage.byRole[role] ?? 0) * l.networked.registered, 0))]),
  );
  const missing = lines.flatMap((l) => l.coverage.missing.map((k) => `${machineName(l.line, k.machine)} ${k.signal}`));

  const live = machines.reduce((n, x) => n + x.m.live.ratio, 0) / registered;

  const oee = combineOee(machines.map((x) => ({ ...x.m.window.oee, idealCycleMs: x.m.idealCycleTimeS * 1000 })));
  const withOee = machines.filter((x) => hasOeeStatistics(x.m));

  const metered = machines.filter((x) => x.m.window.energy !== null);
  const consumed = metered.reduce((n, x) => n + x.m.window.energy!.consumed, 0);
  const goodOfMetered = metered.reduce((n, x) => n + x.m.window.oee.gq, 0);
  const withEnergy = metered.filter((x) => x.m.window.energy!.perGoodUnit !== null);
  const unit = metered[0]?.m.window.energy?.unit ?? "kWh";

  const rel = combineReliability(
    machines.map((x) => ({ running: x.m.window.oee.apt, failures: x.m.window.reliability.failures, failureTime: x.m.window.reliability.failureTime })),
  );
  const withStates = machines.filter((x) => x.m.window.provenance.unknownTime < x.m.window.period.to - x.m.window.period.from);

  return {
    networkedRatio: {
      value: share(reporting),
      coverage: share(reporting),
      detail: `${reporting} of ${registered} registered machines reported${silent.length ? `; silent: ${listed(silent)}` : ""}`,
    },
    dataCoverage: {
      value: expected > 0 ? present / expected : null,
      coverage: parts.state,
      parts,
      detail: `${present} of ${expected} expected signals delivered data${missing.length ? `; missing: ${listed(missing)}` : ""}`,
    },
    realtimeCollection: {
      value: live,
      coverage: share(machines.filter((x) => x.m.live.buckets > 0).length),
      detail: `live ${pct(live)} of machine time at ${lines[0].realtime.bucketMs / 1000} s resolution`,
    },
    oee: {
      value: oee.oee,
      coverage: share(withOee.length),
      detail: `OEE ${pct(oee.oee)} = A ${pct(oee.availability)} × P ${pct(oee.performance)} × Q ${pct(oee.quality)}; measured on ${withOee.length} of ${registered} machines`,
    },
    energyPerUnit: {
      value: energyPerGoodUnit(consumed, goodOfMetered),
      coverage: share(withEnergy.length),
      detail:
        metered.length > 0
          ? `${Math.round((consumed / Math.max(goodOfMetered, 1)) * 1e4) / 1e4} ${unit} per good unit over ${metered.length} metered machines; measured on ${withEnergy.length} of ${registered}`
          : "no energy meter configured",
    },
    mtbf: {
      value: rel.mtbf === null ? null : rel.mtbf / 3_600_000,
      coverage: share(withStates.length),
      detail: `${rel.failures} failures; MTBF ${rel.mtbf === null ? "–" : `${Math.round((rel.mtbf / 3_600_000) * 100) / 100} h`}, MTTR ${rel.mttr === null ? "–" : `${Math.round(rel.mttr / 60_000)} min`}`,
    },
  };
}
