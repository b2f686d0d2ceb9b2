import { assert } from '@gregor/common';
import type { LogIndex } from './types';

/**
 * The leader's window of MsgApp sent to one follower and not yet acknowledged,
 * bounded by message count and by bytes (flow control, like TCP's window).
 * When full the leader stops sending to that follower until acks free room.
 * A ring buffer of (last index, bytes) per message: appends and acks are O(1)
 * amortised and the memory is fixed at `maxMessages` slots.
 */
export class Inflights {
  private readonly indexes: number[];
  private readonly sizes: number[];
  private start = 0;
  private count = 0;
  private bytes = 0;

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
  ) {
    assert(maxMessages > 0, 'inflight window needs room for at least one message');
    this.indexes = new Array<number>(maxMessages).fill(0);
    this.sizes = new Array<number>(maxMessages).fill(0);
  }

  /** Records a sent MsgApp whose last entry is `lastIndex`. */
  add(lastIndex: LogIndex, bytes: number): void {
    assert(!this.full(), 'cannot add to a full inflight window');
    if (this.count > 0) {
      const prev = this.indexes[(this.start + this.count - 1) % this.maxMessages];
      assert(lastIndex > prev, `inflight indexes must grow: ${prev} then ${lastIndex}`);
    }
    const slot = (this.start + this.count) % this.maxMessages;
    this.indexes[slot] = lastIndex;
    this.sizes[slot] = bytes;
    this.count++;
    this.bytes += bytes;
  }

  /** Frees every message whose last index is <= `index` (they were acked). */
  freeLE(index: LogIndex): void {
    while (this.count > 0 && this.indexes[this.start] <= index) {
      this.bytes -= this.sizes[this.start];
      this.start = (this.start + 1) % this.maxMessages;
      this.count--;
    }
    if (this.count === 0) this.start = 0;
  }

  /**
   * Frees the oldest message. A heartbeat response proves the follower is
   * alive, so one lost MsgApp must not stall the window forever.
   */
  freeFirstOne(): void {
    if (this.count === 0) return;
    this.freeLE(this.indexes[this.start] as LogIndex);
  }

  full(): boolean {
    return this.count === this.maxMessages || this.bytes >= this.maxBytes;
  }

  size(): number {
    return this.count;
  }

  sizeBytes(): number {
    return this.bytes;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }
}
