import { assert } from '@gregor/common';

/**
 * The node-wide bound on bytes of client requests read and not yet answered
 * (Kafka's `queued.max.request.bytes`), shared by the KAFKA listener and
 * the gRPC client services. Below the bound a front end reads the next
 * request and charges its bytes; at the bound it stops reading (a KAFKA
 * connection pauses its socket, a gRPC call does not read its message:
 * HTTP/2 flow control holds the client) and registers to be resumed when
 * answers release bytes. Like Kafka's non-strict memory pool, a request is
 * admitted whenever the node is below the bound, so one request may take it
 * past (by at most its own size): a request larger than the bound is never
 * starved.
 *
 * Waiters are resumed in arrival order while there is room; each resume
 * must charge (or wait again) synchronously, so the resumed ones stop at
 * the bound. One waiter per paused connection or gRPC call: bounded by the
 * connections and streams the node accepts.
 */
export class RequestBytesBudget {
  private used = 0;
  private waiters: (() => void)[] = [];
  private waitersHead = 0;
  private pausedTotal = 0;

  /** `maxBytes` <= 0 or Infinity: unbounded (Kafka's -1). */
  constructor(readonly maxBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Readers waiting for room now. */
  get waiting(): number {
    return this.waiters.length - this.waitersHead;
  }

  /** Times a reader had to wait for room, since start. */
  get pausedCount(): number {
    return this.pausedTotal;
  }

  hasRoom(): boolean {
    return this.maxBytes <= 0 || this.used < this.maxBytes;
  }

  /** Charges the bytes of a request read (once `hasRoom` allowed it). */
  charge(bytes: number): void {
    assert(Number.isFinite(bytes) && bytes >= 0, `request bytes ${bytes}`);
    this.used += bytes;
  }

  /** Gives back the bytes of a request answered (or dropped), and resumes waiting readers while there is room. */
  release(bytes: number): void {
    this.used -= bytes;
    assert(this.used >= 0, `released more request bytes than charged (${this.used})`);
    while (this.hasRoom() && this.waitersHead < this.waiters.length) {
      const resume = this.waiters[this.waitersHead]!;
      this.waiters[this.waitersHead++] = NOOP;
      resume();
    }
    if (this.waitersHead === this.waiters.length) {
      this.waiters = [];
      this.waitersHead = 0;
    }
  }

  /**
   * Runs `resume` once there is room: now if there is, else when answers
   * release enough. Returns a cancel function (a closed connection, a
   * cancelled call).
   */
  whenRoom(resume: () => void): () => void {
    if (this.hasRoom()) {
      resume();
      return NOOP;
    }
    this.pausedTotal++;
    let cancelled = false;
    this.waiters.push(() => {
      if (!cancelled) resume();
    });
    return () => {
      cancelled = true;
    };
  }
}

const NOOP = (): void => undefined;
