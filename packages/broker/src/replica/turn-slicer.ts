/**
 * Lets at most `perTurn` callers of `pass()` go on per event-loop turn; the
 * rest wait, in arrival order, for later turns (one `schedule` call each,
 * setImmediate in the node). A burst of role changes — a 10,000-partition
 * topic's replicas, a batch of 1,024 log creations finishing together —
 * then runs as many short macrotasks instead of one long one: timers,
 * broker heartbeats and fetch answers get in between, so the node keeps
 * its controller session (a stall of ~1 s fenced brokers with 750 ms
 * sessions).
 *
 * The count of a turn restarts when the scheduled callback runs, so a turn
 * is "until the next check phase": callers that pass at once run their
 * continuations in the current macrotask's microtasks. Waiting callers are
 * released in arrival order, urgent ones (`pass(true)`: leaderships, which
 * CreateTopics and every follower of the partition wait for) before the
 * rest. The waiting queues hold one entry per waiting caller (the
 * ReplicaManager has at most one role change per partition running, so
 * they are bounded by the partitions hosted).
 */
export class TurnSlicer {
  private usedThisTurn = 0;
  private readonly urgent = new Fifo<() => void>();
  private readonly normal = new Fifo<() => void>();
  private scheduled = false;

  constructor(
    private readonly perTurn: number,
    private readonly schedule: (run: () => void) => void = (run) => void setImmediate(run),
  ) {
    if (!Number.isInteger(perTurn) || perTurn < 1) throw new RangeError(`perTurn must be a positive integer, got ${perTurn}`);
  }

  /**
   * Resolves when the caller may do its share of work: now if this turn has
   * room (and nobody of the same or a higher rank waits), else in a later
   * turn; `urgent` callers go before every waiting normal one.
   */
  pass(urgent = false): Promise<void> {
    const ahead = urgent ? this.urgent.size : this.queued();
    if (this.usedThisTurn < this.perTurn && ahead === 0) {
      this.usedThisTurn++;
      this.ensureScheduled();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      (urgent ? this.urgent : this.normal).push(resolve);
      this.ensureScheduled();
    });
  }

  /** Callers waiting for a later turn. */
  queued(): number {
    return this.urgent.size + this.normal.size;
  }

  private ensureScheduled(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.nextTurn());
  }

  private nextTurn(): void {
    this.scheduled = false;
    this.usedThisTurn = 0;
    while (this.usedThisTurn < this.perTurn) {
      const resolve = this.urgent.shift() ?? this.normal.shift();
      if (resolve === undefined) break;
      this.usedThisTurn++;
      resolve();
    }
    // A turn that let someone through ends with a reset, so the next burst starts with a full turn.
    if (this.usedThisTurn > 0) this.ensureScheduled();
  }
}

/** A queue without O(n) shifts: a head index, compacted once half the array is consumed. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }
}
