/** What a deadline is for; the shard checks on expiry that it still applies. */
export type DeadlineKind = 'heartbeat' | 'pending-member' | 'join' | 'sync' | 'retention';

export interface Deadline {
  atMs: number;
  kind: DeadlineKind;
  groupId: string;
  /** Member id for 'heartbeat' / 'pending-member'; generation for 'sync' travels in `generationId`. */
  memberId: string;
  generationId: number;
}

/**
 * A min-heap of deadlines with lazy cancellation: rescheduling pushes a new
 * entry and leaves the old one, which the shard recognises as stale when it
 * pops (the member's current deadline differs). So a heartbeat costs
 * O(log n) instead of a scan of every member. Stale entries leave the heap
 * when their time comes; with heartbeats every session/3 that is about
 * three entries per live member.
 */
export class DeadlineQueue {
  private readonly heap: Deadline[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(d: Deadline): void {
    const h = this.heap;
    h.push(d);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.atMs <= h[i]!.atMs) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  /** The earliest deadline's time, or Infinity. */
  peekMs(): number {
    return this.heap.length === 0 ? Number.POSITIVE_INFINITY : this.heap[0]!.atMs;
  }

  /** Removes and returns the earliest deadline if it is due at `nowMs`. */
  popDue(nowMs: number): Deadline | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0]!.atMs > nowMs) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.atMs < h[m]!.atMs) m = l;
        if (r < h.length && h[r]!.atMs < h[m]!.atMs) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.heap.length = 0;
  }
}
