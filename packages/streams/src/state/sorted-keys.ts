/**
 * A set of keys (latin1 strings, so string order is byte order) kept
 * sorted, so that a range read costs a binary search plus the keys it
 * returns instead of sorting the whole set each time. Insertion is a
 * binary search and an array splice (a memmove), fine for the key counts
 * one task's store holds.
 */
export class SortedKeys {
  private readonly keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    const i = this.lowerBound(key);
    return this.keys[i] === key;
  }

  add(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Keys with from ≤ key < to, in order; a copy, so the caller may change the set while iterating it. */
  range(from: string | undefined, to: string | undefined): string[] {
    const start = from === undefined ? 0 : this.lowerBound(from);
    const end = to === undefined ? this.keys.length : this.lowerBound(to);
    return this.keys.slice(start, Math.max(start, end));
  }

  clear(): void {
    this.keys.length = 0;
  }

  /** The first index whose key is ≥ `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
