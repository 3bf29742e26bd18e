// The registry entries of a simulated line: one signal per machine signal, with its OPC UA address (by
// namespace URI, so it survives namespace renumbering) and its Sparkplug address. The demo writes these into
// its ingest.yaml; tests build their registry from them.
import type { RegistryConfig } from "../../core/registry";
import { SIMULATOR_NAMESPACE_URI } from "./constants";
import { machineSignals, signalInfo, type LineSpec, type MachineSignal } from "./spec";

export interface SimulatorAddressing {
  /** Sparkplug group id the edge publishes under (default: the enterprise). */
  group?: string;
  /** Sparkplug edge node id (default: the line). */
  edgeNode?: string;
}

export function opcuaAddress(line: LineSpec, machine: string, signal: MachineSignal | string): string {
  return `nsu=${SIMULATOR_NAMESPACE_URI};s=${line.line}.${machine}.${signal}`;
}

export function sparkplugAddress(line: LineSpec, machine: string, signal: string, addressing: SimulatorAddressing = {}): string {
  return `${addressing.group ?? line.enterprise}/${addressing.edgeNode ?? line.line}/${machine}/${signal}`;
}

/** Registry entries (enterprise → line → machines → signals) for the line, with both sources' addresses. */
export function simulatorRegistry(line: LineSpec, addressing: SimulatorAddressing = {}): RegistryConfig {
  return {
    enterprises: [
      {
        id: line.enterprise,
        lines: [
          {
            id: line.line,
            machines: line.machines.map((m) => ({
              id: m.id,
              signals: machineSignals.map((signal) => ({
                id: signal,
                kind: signalInfo[signal].kind,
                ...(signalInfo[signal].unit ? { unit: signalInfo[signal].unit } : {}),
                addresses: {
                  opcua: opcuaAddress(line, m.id, signal),
                  sparkplug: sparkplugAddress(line, m.id, signal, addressing),
                },
              })),
            })),
          },
        ],
      },
    ],
    conventions: [],
  };
}
