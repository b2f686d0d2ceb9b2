/**
 * The set of fetches waiting for data (Kafka calls it the fetch
 * purgatory). Bounded: when full, `tryAdd` refuses and the caller answers at
 * once with what it has, which is always correct for a fetch, only less
 * efficient. A produce calls `notify` for each partition it appended to.
 */
export interface FetchWaiter {
  /** New data may be readable; the waiter decides whether to answer. */
  wake(): void;
}

export class FetchPurgatory {
  private readonly byPartition = new Map<string, Set<FetchWaiter>>();
  private readonly keysOf = new Map<FetchWaiter, readonly string[]>();

  constructor(readonly maxWaiters: number) {}

  get size(): number {
    return this.keysOf.size;
  }

  tryAdd(waiter: FetchWaiter, partitionKeys: readonly string[]): boolean {
    if (this.keysOf.size >= this.maxWaiters) return false;
    this.keysOf.set(waiter, partitionKeys);
    for (const key of partitionKeys) {
      let set = this.byPartition.get(key);
      if (set === undefined) this.byPartition.set(key, (set = new Set()));
      set.add(waiter);
    }
    return true;
  }

  remove(waiter: FetchWaiter): void {
    const keys = this.keysOf.get(waiter);
    if (keys === undefined) return;
    this.keysOf.delete(waiter);
    for (const key of keys) {
      const set = this.byPartition.get(key);
      set?.delete(waiter);
      if (set?.size === 0) this.byPartition.delete(key);
    }
  }

  notify(partitionKey: string): void {
    const set = this.byPartition.get(partitionKey);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter.wake();
  }

  /** Wakes every waiter (shutdown: each answers with what it has). */
  wakeAll(): void {
    for (const waiter of [...this.keysOf.keys()]) waiter.wake();
  }
}
