/**
 * When an SDK I/O loop (the producer's Sender, the consumer's Fetcher) runs
 * its `run` step: soon after a wakeup, with many wakeups in one tick
 * coalesced into one run; at the earliest time any run asked for (one timer,
 * kept only if it fires sooner); and after a metadata refresh it waited on.
 * The loop decides what to do; this class only decides when. After stop()
 * nothing new is scheduled; `run` checks `stopped` for what is already due.
 */
export class IoLoop {
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private awaitingRefresh = false;
  private isStopped = false;

  constructor(private readonly run: () => void) {}

  get stopped(): boolean {
    return this.isStopped;
  }

  /** Runs the loop soon (coalesced: many wakeups in one tick cause one run). */
  wakeup(): void {
    if (this.scheduled || this.isStopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  stop(): void {
    this.isStopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs the loop at `atMs` (monotonic) unless a run is already due sooner; Infinity means never. */
  runAt(atMs: number, now: number): void {
    if (atMs === Number.POSITIVE_INFINITY) return;
    if (this.timer !== undefined && this.timerAtMs <= atMs) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAtMs = atMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAtMs = Number.POSITIVE_INFINITY;
      this.run();
    }, Math.max(0, Math.ceil(atMs - now)));
  }

  /**
   * Starts `refresh` unless one this loop started is still going (one at a
   * time, however many partitions wait on it), and wakes the loop when it ends.
   */
  wakeAfter(refresh: () => Promise<void>): void {
    if (this.awaitingRefresh) return;
    this.awaitingRefresh = true;
    void refresh().then(() => {
      this.awaitingRefresh = false;
      this.wakeup();
    });
  }
}
