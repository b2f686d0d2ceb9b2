import type { ErrorName } from '@gregor/common';

/** How an acks=all wait ended: NONE (replicated), or the error to answer with. */
export type AckOutcome = 'NONE' | ErrorName;

/** Decides a waiter's fate from current state; undefined = keep waiting. */
export type AckCheck = () => AckOutcome | undefined;

interface Waiter {
  key: string;
  check: AckCheck;
  timer: NodeJS.Timeout;
  resolve(outcome: AckOutcome): void;
}

/**
 * acks=all produce partitions waiting for the high watermark to pass their
 * last offset (Kafka's DelayedProduce). Bounded: a produce first reserves a
 * slot per partition (`tryReserve`) before it appends, so at the limit it is
 * refused with nothing written rather than written and then left without a
 * place to wait. Whoever changes a partition's high watermark, ISR or
 * leadership calls `notify(key)`; each waiter re-runs its own check.
 */
export class ProducePurgatory {
  private readonly byKey = new Map<string, Set<Waiter>>();
  private reserved = 0;

  constructor(readonly maxWaiting: number) {}

  /** Slots reserved (waiting or about to wait). */
  get size(): number {
    return this.reserved;
  }

  tryReserve(count: number): boolean {
    if (this.reserved + count > this.maxWaiting) return false;
    this.reserved += count;
    return true;
  }

  /** Returns a slot that will not be used for waiting (the append failed). */
  release(count: number): void {
    this.reserved = Math.max(0, this.reserved - count);
  }

  /**
   * Waits, in a reserved slot, until `check` answers or `timeoutMs` passes
   * (REQUEST_TIMED_OUT). The slot is released when the wait ends.
   */
  wait(key: string, timeoutMs: number, check: AckCheck): Promise<AckOutcome> {
    const now = check();
    if (now !== undefined) {
      this.release(1);
      return Promise.resolve(now);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        key,
        check,
        timer: setTimeout(() => this.finish(waiter, 'REQUEST_TIMED_OUT'), Math.max(0, timeoutMs)),
        resolve,
      };
      let set = this.byKey.get(key);
      if (set === undefined) this.byKey.set(key, (set = new Set()));
      set.add(waiter);
    });
  }

  notify(key: string): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const waiter of [...set]) {
      const outcome = waiter.check();
      if (outcome !== undefined) this.finish(waiter, outcome);
    }
  }

  /** Re-checks every waiter (shutdown: their checks then answer). */
  notifyAll(): void {
    for (const key of [...this.byKey.keys()]) this.notify(key);
  }

  private finish(waiter: Waiter, outcome: AckOutcome): void {
    const set = this.byKey.get(waiter.key);
    if (set === undefined || !set.delete(waiter)) return;
    if (set.size === 0) this.byKey.delete(waiter.key);
    clearTimeout(waiter.timer);
    this.release(1);
    waiter.resolve(outcome);
  }
}
