/**
 * "Something was appended to partition K" for produce requests holding an
 * idempotent batch that arrived ahead of its producer's sequence (see
 * handlers/produce.ts). Each partition key has a version bumped on every
 * append; a waiter names the versions it last saw, so an append between its
 * check and its wait is never missed.
 *
 * Bounded: at most `maxWaiters` waits at once; beyond that `wait` resolves
 * at once with false (the batch is then refused, and the client retries it
 * in order).
 */
export class AppendSignals {
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private waiting = 0;

  constructor(readonly maxWaiters: number) {}

  get size(): number {
    return this.waiting;
  }

  version(key: string): number {
    return this.versions.get(key) ?? 0;
  }

  notify(key: string): void {
    this.versions.set(key, this.version(key) + 1);
    const set = this.waiters.get(key);
    if (set === undefined) return;
    this.waiters.delete(key);
    for (const wake of set) wake();
  }

  /**
   * Resolves true once any of `seen`'s keys has a newer version than given
   * (at once if one already has), false after `timeoutMs` or when full.
   */
  wait(seen: ReadonlyMap<string, number>, timeoutMs: number): Promise<boolean> {
    for (const [key, v] of seen) if (this.version(key) > v) return Promise.resolve(true);
    if (this.waiting >= this.maxWaiters || timeoutMs <= 0) return Promise.resolve(false);
    this.waiting++;
    return new Promise<boolean>((resolve) => {
      let done = false;
      const wake = (woken: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const key of seen.keys()) {
          const set = this.waiters.get(key);
          set?.delete(onAppend);
          if (set?.size === 0) this.waiters.delete(key);
        }
        this.waiting--;
        resolve(woken);
      };
      const onAppend = (): void => wake(true);
      const timer = setTimeout(() => wake(false), timeoutMs);
      for (const key of seen.keys()) {
        let set = this.waiters.get(key);
        if (set === undefined) this.waiters.set(key, (set = new Set()));
        set.add(onAppend);
      }
    });
  }
}
