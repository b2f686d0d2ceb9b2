import BTree from 'sorted-btree';

/** JavaScript string order (UTF-16 code units): on latin1 key strings, bytewise order. */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A set of keys (latin1 strings, so string order is byte order) kept
 * sorted, so that a range read costs a search plus the keys it returns
 * instead of sorting the whole set each time. A B+ tree (`sorted-btree`):
 * inserts and deletes are O(log n) — a sorted array's splice made every
 * insert O(n), which dominated stores with many keys (a sliding-window
 * store inserts several window keys per record).
 */
export class SortedKeys {
  private readonly tree = new BTree<string, true>(undefined, byCodeUnit);

  get size(): number {
    return this.tree.size;
  }

  has(key: string): boolean {
    return this.tree.has(key);
  }

  add(key: string): void {
    this.tree.set(key, true);
  }

  delete(key: string): void {
    this.tree.delete(key);
  }

  /** Keys with from ≤ key < to, in order; a copy, so the caller may change the set while iterating it. */
  range(from: string | undefined, to: string | undefined): string[] {
    const out: string[] = [];
    const low = from ?? this.tree.minKey();
    if (low === undefined) return out;
    if (to === undefined) {
      const high = this.tree.maxKey()!;
      this.tree.forRange(low, high, true, (k) => void out.push(k));
    } else {
      this.tree.forRange(low, to, false, (k) => void out.push(k));
    }
    return out;
  }

  clear(): void {
    this.tree.clear();
  }
}
