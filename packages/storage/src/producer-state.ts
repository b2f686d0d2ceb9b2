import { assert, type ErrorName } from '@gregor/common';

/**
 * Idempotent-producer state of one partition (KIP-98): for each producer id,
 * its epoch and the metadata of its last five batches. Pure functions over
 * immutable entries, so a leader can stage the changes of a whole produce
 * request and drop them if anything in it fails, and the same rules serve
 * the leader (check, then apply), followers and recovery (apply only).
 *
 * The rules are Kafka's ProducerStateManager / ProducerAppendInfo (3.x):
 * - a batch of the producer's current epoch whose sequence range equals one
 *   of the cached five is a duplicate: answered with the original offsets,
 *   not appended again;
 * - an older epoch is INVALID_PRODUCER_EPOCH (a zombie of a bumped producer);
 * - a newer epoch must start at sequence 0 (KIP-360 bump), unless the
 *   producer is unknown here;
 * - the current epoch must continue at lastSeq + 1, wrapping from
 *   2^31 - 1 to 0; anything else is OUT_OF_ORDER_SEQUENCE_NUMBER;
 * - a producer unknown here must start at sequence 0, else
 *   UNKNOWN_PRODUCER_ID. Kafka since 2.5 (KIP-360) accepts any sequence
 *   there, because its retention could delete a producer's state; Gregor's
 *   retention keeps the state (only producer.id.expiration.ms of silence
 *   removes it), and accepting would let a new producer's second batch in
 *   ahead of its first when the first was refused (NOT_ENOUGH_REPLICAS) and
 *   the second was already in flight. The client retries it behind the
 *   first, or — when it is its oldest batch, after a day of silence — fails
 *   it and restarts its sequences in a new epoch.
 */

/** Batches remembered per producer: a client keeps at most this many in flight per partition. */
export const PRODUCER_BATCHES_RETAINED = 5;
export const MAX_SEQUENCE = 0x7fff_ffff;

export interface ProducerBatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  /** The batch's maxTimestamp (its append time on LogAppendTime topics). */
  readonly timestamp: bigint;
}

export interface ProducerEntry {
  readonly producerId: bigint;
  readonly epoch: number;
  /** The newest batches of `epoch`, oldest first, at most PRODUCER_BATCHES_RETAINED. */
  readonly batches: readonly ProducerBatchMetadata[];
  /** maxTimestamp of the newest batch; what expiration compares (Kafka's lastTimestamp). */
  readonly lastTimestamp: bigint;
}

/** What the rules need from one batch header. */
export interface ProducerBatchInfo {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: bigint;
}

export type ProducerCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly original: ProducerBatchMetadata }
  | {
      readonly kind: 'reject';
      readonly error: ErrorName;
      readonly message: string;
      /**
       * The batch is ahead of the producer's sequence (or the producer is
       * unknown and it does not start at 0): the batches before it may still
       * be on their way — HTTP/2 does not keep a connection's requests in
       * order — so a leader may hold it briefly instead of refusing it.
       */
      readonly early?: boolean;
    };

/** Read-only view of a table, so staged changes can sit on top of the real one. */
export interface ProducerLookup {
  get(producerId: bigint): ProducerEntry | undefined;
}

/** Sequence of the batch's last record: sequences wrap at 2^31 - 1 (Kafka's incrementSequence). */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > MAX_SEQUENCE - lastOffsetDelta ? lastOffsetDelta - (MAX_SEQUENCE - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

export function isNextSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQUENCE);
}

/** Whether the header carries a producer id at all (non-idempotent batches have -1). */
export function hasProducerId(batch: Pick<ProducerBatchInfo, 'producerId'>): boolean {
  return batch.producerId >= 0n;
}

/**
 * A batch with a producer id but no sequence (-1): written by the broker's
 * own coordinator (TxnOffsetCommit's transactional offsets), never by a
 * client — the produce path refuses that from clients. Only the epoch is
 * checked and kept (Kafka's AppendOrigin.Coordinator).
 */
export function isUnsequenced(batch: Pick<ProducerBatchInfo, 'baseSequence'>): boolean {
  return batch.baseSequence < 0;
}

/** The leader's decision for one batch of a producer (the caller skips batches without producer id). */
export function checkProducerBatch(entry: ProducerEntry | undefined, batch: ProducerBatchInfo): ProducerCheck {
  if (isUnsequenced(batch)) {
    if (entry !== undefined && batch.producerEpoch < entry.epoch) {
      return { kind: 'reject', error: 'INVALID_PRODUCER_EPOCH', message: `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than the current epoch ${entry.epoch}` };
    }
    return { kind: 'append' };
  }
  const firstSeq = batch.baseSequence;
  const lastSeq = lastSequenceOf(firstSeq, batch.lastOffsetDelta);
  if (entry === undefined) {
    if (firstSeq === 0) return { kind: 'append' };
    return { kind: 'reject', error: 'UNKNOWN_PRODUCER_ID', message: `producer ${batch.producerId} is unknown here and starts at sequence ${firstSeq}, not 0`, early: true };
  }
  if (batch.producerEpoch === entry.epoch) {
    const original = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (original !== undefined) return { kind: 'duplicate', original };
  }
  if (batch.producerEpoch < entry.epoch) {
    return {
      kind: 'reject',
      error: 'INVALID_PRODUCER_EPOCH',
      message: `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than the current epoch ${entry.epoch}`,
    };
  }
  if (batch.producerEpoch > entry.epoch) {
    if (firstSeq === 0) return { kind: 'append' };
    return {
      kind: 'reject',
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      message: `producer ${batch.producerId} starts its new epoch ${batch.producerEpoch} at sequence ${firstSeq}, not 0 (current epoch ${entry.epoch})`,
    };
  }
  const newest = entry.batches[entry.batches.length - 1];
  if (newest === undefined || isNextSequence(newest.lastSeq, firstSeq)) return { kind: 'append' };
  return {
    kind: 'reject',
    error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    message: `producer ${batch.producerId} epoch ${batch.producerEpoch}: sequence ${firstSeq}-${lastSeq} does not follow ${newest.lastSeq}`,
    early: sequenceDistance(newest.lastSeq, firstSeq) < SEQUENCE_SPACE / 2,
  };
}

const SEQUENCE_SPACE = MAX_SEQUENCE + 1;

/** How far `to` is ahead of `from` on the 2^31 sequence circle. */
function sequenceDistance(from: number, to: number): number {
  return (((to - from) % SEQUENCE_SPACE) + SEQUENCE_SPACE) % SEQUENCE_SPACE;
}

/**
 * The entry after `batch` is in the log at `firstOffset`. No checks: what is
 * in the log is the truth, so followers and recovery apply whatever they
 * find (a replicated older epoch replaces a newer one, as in Kafka).
 */
export function applyProducerBatch(entry: ProducerEntry | undefined, batch: ProducerBatchInfo, firstOffset: bigint): ProducerEntry {
  if (isUnsequenced(batch)) return applyMarkerEpoch(entry, batch.producerId, batch.producerEpoch, batch.maxTimestamp);
  const meta: ProducerBatchMetadata = {
    firstSeq: batch.baseSequence,
    lastSeq: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
    firstOffset,
    lastOffset: firstOffset + BigInt(batch.lastOffsetDelta),
    timestamp: batch.maxTimestamp,
  };
  const kept = entry === undefined || entry.epoch !== batch.producerEpoch ? [] : entry.batches.slice(-(PRODUCER_BATCHES_RETAINED - 1));
  kept.push(meta);
  return { producerId: batch.producerId, epoch: batch.producerEpoch, batches: kept, lastTimestamp: batch.maxTimestamp };
}

/**
 * A transaction marker of the producer is in the log: a marker written by
 * the coordinator with a bumped epoch (fencing an open transaction, or one
 * that timed out) makes that epoch the producer's, so the fenced
 * producer's later batches are INVALID_PRODUCER_EPOCH here (KIP-98). The
 * same epoch keeps the producer's sequences (they continue across
 * transactions); an older one changes nothing.
 */
export function applyMarkerEpoch(entry: ProducerEntry | undefined, producerId: bigint, producerEpoch: number, timestamp: bigint): ProducerEntry {
  if (entry === undefined) return { producerId, epoch: producerEpoch, batches: [], lastTimestamp: timestamp };
  if (producerEpoch <= entry.epoch) return { ...entry, lastTimestamp: timestamp > entry.lastTimestamp ? timestamp : entry.lastTimestamp };
  return { producerId, epoch: producerEpoch, batches: [], lastTimestamp: timestamp };
}

/** Producers not heard from since `cutoffMs` (Kafka's producer.id.expiration.ms). */
export function isExpired(entry: ProducerEntry, cutoffMs: bigint): boolean {
  return entry.lastTimestamp < cutoffMs;
}

// ---- snapshot encoding ------------------------------------------------------
//
// version u8 | offset i64 | count u32 | count × (producerId i64, epoch i16,
// lastTimestamp i64, n u8, n × (firstSeq i32, lastSeq i32, firstOffset i64,
// lastOffset i64, timestamp i64)). About 180 bytes per producer.

const SNAPSHOT_VERSION = 1;
const ENTRY_HEADER_BYTES = 8 + 2 + 8 + 1;
const BATCH_BYTES = 4 + 4 + 8 + 8 + 8;

export interface ProducerSnapshot {
  /** The log end offset the table describes: replay batches from here on. */
  readonly offset: bigint;
  readonly entries: readonly ProducerEntry[];
}

export function encodeProducerSnapshot(offset: bigint, entries: Iterable<ProducerEntry>): Buffer {
  const list = [...entries];
  let size = 1 + 8 + 4;
  for (const e of list) size += ENTRY_HEADER_BYTES + e.batches.length * BATCH_BYTES;
  const buf = Buffer.allocUnsafe(size);
  let pos = buf.writeUInt8(SNAPSHOT_VERSION, 0);
  pos = buf.writeBigInt64BE(offset, pos);
  pos = buf.writeUInt32BE(list.length, pos);
  for (const e of list) {
    pos = buf.writeBigInt64BE(e.producerId, pos);
    pos = buf.writeInt16BE(e.epoch, pos);
    pos = buf.writeBigInt64BE(e.lastTimestamp, pos);
    pos = buf.writeUInt8(e.batches.length, pos);
    for (const b of e.batches) {
      pos = buf.writeInt32BE(b.firstSeq, pos);
      pos = buf.writeInt32BE(b.lastSeq, pos);
      pos = buf.writeBigInt64BE(b.firstOffset, pos);
      pos = buf.writeBigInt64BE(b.lastOffset, pos);
      pos = buf.writeBigInt64BE(b.timestamp, pos);
    }
  }
  assert(pos === size, `producer snapshot encoded ${pos} of ${size} bytes`);
  return buf;
}

/** The offset of an encoded snapshot, without decoding its entries. */
export function snapshotOffsetOf(buf: Buffer): bigint {
  assert(buf.length >= 13 && buf.readUInt8(0) === SNAPSHOT_VERSION, `producer snapshot has version ${buf.length > 0 ? buf.readUInt8(0) : 'none'}`);
  return buf.readBigInt64BE(1);
}

export function decodeProducerSnapshot(buf: Buffer): ProducerSnapshot {
  assert(buf.length >= 13 && buf.readUInt8(0) === SNAPSHOT_VERSION, `producer snapshot has version ${buf.length > 0 ? buf.readUInt8(0) : 'none'}`);
  const offset = buf.readBigInt64BE(1);
  const count = buf.readUInt32BE(9);
  let pos = 13;
  const entries: ProducerEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert(pos + ENTRY_HEADER_BYTES <= buf.length, 'producer snapshot is truncated');
    const producerId = buf.readBigInt64BE(pos);
    const epoch = buf.readInt16BE(pos + 8);
    const lastTimestamp = buf.readBigInt64BE(pos + 10);
    const n = buf.readUInt8(pos + 18);
    pos += ENTRY_HEADER_BYTES;
    assert(n <= PRODUCER_BATCHES_RETAINED && pos + n * BATCH_BYTES <= buf.length, `producer snapshot entry with ${n} batches`);
    const batches: ProducerBatchMetadata[] = [];
    for (let j = 0; j < n; j++, pos += BATCH_BYTES) {
      batches.push({
        firstSeq: buf.readInt32BE(pos),
        lastSeq: buf.readInt32BE(pos + 4),
        firstOffset: buf.readBigInt64BE(pos + 8),
        lastOffset: buf.readBigInt64BE(pos + 16),
        timestamp: buf.readBigInt64BE(pos + 24),
      });
    }
    entries.push({ producerId, epoch, batches, lastTimestamp });
  }
  assert(pos === buf.length, `producer snapshot has ${buf.length - pos} trailing bytes`);
  return { offset, entries };
}
