// A small in-process cache for values derived from the standing (the portfolio's grouped counts): each
// entry remembers the data version it was computed at and is recomputed when the version moved; the least
// recently used entries go first when it is full. A failed computation is not kept.
export class VersionedCache<V> {
  private readonly entries = new Map<string, { version: string; value: Promise<V> }>();

  constructor(private readonly capacity: number) {}

  get(key: string, version: string, compute: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) this.entries.delete(key);
    if (hit && hit.version === version) {
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = compute();
    const entry = { version, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
