// Peer benchmark arithmetic. A peer is another enterprise of the same cohort with a self result of the same
// framework (its latest); the enterprise itself is never its own peer. Percentile of a value among N peers:
//   P = 100 × (peers strictly below + ½ × peers with exactly the same value) / N
// so the median enterprise of a cohort sits at 50 and a tie with everyone is 50, not 100. Nothing is shown
// for fewer than MIN_PEERS peers: the panel then says how many more peers it needs, and no value is
// computed at all (the server stops after counting).

export const MIN_PEERS = 5;

export interface PeerCounts {
  peers: number;
  below: number;
  ties: number;
}

export function percentile(c: PeerCounts): number {
  if (c.peers <= 0) throw new RangeError("a percentile needs at least one peer");
  return (100 * (c.below + c.ties / 2)) / c.peers;
}

export type CohortKind = "districtIndustryScale" | "regionIndustry";

/**
 * Which cohort to show: the enterprise's own (division, district, scale) when it has enough peers, else the
 * wider (division, region) one when that has, else none — with the number of peers still missing from the
 * enterprise's own cohort.
 */
export function chooseCohort(primaryPeers: number, fallbackPeers: number | null): { kind: CohortKind } | { kind: null; needed: number } {
  if (primaryPeers >= MIN_PEERS) return { kind: "districtIndustryScale" };
  if (fallbackPeers !== null && fallbackPeers >= MIN_PEERS) return { kind: "regionIndustry" };
  return { kind: null, needed: MIN_PEERS - primaryPeers };
}
