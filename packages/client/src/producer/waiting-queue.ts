import { Fifo } from '../fifo';
import type { PendingRecord } from './accumulator';

/**
 * Heap a waiting record costs beyond its encoded size (estimateRecordSize):
 * the PendingRecord and the Buffers of its key and value, and once per call
 * the Delivery, its promise and closures. Measured with node --expose-gc on
 * 100k waiting records: ~730 bytes each for `send(record)` with a 12-byte
 * value, ~220 each in batch sends of 100 (300k unawaited single sends held
 * ~221 MB before this queue had a bound).
 */
export const WAITING_RECORD_OVERHEAD_BYTES = 200;
export const WAITING_CALL_OVERHEAD_BYTES = 500;

/** What one record counts against the waiting queue's bound; a call's first record also carries the call's cost. */
export function waitingChargeBytes(r: PendingRecord): number {
  return r.sizeBytes + WAITING_RECORD_OVERHEAD_BYTES + (r.index === 0 ? WAITING_CALL_OVERHEAD_BYTES : 0);
}

/**
 * Sends that could not be appended at once (no metadata yet, or
 * buffer.memory full), oldest first, with the bytes they hold.
 *
 * Kafka's producer blocks the calling thread in send() for up to
 * max.block.ms, so each thread holds at most one waiting record. An async
 * `send` cannot block, so without a bound unawaited sends to an unreachable
 * cluster pile up until maxBlockMs: the bound is `limitBytes` (the
 * producer's bufferMemory) of waiting records, counted with their overhead.
 * One call is always admitted into an empty queue, however large — as one
 * blocked Kafka thread holds its record — so a big batch send still makes
 * progress piece by piece.
 */
export class WaitingQueue {
  private readonly items = new Fifo<PendingRecord>();
  private heldBytes = 0;

  constructor(readonly limitBytes: number) {}

  get length(): number {
    return this.items.length;
  }

  /** Bytes charged for the waiting records (encoded size + overhead each). */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Whether a call whose waiting records are charged `bytes` may join the queue. Pure. */
  admits(bytes: number): boolean {
    return this.items.length === 0 || this.heldBytes + bytes <= this.limitBytes;
  }

  push(r: PendingRecord): void {
    this.items.push(r);
    this.heldBytes += waitingChargeBytes(r);
  }

  peek(): PendingRecord | undefined {
    return this.items.peek();
  }

  shift(): PendingRecord | undefined {
    const r = this.items.shift();
    if (r !== undefined) this.heldBytes -= waitingChargeBytes(r);
    return r;
  }
}
