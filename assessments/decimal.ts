// Scores are sums of decimal constants (0.8, 0.035, 0.7…) that binary floating point cannot hold exactly:
// 0.035 × 8 + … can come out as 0.7999999999999999. Every comparison with a threshold goes through these
// helpers, which round both sides to 1e-9 first, so a score that is 0.8 in decimal meets a 0.8 gate.

const SCALE = 1e9;

/** Rounds to 9 decimals: far below any published precision, far above float noise. */
export function round9(x: number): number {
  return Math.round(x * SCALE) / SCALE;
}

/** a ≥ b in decimal terms. */
export function atLeast(a: number, b: number): boolean {
  return round9(a) >= round9(b);
}

/** a ≤ b in decimal terms. */
export function atMost(a: number, b: number): boolean {
  return round9(a) <= round9(b);
}

/** a = b in decimal terms. */
export function sameDecimal(a: number, b: number): boolean {
  return round9(a) === round9(b);
}
