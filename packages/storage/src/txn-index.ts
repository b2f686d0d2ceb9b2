import { assert } from '@gregor/common';
import type { BatchFrame } from './batch-frames';
import { txnCompletedKey, txnOngoingKey, txnRange, TXN_COMPLETED, TXN_ONGOING } from './keys';
import type { Kv, KvOp } from './kv';

/**
 * A partition's transactions (KIP-98): which producers have a transaction
 * open here (from the offset of its first batch), and every transaction a
 * marker completed (producer, first offset, marker offset, aborted?). They
 * give the last stable offset — nothing at or past the first open
 * transaction's start is stable — and, for read_committed fetches, the
 * aborted transactions overlapping a range (Kafka's aborted-transaction
 * index).
 *
 * Both are kept in side keys written in the same LevelDB write as the
 * batches that change them (leader and follower appends alike), so a
 * restart reads them back as they were, replicas build the same index from
 * the same batches, and a truncation undoes exactly what it cuts: a
 * transaction whose marker is cut is open again, one whose first batch is
 * cut is gone. Like offsets, the state has two versions: `pending` runs
 * ahead with the appends still queued, `committed` is what is on disk.
 */
export interface CompletedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  /** The offset of the marker that ended it. */
  readonly lastOffset: bigint;
  readonly aborted: boolean;
}

export type TxnChange =
  | { readonly kind: 'begin'; readonly producerId: bigint; readonly firstOffset: bigint }
  | { readonly kind: 'end'; readonly txn: CompletedTxn };

export class PartitionTxns {
  /** Open transactions on disk: producer id → first offset. */
  readonly ongoing = new Map<bigint, bigint>();
  /** Open transactions including appends still queued. */
  readonly pending = new Map<bigint, bigint>();
  /** Aborted transactions on disk, by marker offset (read_committed fetches list them). */
  private aborted: CompletedTxn[] = [];
  /** Committed transactions on disk whose marker may still be truncated away (at or above the HW when last pruned). */
  private committed: CompletedTxn[] = [];

  /** Completed transactions on disk, by marker offset. */
  get completed(): readonly CompletedTxn[] {
    return [...this.aborted, ...this.committed].sort((a, b) => (a.lastOffset < b.lastOffset ? -1 : a.lastOffset > b.lastOffset ? 1 : 0));
  }

  reset(ongoing: Iterable<[bigint, bigint]>, completed: readonly CompletedTxn[]): void {
    this.ongoing.clear();
    this.pending.clear();
    for (const [id, first] of ongoing) {
      this.ongoing.set(id, first);
      this.pending.set(id, first);
    }
    const sorted = [...completed].sort((a, b) => (a.lastOffset < b.lastOffset ? -1 : a.lastOffset > b.lastOffset ? 1 : 0));
    this.aborted = sorted.filter((t) => t.aborted);
    this.committed = sorted.filter((t) => !t.aborted);
  }

  /** A write with these changes (in log order) succeeded. */
  commitWritten(changes: readonly TxnChange[]): void {
    for (const c of changes) {
      if (c.kind === 'begin') this.ongoing.set(c.producerId, c.firstOffset);
      else {
        this.ongoing.delete(c.txn.producerId);
        const list = c.txn.aborted ? this.aborted : this.committed;
        assert(list.length === 0 || list.at(-1)!.lastOffset < c.txn.lastOffset, 'transaction markers out of offset order');
        list.push(c.txn);
      }
    }
  }

  /** The first offset of the oldest open transaction on disk, if any. */
  firstUnstableOffset(): bigint | undefined {
    let first: bigint | undefined;
    for (const o of this.ongoing.values()) if (first === undefined || o < first) first = o;
    return first;
  }

  /**
   * Aborted transactions a read_committed fetch of [fetchOffset, upperOffset)
   * must be told about (Kafka's rule: the marker is at or after the fetch
   * offset and the transaction began before the upper bound), oldest first.
   */
  abortedIn(fetchOffset: bigint, upperOffset: bigint): { producerId: bigint; firstOffset: bigint }[] {
    const out: { producerId: bigint; firstOffset: bigint }[] = [];
    // Binary search for the first marker at or after fetchOffset.
    const list = this.aborted;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.lastOffset < fetchOffset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length; i++) {
      const t = list[i]!;
      if (t.firstOffset < upperOffset) out.push({ producerId: t.producerId, firstOffset: t.firstOffset });
    }
    return out;
  }

  /**
   * A truncation to `end`: ops that undo what the cut batches did to the
   * index, and the change to apply in memory once they are written.
   */
  planTruncation(id: number, end: bigint): { ops: KvOp[]; apply: () => void } {
    const ops: KvOp[] = [];
    const ongoing = new Map(this.ongoing);
    for (const [pid, first] of this.ongoing) {
      if (first < end) continue;
      ops.push({ type: 'del', key: txnOngoingKey(id, pid) });
      ongoing.delete(pid);
    }
    const kept: CompletedTxn[] = [];
    for (const t of this.completed) {
      if (t.lastOffset < end) {
        kept.push(t);
        continue;
      }
      ops.push({ type: 'del', key: txnCompletedKey(id, t.lastOffset) });
      if (t.firstOffset < end) {
        ops.push({ type: 'put', key: txnOngoingKey(id, t.producerId), value: encodeOffset(t.firstOffset) });
        ongoing.set(t.producerId, t.firstOffset);
      }
    }
    return { ops, apply: () => this.reset(ongoing, kept) };
  }

  /**
   * Committed transactions whose marker is below `highWatermark` are only
   * kept to be undone by a truncation, and truncations stay above the high
   * watermark (KIP-101; unclean elections aside): forget them, on disk too,
   * so a partition with many transactions and no retention does not grow
   * an entry per transaction. Aborted ones stay (read_committed needs them
   * until retention removes their data).
   */
  planCommittedPruning(id: number, highWatermark: bigint): { ops: KvOp[]; apply: () => void } | undefined {
    let n = 0;
    while (n < this.committed.length && this.committed[n]!.lastOffset < highWatermark) n++;
    if (n === 0) return undefined;
    const gone = this.committed.slice(0, n);
    return {
      ops: gone.map((t) => ({ type: 'del' as const, key: txnCompletedKey(id, t.lastOffset) })),
      apply: () => {
        // Only what was planned: appends since then only added newer entries.
        const pruned = new Set(gone);
        this.committed = this.committed.filter((t) => !pruned.has(t));
      },
    };
  }

  /** Aborted transactions on disk, by marker offset (compaction removes their records). */
  abortedTransactions(): readonly CompletedTxn[] {
    return this.aborted;
  }

  /**
   * Compaction removed the ABORT markers at these offsets (no record of
   * their transactions was left): their index entries go in the same
   * write, or a read_committed fetch would still list a transaction whose
   * marker it can no longer see and skip the producer's later records.
   */
  planAbortedRemoval(id: number, markerOffsets: readonly bigint[]): { ops: KvOp[]; apply: () => void } {
    const gone = new Set(markerOffsets);
    return {
      ops: markerOffsets.map((o) => ({ type: 'del' as const, key: txnCompletedKey(id, o) })),
      apply: () => {
        this.aborted = this.aborted.filter((t) => !gone.has(t.lastOffset));
      },
    };
  }

  /** The log now starts at `logStartOffset`: completed transactions wholly below it are forgotten. */
  planPrefixDeletion(id: number, logStartOffset: bigint): { ops: KvOp[]; apply: () => void } {
    const gone = [...this.aborted, ...this.committed].filter((t) => t.lastOffset < logStartOffset);
    if (gone.length === 0) return { ops: [], apply: () => undefined };
    return {
      ops: gone.map((t) => ({ type: 'del' as const, key: txnCompletedKey(id, t.lastOffset) })),
      apply: () => {
        this.aborted = this.aborted.filter((t) => t.lastOffset >= logStartOffset);
        this.committed = this.committed.filter((t) => t.lastOffset >= logStartOffset);
      },
    };
  }
}

/**
 * What an item's batches do to the partition's transactions, judged
 * against `overlay` (this call's earlier items) over `txns.pending`: a
 * transactional data batch of a producer with no open transaction begins
 * one; a marker ends the producer's open transaction (a marker for none —
 * a retried marker — changes nothing, as in Kafka).
 */
export function stageTxnChanges(txns: PartitionTxns, overlay: Map<bigint, bigint | null>, frames: readonly BatchFrame[]): TxnChange[] {
  const changes: TxnChange[] = [];
  for (const f of frames) {
    if (!f.isTransactional || f.producerId < 0n) continue;
    const staged = overlay.get(f.producerId);
    const open = staged === undefined ? txns.pending.get(f.producerId) : staged ?? undefined;
    if (!f.isControl) {
      if (open !== undefined) continue;
      overlay.set(f.producerId, f.baseOffset);
      changes.push({ kind: 'begin', producerId: f.producerId, firstOffset: f.baseOffset });
    } else if (f.marker !== undefined && open !== undefined) {
      overlay.set(f.producerId, null);
      changes.push({ kind: 'end', txn: { producerId: f.producerId, firstOffset: open, lastOffset: f.baseOffset, aborted: !f.marker.commit } });
    }
  }
  return changes;
}

/** Applies a call's overlay to `pending` once the call is committed to the queue. */
export function commitTxnOverlay(txns: PartitionTxns, overlay: Map<bigint, bigint | null>): void {
  for (const [pid, first] of overlay) {
    if (first === null) txns.pending.delete(pid);
    else txns.pending.set(pid, first);
  }
}

/** The side-key ops of a write's changes. */
export function txnChangeOps(id: number, changes: readonly TxnChange[]): KvOp[] {
  const ops: KvOp[] = [];
  for (const c of changes) {
    if (c.kind === 'begin') ops.push({ type: 'put', key: txnOngoingKey(id, c.producerId), value: encodeOffset(c.firstOffset) });
    else {
      ops.push({ type: 'del', key: txnOngoingKey(id, c.txn.producerId) });
      const value = Buffer.allocUnsafe(17);
      value.writeBigInt64BE(c.txn.producerId, 0);
      value.writeBigInt64BE(c.txn.firstOffset, 8);
      value.writeUInt8(c.txn.aborted ? 1 : 0, 16);
      ops.push({ type: 'put', key: txnCompletedKey(id, c.txn.lastOffset), value });
    }
  }
  return ops;
}

/** Reads a partition's transaction keys back (recovery). */
export async function loadTxns(kv: Kv, id: number): Promise<{ ongoing: [bigint, bigint][]; completed: CompletedTxn[] }> {
  const ongoing: [bigint, bigint][] = [];
  const completed: CompletedTxn[] = [];
  const it = kv.iterate({ ...txnRange(id) });
  try {
    for (let e = await it.next(); e !== undefined; e = await it.next()) {
      const [key, value] = e;
      const sub = key[6];
      if (sub === TXN_ONGOING) ongoing.push([key.readBigInt64BE(7), value.readBigInt64BE(0)]);
      else if (sub === TXN_COMPLETED) {
        completed.push({ producerId: value.readBigInt64BE(0), firstOffset: value.readBigInt64BE(8), lastOffset: key.readBigInt64BE(7), aborted: value.readUInt8(16) === 1 });
      }
    }
  } finally {
    await it.close();
  }
  return { ongoing, completed };
}

function encodeOffset(offset: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(offset, 0);
  return b;
}
