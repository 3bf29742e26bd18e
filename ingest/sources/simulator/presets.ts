// A ready-made 数字化车间 line for the demo and benchmarks: machining cells with realistic cycle times,
// breakdowns, short waits, a break every shift, a few percent scrap, one counter reset.
import type { MachineSpecInput } from "./spec";

interface Cell {
  name: string;
  idealCycleTimeS: number;
  cycleTimeS: number;
  spindleSpeedRpm: number;
  executingKw: number;
  scrapRate: number;
}

const cells: Cell[] = [
  { name: "CNC-Lathe", idealCycleTimeS: 42, cycleTimeS: 45, spindleSpeedRpm: 2800, executingKw: 11, scrapRate: 0.02 },
  { name: "Machining-Center", idealCycleTimeS: 95, cycleTimeS: 104, spindleSpeedRpm: 8000, executingKw: 18.5, scrapRate: 0.015 },
  { name: "Grinder", idealCycleTimeS: 30, cycleTimeS: 33.5, spindleSpeedRpm: 1450, executingKw: 7.5, scrapRate: 0.03 },
  { name: "Washer", idealCycleTimeS: 20, cycleTimeS: 21, spindleSpeedRpm: 0, executingKw: 4, scrapRate: 0 },
  { name: "Inspection", idealCycleTimeS: 15, cycleTimeS: 16.5, spindleSpeedRpm: 0, executingKw: 1.2, scrapRate: 0.005 },
];

/** `count` machines M1…Mn cycling through the cell types; machine 1 gets a counter reset after 26 h. */
export function demoMachines(count: number): MachineSpecInput[] {
  return Array.from({ length: count }, (_, i) => {
    const cell = cells[i % cells.length];
    return {
      id: `M${i + 1}`,
      idealCycleTimeS: cell.idealCycleTimeS,
      cycleTimeS: cell.cycleTimeS,
      behaviour: {
        kind: "random" as const,
        mtbfS: 4 * 3600 + i * 900,
        mttrS: 20 * 60,
        meanRunBetweenWaitsS: 25 * 60,
        meanWaitS: 90,
        // A 30-minute break in the middle of every 8-hour shift.
        plannedStops: [{ periodS: 8 * 3600, offsetS: 4 * 3600, durationS: 1800 }],
      },
      quality: { scrapRate: cell.scrapRate },
      spindleSpeedRpm: cell.spindleSpeedRpm,
      spindleNoiseRpm: cell.spindleSpeedRpm * 0.005,
      temperature: { ambientC: 24, idleC: 30, executingC: 42 + (i % 3) * 4, timeConstantS: 900, noiseC: 0.15 },
      powerKw: { NotAvailable: 0.3, OutOfService: 1.2, NotExecuting: cell.executingKw * 0.25, Executing: cell.executingKw },
      counterResetsS: i === 0 ? [26 * 3600] : [],
      initial: { goodCount: 10_000 * (i + 1), badCount: 100 * (i + 1), energyKWh: 25_000 + 1000 * i },
    };
  });
}
