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
 * continuations in the current macrotask's microtasks. The waiting queue
 * holds one entry per waiting caller (the ReplicaManager has at most one
 * role change per partition running, so it is bounded by the partitions
 * hosted).
 */
export class TurnSlicer {
  private usedThisTurn = 0;
  private readonly waiting: (() => void)[] = [];
  /** Index of the first entry of `waiting` not yet released (a queue without O(n) shifts). */
  private head = 0;
  private scheduled = false;

  constructor(
    private readonly perTurn: number,
    private readonly schedule: (run: () => void) => void = (run) => void setImmediate(run),
  ) {
    if (!Number.isInteger(perTurn) || perTurn < 1) throw new RangeError(`perTurn must be a positive integer, got ${perTurn}`);
  }

  /** Resolves when the caller may do its share of work: now if this turn has room, else in a later turn. */
  pass(): Promise<void> {
    if (this.usedThisTurn < this.perTurn && this.queued() === 0) {
      this.usedThisTurn++;
      this.ensureScheduled();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.ensureScheduled();
    });
  }

  /** Callers waiting for a later turn. */
  queued(): number {
    return this.waiting.length - this.head;
  }

  private ensureScheduled(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.nextTurn());
  }

  private nextTurn(): void {
    this.scheduled = false;
    this.usedThisTurn = 0;
    while (this.usedThisTurn < this.perTurn && this.head < this.waiting.length) {
      const resolve = this.waiting[this.head]!;
      this.head++;
      this.usedThisTurn++;
      resolve();
    }
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    // A turn that let someone through ends with a reset, so the next burst starts with a full turn.
    if (this.usedThisTurn > 0) this.ensureScheduled();
  }
}
