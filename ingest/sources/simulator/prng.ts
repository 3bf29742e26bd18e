// Seeded randomness for the simulated line (the demo data and the benches use the same generator). Everything
// the simulator does must follow from its seed, so a test (or the KPI engine's test) can recompute any value;
// nothing here may touch Math.random or the clock.

/** FNV-1a over the parts' text, then a 32-bit avalanche: a stable 32-bit seed from a list of coordinates. */
export function hashSeed(...parts: Array<number | string>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${typeof part}:${part}|`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return avalanche(h);
}

function avalanche(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** mulberry32: a small, fast, well-distributed 32-bit generator. Returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A number in [0, 1) addressed by coordinates rather than drawn in sequence: sensor noise at sample k can be
 * computed for any k without replaying the samples before it (a backfill may start anywhere).
 */
export function noiseAt(seed: number, stream: number, index: number): number {
  const inner = avalanche((index ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
  return avalanche((inner ^ seed) >>> 0) / 4294967296;
}

/** Whole seconds from an exponential distribution with the given mean, never below one second. */
export function exponentialSeconds(random: () => number, meanS: number): number {
  const u = random();
  return Math.max(1, Math.round(-meanS * Math.log(1 - u)));
}
