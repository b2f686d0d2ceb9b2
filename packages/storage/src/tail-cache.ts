import { assert } from '@gregor/common';
import type { BatchFrame } from './batch-frames';

/**
 * The newest batches of each partition, kept in memory after they are on
 * disk, so that the reads that dominate a busy cluster — followers and
 * consumers at the log end — are answered without a LevelDB iterator (a
 * snapshot, a thread-pool hop and a copy per batch). Kafka gets the same
 * from the OS page cache.
 *
 * One byte budget for the whole store, spent first-in first-out across
 * partitions: the oldest cached batch of any partition goes first, which is
 * the one least likely to be read again.
 *
 * What is charged is the memory really held: a cached batch is a view into
 * the buffer it arrived in (a whole produce request, often several
 * partitions' batches and more), which stays allocated while any view into
 * it is cached. So the budget counts every distinct underlying buffer once,
 * at its full size, for as long as a cached batch pins it; and a batch that
 * leaves the cache lets go of its view at once, even while its slot still
 * waits to be swept from the arrays below. (Charging each batch its own
 * share instead let evicted batches keep whole requests alive: a 64 MiB
 * cache held ~340 MiB of request buffers in a 100-byte-record soak.)
 *
 * Invariant: a partition's cached batches are contiguous and end at its log
 * end, so a read that starts inside them can be answered entirely from them
 * (no later batch can be missing). Anything that rewrites or removes batches
 * (truncation, compaction, retention, deletion) or appends without caching
 * clears the partition's cache first.
 */
export interface CachedBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  /** A view into the appended buffer; emptied when the batch is dropped, so a stale slot pins nothing. */
  bytes: Buffer;
  /** Set when the partition dropped it; the budget skips it then. */
  dropped: boolean;
  readonly owner: PartitionTailCache;
}

const RELEASED = Buffer.alloc(0);

export class TailCacheBudget {
  /** Cached batches in insertion order; dropped ones are skipped when reached, and swept out (see admit). */
  private fifo: CachedBatch[] = [];
  private head = 0;
  private used = 0;
  /** Batches admitted and not dropped: what `fifo` must hold at least. */
  private live = 0;
  /** Each underlying buffer a cached batch views, with how many do; `used` is the sum of their sizes. */
  private readonly pins = new Map<ArrayBufferLike, number>();

  constructor(readonly maxBytes: number) {
    assert(Number.isSafeInteger(maxBytes) && maxBytes >= 0, 'tail cache budget must be a byte count');
  }

  get usedBytes(): number {
    return this.used;
  }

  /** Entries the FIFO holds, dropped ones included (bounded by twice the live ones plus a constant). */
  get trackedEntries(): number {
    return this.fifo.length - this.head;
  }

  /** Distinct buffers pinned by cached batches. */
  get pinnedBuffers(): number {
    return this.pins.size;
  }

  /** @internal Called by PartitionTailCache.add. */
  admit(b: CachedBatch): void {
    this.fifo.push(b);
    const underlying = b.bytes.buffer;
    const views = this.pins.get(underlying) ?? 0;
    if (views === 0) this.used += underlying.byteLength;
    this.pins.set(underlying, views + 1);
    this.live++;
    while (this.used > this.maxBytes && this.head < this.fifo.length) {
      const oldest = this.fifo[this.head++]!;
      if (!oldest.dropped) oldest.owner.evictOldest(oldest);
    }
    // Batches dropped by clear/dropBelow stay in the FIFO (pinning their
    // buffers) until reached; a cache that is cleared often but never full —
    // a compacted topic — would never reach them. Sweep once they dominate,
    // or once the consumed prefix does.
    const consumedPrefix = this.head > 1024 && this.head * 2 > this.fifo.length;
    if (consumedPrefix || this.fifo.length - this.head > 2 * this.live + 1024) {
      this.fifo = this.fifo.slice(this.head).filter((e) => !e.dropped);
      this.head = 0;
    }
  }

  /** @internal Called when a partition drops a batch. */
  release(b: CachedBatch): void {
    const underlying = b.bytes.buffer;
    const views = this.pins.get(underlying);
    assert(views !== undefined && views > 0, 'tail cache released a batch it did not pin');
    if (views === 1) {
      this.pins.delete(underlying);
      this.used -= underlying.byteLength;
    } else {
      this.pins.set(underlying, views - 1);
    }
    b.bytes = RELEASED;
    this.live--;
  }
}

export class PartitionTailCache {
  private batches: CachedBatch[] = [];
  private first = 0;

  constructor(private readonly budget: TailCacheBudget) {}

  get size(): number {
    return this.batches.length - this.first;
  }

  /**
   * Caches batches that were just written. `buf` holds them back to back at
   * the given positions; its underlying memory stays pinned (and charged)
   * while any of them, or any other view into it, is cached.
   */
  add(buf: Buffer, frames: readonly Pick<BatchFrame, 'pos' | 'size' | 'baseOffset' | 'lastOffsetDelta'>[]): void {
    if (this.budget.maxBytes === 0 || frames.length === 0) return;
    const last = this.batches[this.batches.length - 1];
    if (this.size > 0 && last!.lastOffset + 1n !== frames[0]!.baseOffset) this.clear();
    frames.forEach((f) => {
      const b: CachedBatch = {
        baseOffset: f.baseOffset,
        lastOffset: f.baseOffset + BigInt(f.lastOffsetDelta),
        bytes: buf.subarray(f.pos, f.pos + f.size),
        dropped: false,
        owner: this,
      };
      this.batches.push(b);
      this.budget.admit(b);
    });
  }

  /**
   * Whole batches from the one holding `fetchOffset`, none starting at or
   * past `upperOffset`, up to `maxBytes` but at least one (the contract of
   * readBatches). Undefined when `fetchOffset` is not cached.
   */
  read(fetchOffset: bigint, upperOffset: bigint, maxBytes: number): Buffer[] | undefined {
    if (this.size === 0 || fetchOffset < this.batches[this.first]!.baseOffset) return undefined;
    let lo = this.first;
    let hi = this.batches.length - 1;
    // The last batch starting at or before fetchOffset.
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.batches[mid]!.baseOffset <= fetchOffset) lo = mid;
      else hi = mid - 1;
    }
    const start = this.batches[lo]!;
    if (start.lastOffset < fetchOffset || start.baseOffset >= upperOffset) return undefined;
    const out: Buffer[] = [start.bytes];
    let total = start.bytes.length;
    for (let i = lo + 1; i < this.batches.length; i++) {
      const b = this.batches[i]!;
      if (b.baseOffset >= upperOffset || total + b.bytes.length > maxBytes) break;
      out.push(b.bytes);
      total += b.bytes.length;
    }
    return out;
  }

  /** Forgets everything (truncation, compaction, deletion, an uncached append). */
  clear(): void {
    for (let i = this.first; i < this.batches.length; i++) this.drop(this.batches[i]!);
    this.batches = [];
    this.first = 0;
  }

  /** Forgets batches that end below `offset` (retention moved the log start). */
  dropBelow(offset: bigint): void {
    while (this.size > 0 && this.batches[this.first]!.lastOffset < offset) this.drop(this.batches[this.first++]!);
    this.compact();
  }

  /** @internal The budget evicts this partition's oldest batch. */
  evictOldest(b: CachedBatch): void {
    assert(this.batches[this.first] === b, 'tail cache evicted out of order');
    this.first++;
    this.drop(b);
    this.compact();
  }

  private drop(b: CachedBatch): void {
    if (b.dropped) return;
    b.dropped = true;
    this.budget.release(b);
  }

  private compact(): void {
    if (this.first === this.batches.length) {
      this.batches = [];
      this.first = 0;
    } else if (this.first > 256 && this.first * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.first);
      this.first = 0;
    }
  }
}
