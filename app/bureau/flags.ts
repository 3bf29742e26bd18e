// Recognition flags as bits of one integer on the standing row, so "has any of these flags" is a bitwise test
// inside the covering index scan instead of a per-enterprise lookup in organization_flag. The bit of a flag
// never changes once given (stored rows depend on it); a flag without a bit is simply not filterable.
export const FLAG_BITS: Readonly<Record<string, number>> = {
  zjtx: 1,
  little_giant: 2,
  single_champion: 4,
  high_tech: 8,
  cloud_benchmark: 16,
  smart_factory: 32,
};

export function flagMask(flags: readonly string[]): number {
  let mask = 0;
  for (const f of flags) mask |= FLAG_BITS[f] ?? 0;
  return mask;
}

export function flagsOfMask(mask: number): string[] {
  return Object.entries(FLAG_BITS)
    .filter(([, bit]) => (mask & bit) !== 0)
    .map(([flag]) => flag);
}
