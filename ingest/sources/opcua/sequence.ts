// NotificationMessage sequence numbers (OPC 10000-4 §5.13.1, §7.25): unique per subscription, +1 per message
// that carries data; a keep-alive carries the number the next data message will get. With them a client
// knows exactly what it missed. After a broken link the server may resend a message that was delivered
// (its acknowledgement was lost) — possibly after newer ones — and a message in flight when the link broke
// is missing; node-opcua neither drops the first nor asks for the second in every case. This keeps the
// record per subscription: repeats are refused, gaps are listed so the caller can Republish them.

export interface Verdict {
  /** False for a repeat of a data message already processed. */
  deliver: boolean;
  /** Sequence numbers that must have been sent and were never received (ask for them with Republish). */
  missing: number[];
}

/** At most this many numbers are asked for after one gap; a longer gap is reported as lost. */
export const MAX_REPUBLISH = 64;

export class SequenceRecord {
  private readonly highest = new Map<number, number>();
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];

  constructor(private readonly memory = 4096) {}

  /** A message arrived for `subscriptionId` with this sequence number; `hasData` false for a keep-alive. */
  accept(subscriptionId: number, sequenceNumber: number, hasData: boolean): Verdict {
    const highest = this.highest.get(subscriptionId);
    if (!hasData) {
      // The keep-alive names the next number: everything between our highest and it was sent and lost.
      if (highest === undefined) return { deliver: true, missing: [] };
      return { deliver: true, missing: this.gap(subscriptionId, highest, sequenceNumber) };
    }
    const key = `${subscriptionId}:${sequenceNumber}`;
    if (this.seen.has(key)) return { deliver: false, missing: [] };
    this.remember(key);
    if (highest === undefined || sequenceNumber > highest) {
      this.highest.set(subscriptionId, sequenceNumber);
      return { deliver: true, missing: highest === undefined ? [] : this.gap(subscriptionId, highest, sequenceNumber) };
    }
    return { deliver: true, missing: [] }; // an older message arriving late (a republish): welcome
  }

  /** True once the message was received (through any path). */
  has(subscriptionId: number, sequenceNumber: number): boolean {
    return this.seen.has(`${subscriptionId}:${sequenceNumber}`);
  }

  private gap(subscriptionId: number, highest: number, next: number): number[] {
    const missing: number[] = [];
    for (let n = highest + 1; n < next && missing.length < MAX_REPUBLISH + 1; n++) {
      if (!this.seen.has(`${subscriptionId}:${n}`)) missing.push(n);
    }
    return missing;
  }

  private remember(key: string): void {
    this.seen.add(key);
    this.order.push(key);
    if (this.order.length > this.memory) this.seen.delete(this.order.shift()!);
  }
}
