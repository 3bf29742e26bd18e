// The press the simulator tests work out by hand: one 200 s cycle of Executing 100 s, NotExecuting 20 s,
// OutOfService 30 s and NotAvailable 50 s; a part every 12 s while executing (ideal 10 s), every 4th bad.
import type { MachineSpecInput } from "../../ingest/sources/simulator/spec";

export const press: MachineSpecInput = {
  id: "M1",
  idealCycleTimeS: 10,
  cycleTimeS: 12,
  behaviour: {
    kind: "schedule",
    cycle: [
      { state: "Executing", durationS: 100 },
      { state: "NotExecuting", durationS: 20 },
      { state: "OutOfService", durationS: 30 },
      { state: "NotAvailable", durationS: 50 },
    ],
  },
  quality: { badEvery: 4 },
  spindleSpeedRpm: 1200,
  temperature: { ambientC: 20, idleC: 30, executingC: 50, timeConstantS: 60 },
  powerKw: { NotAvailable: 0.5, OutOfService: 1, NotExecuting: 2, Executing: 8 },
};
