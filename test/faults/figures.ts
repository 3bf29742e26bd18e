// Each fault test prints what happened in figures (how long the fault lasted, what was sent, what landed, what
// was lost, how long recovery took), so a test run shows them and docs/reliability.md can tabulate them.

export function printFigures(fault: string, figures: string): void {
  console.log(`[fault] ${fault}: ${figures}`);
}

export const count = (n: number): string => n.toLocaleString("en-US");
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
