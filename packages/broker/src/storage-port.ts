import type { GregorError } from '@gregor/common';
import type { FollowerLog } from '@gregor/replication-fetcher';

/**
 * What the broker needs from the partition log (@gregor/storage). The broker
 * takes these as arguments instead of constructing storage itself, so tests
 * can inject faults (a failing append must become KAFKA_STORAGE_ERROR on the
 * wire, not a crash) and the node decides how storage is opened. The real
 * `LogStore` satisfies this interface structurally.
 */
export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  recordCount: number;
  bytes: number;
  /**
   * An idempotent producer's retry of a batch already in the log (KIP-98):
   * not written again; offsets and maxTimestamp are the original's.
   */
  duplicate?: boolean;
}

/**
 * Per item of appendMany: the result, or the error the log's producer-state
 * check refused that item with (OUT_OF_ORDER_SEQUENCE_NUMBER,
 * INVALID_PRODUCER_EPOCH, DUPLICATE_SEQUENCE_NUMBER) — nothing of it written.
 */
export type AppendOutcome = AppendResult | GregorError;

export interface ReadResult {
  /** Whole batches; the first may start before the fetch offset. */
  records: Buffer;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export interface RetentionLimits {
  /** -1 = keep forever. */
  retentionMs: number;
  /** -1 = no size limit. */
  retentionBytes: number;
}

/**
 * A partition log as the broker uses it: as leader (read, retention, the
 * epoch cache for OffsetsForLeaderEpoch) and, through the FollowerLog part,
 * handed to the replication fetcher as follower.
 */
export interface PartitionLogPort extends FollowerLog {
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly highWatermark: bigint;
  /** The high watermark, or the first offset of the oldest open transaction if lower (KIP-98). */
  readonly lastStableOffset: bigint;
  /** Aborted transactions overlapping [fetchOffset, upperOffset), for read_committed fetches. */
  abortedTransactions(fetchOffset: bigint, upperOffset: bigint): { producerId: bigint; firstOffset: bigint }[];
  /** Whether `producerId` has a transaction open here, appends still being written included. */
  hasOpenTransaction(producerId: bigint): boolean;
  /** Transactions open here (on disk): producer id → offset of the first batch. */
  openTransactions(): ReadonlyMap<bigint, bigint>;
  /** Every producer with state here: its epoch, newest batches (sequences) and last timestamp. */
  producerStates(): Iterable<{ producerId: bigint; epoch: number; lastTimestamp: bigint; batches: readonly { lastSeq: number }[] }>;
  setHighWatermark(offset: bigint): unknown;
  read(fetchOffset: bigint, maxBytes: number, maxOffset?: bigint): Promise<ReadResult>;
  /** logEndOffset plus the appends given offsets but still being written. */
  readonly assignedEndOffset: bigint;
  /** A follower's read: up to assignedEndOffset, batches still being written included (storage's PartitionLog.readForFollower). */
  readForFollower(fetchOffset: bigint, maxBytes: number): Promise<ReadResult>;
  offsetForTimestamp(timestampMs: bigint): Promise<{ offset: bigint; timestamp: bigint } | undefined>;
  /** The first record with the greatest timestamp below `upperOffset` (ListOffsets MAX_TIMESTAMP, KIP-734). */
  offsetForMaxTimestamp(upperOffset?: bigint): Promise<{ offset: bigint; timestamp: bigint } | undefined>;
  applyRetention(limits: RetentionLimits, nowMs: number): Promise<unknown>;
  /** cleanup.policy=compact: keep the latest record per key below the HW (storage's PartitionLog.compact). */
  compact(opts: CompactionSettings): Promise<unknown>;
}

export interface CompactionSettings {
  /** delete.retention.ms: how long a tombstone stays after its timestamp. */
  deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio: a pass runs once this share of the log was written since the last one. */
  minCleanableDirtyRatio: number;
  nowMs: number;
}

export interface AppendRequest<L> {
  log: L;
  /** One or more validated RecordBatch v2 batches, concatenated. */
  batches: Buffer;
  leaderEpoch: number;
}

export interface LogStorePort<L extends PartitionLogPort = PartitionLogPort> {
  openPartition(topic: string, partition: number): Promise<L>;
  getPartition(topic: string, partition: number): L | undefined;
  listPartitions(): Iterable<{ topic: string; partition: number }> | Promise<Iterable<{ topic: string; partition: number }>>;
  deletePartition(topic: string, partition: number): Promise<unknown>;
  /**
   * All appends of one produce request in one storage write; idempotent
   * batches are checked against each partition's producer state in the same
   * step that assigns their offsets. Rejects only when the whole write failed.
   */
  appendMany(requests: AppendRequest<L>[]): Promise<AppendOutcome[]>;
  /** Appends wait behind the write in flight (storage's LogStore.writesWaiting). */
  readonly writesWaiting: boolean;
}
