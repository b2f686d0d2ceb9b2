import { assert } from '@gregor/common';
import { isExpired, type ProducerEntry } from './producer-state';

/** A producer-state snapshot on disk: which of the two side-key slots, and the log end it describes. */
export interface SnapshotSlot {
  readonly slot: 0 | 1;
  readonly offset: bigint;
}

/** When a write carries a new snapshot: after this many batches or bytes since the last one. */
export interface SnapshotPolicy {
  intervalBatches: number;
  intervalBytes: number;
}

/**
 * A partition's producer state in memory, in two versions like its offsets:
 * `pending` runs ahead with the appends already given offsets but still in
 * the write queue (a pipelined produce must see the one before it), and
 * `committed` is exactly what the batches on disk say. Snapshots are taken
 * from `committed`, so one written in the same LevelDB write as some data
 * describes the log up to an offset that is on disk with it.
 *
 * Two snapshot slots are kept. A new one replaces the older of the two,
 * unless only that one lies at or below the high watermark: followers only
 * truncate above their high watermark (unclean elections aside), so keeping
 * one snapshot there means a truncation rebuilds from a snapshot plus a
 * short replay instead of the whole log.
 */
export class PartitionProducers {
  readonly pending = new Map<bigint, ProducerEntry>();
  readonly committed = new Map<bigint, ProducerEntry>();
  slots: SnapshotSlot[] = [];
  /** Batches and bytes on disk past the newest snapshot: what a restart after a crash replays. */
  batchesSinceSnapshot = 0;
  bytesSinceSnapshot = 0;

  /** Replaces both versions (recovery, truncation: nothing is queued then). */
  reset(entries: Iterable<ProducerEntry>, slots: SnapshotSlot[], replayedBatches: number, replayedBytes: number): void {
    this.pending.clear();
    this.committed.clear();
    for (const e of entries) {
      this.pending.set(e.producerId, e);
      this.committed.set(e.producerId, e);
    }
    this.slots = slots;
    this.batchesSinceSnapshot = replayedBatches;
    this.bytesSinceSnapshot = replayedBytes;
  }

  /** A write with these entries (in log order) succeeded. */
  commitWritten(updates: readonly ProducerEntry[], batches: number, bytes: number): void {
    for (const e of updates) this.committed.set(e.producerId, e);
    this.batchesSinceSnapshot += batches;
    this.bytesSinceSnapshot += bytes;
  }

  snapshotDue(policy: SnapshotPolicy): boolean {
    return this.batchesSinceSnapshot >= policy.intervalBatches || this.bytesSinceSnapshot >= policy.intervalBytes;
  }

  /**
   * Where a snapshot at `offset` goes, and which existing slot survives;
   * undefined when the newest snapshot already is at `offset`.
   */
  planSnapshot(offset: bigint, highWatermark: bigint): { slot: 0 | 1; kept: SnapshotSlot | undefined } | undefined {
    const newest = this.newestSlot();
    if (newest !== undefined && newest.offset === offset) return undefined;
    let kept: SnapshotSlot | undefined;
    for (const s of this.slots) {
      if (s.offset <= highWatermark && (kept === undefined || s.offset > kept.offset)) kept = s;
    }
    if (kept === undefined) for (const s of this.slots) if (kept === undefined || s.offset < kept.offset) kept = s;
    const slot: 0 | 1 = kept?.slot === 0 ? 1 : 0;
    return { slot, kept };
  }

  /** The snapshot at `offset` in `slot` is on disk now. */
  snapshotWritten(slot: 0 | 1, offset: bigint, kept: SnapshotSlot | undefined): void {
    assert(kept === undefined || kept.slot !== slot, 'a snapshot overwrote the slot it meant to keep');
    this.slots = kept === undefined ? [{ slot, offset }] : [kept, { slot, offset }];
    this.batchesSinceSnapshot = 0;
    this.bytesSinceSnapshot = 0;
  }

  newestSlot(): SnapshotSlot | undefined {
    let newest: SnapshotSlot | undefined;
    for (const s of this.slots) if (newest === undefined || s.offset > newest.offset) newest = s;
    return newest;
  }

  /** The newest snapshot at or below `offset`, the start for rebuilding a log that ends there. */
  bestSlotAtOrBelow(offset: bigint): SnapshotSlot | undefined {
    let best: SnapshotSlot | undefined;
    for (const s of this.slots) if (s.offset <= offset && (best === undefined || s.offset > best.offset)) best = s;
    return best;
  }

  /**
   * Drops producers whose newest batch is older than `cutoffMs`
   * (producer.id.expiration.ms). The pending entry goes only if it is
   * expired too: an append in the queue keeps its producer alive.
   */
  expire(cutoffMs: bigint): number {
    let removed = 0;
    for (const [id, e] of this.committed) {
      if (!isExpired(e, cutoffMs)) continue;
      this.committed.delete(id);
      removed++;
    }
    for (const [id, e] of this.pending) if (isExpired(e, cutoffMs)) this.pending.delete(id);
    return removed;
  }
}
