import { GregorError } from '@gregor/common';

/**
 * The store's single writer. LevelDB runs each write on a libuv worker, so two
 * writes issued back to back may land in either order; a crash between them
 * would leave a hole in a partition (offsets 10-19 on disk, 0-9 not). So
 * writes go one at a time, in the order their offsets were assigned.
 *
 * To keep throughput up while one write is in flight, appends that queue up
 * behind it are merged into the next LevelDB write (group commit). Each
 * append's keys still go into exactly one write, so atomicity per produce
 * request holds. Exclusive jobs (truncation, retention, partition create or
 * delete) run alone, between groups, because they read before they write.
 *
 * Bounded: at most `maxQueuedBytes` of appends and `maxQueuedJobs` jobs may
 * wait; beyond that `push` throws a retriable REQUEST_TIMED_OUT, which the
 * producer retries with backoff (back-pressure without an unbounded wait list).
 */
export interface GroupItem {
  readonly bytes: number;
  reject(err: unknown): void;
}

export interface WriteQueueLimits {
  maxQueuedBytes: number;
  maxQueuedJobs: number;
  /** A group stops growing at this many bytes (one item may exceed it alone). */
  maxGroupBytes: number;
  maxGroupItems: number;
}

type Job<I> = { kind: 'group'; item: I } | { kind: 'exclusive'; run: () => Promise<void> };

export class WriteQueue<I extends GroupItem> {
  private jobs: Job<I>[] = [];
  private queuedBytes = 0;
  private running = false;
  private scheduled = false;
  private failure: Error | undefined;
  private idle: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly limits: WriteQueueLimits,
    private readonly runGroup: (items: I[]) => Promise<void>,
  ) {}

  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Jobs wait behind the one being written (or for the pump to start): a job pushed now joins them. */
  get waiting(): boolean {
    return this.scheduled || this.jobs.length > 0;
  }

  get pendingJobs(): number {
    return this.jobs.length;
  }

  /** Throws now if `bytes` more would not fit, so callers can check before assigning offsets. */
  checkCapacity(bytes: number): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.jobs.length >= this.limits.maxQueuedJobs) {
      throw new GregorError('REQUEST_TIMED_OUT', `storage write queue is full (${this.jobs.length} jobs waiting)`);
    }
    if (this.queuedBytes > 0 && this.queuedBytes + bytes > this.limits.maxQueuedBytes) {
      throw new GregorError('REQUEST_TIMED_OUT', `storage write queue is full (${this.queuedBytes} bytes waiting)`);
    }
  }

  push(item: I): void {
    this.checkCapacity(item.bytes);
    this.jobs.push({ kind: 'group', item });
    this.queuedBytes += item.bytes;
    this.schedule();
  }

  /** Runs `fn` alone, after everything queued before it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.checkCapacity(0);
    return new Promise<T>((resolve, reject) => {
      const run = async (): Promise<void> => {
        if (this.failure !== undefined) return reject(this.failure);
        try {
          resolve(await fn());
        } catch (err) {
          reject(err);
        }
      };
      this.jobs.push({ kind: 'exclusive', run });
      this.schedule();
    });
  }

  /** After a failed write nothing more is written; every waiting job gets `err`. */
  fail(err: Error): void {
    if (this.failure === undefined) this.failure = err;
  }

  /** Resolves when every job queued so far has finished. */
  drain(): Promise<void> {
    if (!this.running && !this.scheduled && this.jobs.length === 0) return Promise.resolve();
    if (this.idle === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  /**
   * Starts the pump on the next microtask rather than inside push(), so that
   * appends issued in the same tick share one write.
   */
  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.jobs.length > 0) {
        const head = this.jobs[0]!;
        if (head.kind === 'exclusive') {
          this.jobs.shift();
          await head.run(); // settles its own promise, never throws
          continue;
        }
        const group = this.takeGroup();
        if (this.failure !== undefined) {
          for (const item of group) item.reject(this.failure);
          continue;
        }
        try {
          await this.runGroup(group);
        } catch (err) {
          this.fail(err instanceof Error ? err : new Error(String(err)));
          for (const item of group) item.reject(this.failure);
        }
      }
    } finally {
      this.running = false;
      const idle = this.idle;
      this.idle = undefined;
      idle?.resolve();
    }
  }

  private takeGroup(): I[] {
    const group: I[] = [];
    let bytes = 0;
    while (this.jobs.length > 0) {
      const next = this.jobs[0]!;
      if (next.kind !== 'group') break;
      if (group.length > 0 && (group.length >= this.limits.maxGroupItems || bytes + next.item.bytes > this.limits.maxGroupBytes)) break;
      this.jobs.shift();
      group.push(next.item);
      bytes += next.item.bytes;
    }
    this.queuedBytes -= bytes;
    return group;
  }
}
