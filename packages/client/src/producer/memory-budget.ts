import { assert } from '@gregor/common';

/**
 * buffer.memory: bytes of records accepted by `send` but not yet completed.
 * Reservations are synchronous; a caller that does not fit waits for
 * `released()` (the producer bounds that wait with maxBlockMs).
 */
export class MemoryBudget {
  private used = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used -= bytes;
    assert(this.used >= 0, 'buffer.memory released more than reserved');
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves on the next release. At most one waiter exists (the producer's append queue). */
  released(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
