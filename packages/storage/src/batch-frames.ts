import { GregorError } from '@gregor/common';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BATCH_HEADER_SIZE,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
  batchSizeAt,
  isControlBatch,
  isTransactionalBatch,
  readTxnMarker,
} from '@gregor/record-batch';

/**
 * One batch inside an append buffer, located from its header alone. The
 * broker has already validated CRCs and records; storage only needs the
 * framing to be sound, because it slices the buffer into one key per batch.
 */
export interface BatchFrame {
  pos: number;
  size: number;
  baseOffset: bigint;
  lastOffsetDelta: number;
  partitionLeaderEpoch: number;
  maxTimestamp: bigint;
  recordCount: number;
  /** Idempotent producers (KIP-98): -1 when the batch has none. */
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isControl: boolean;
  /** Part of a transaction (KIP-98): data of an open transaction, or its marker. */
  isTransactional: boolean;
  /** A transaction marker's outcome (control batches only; undefined for other control records). */
  marker: { commit: boolean; coordinatorEpoch: number } | undefined;
}

/** Splits concatenated v2 batches; throws CORRUPT_MESSAGE when the framing does not add up. */
export function frameBatches(buf: Buffer, context: { topic: string; partition: number }): BatchFrame[] {
  if (buf.length === 0) throw new GregorError('CORRUPT_MESSAGE', 'append with no record batches', context);
  const frames: BatchFrame[] = [];
  for (let pos = 0; pos < buf.length; ) {
    if (buf.length - pos < BATCH_HEADER_SIZE) {
      throw new GregorError('CORRUPT_MESSAGE', `truncated batch header at byte ${pos}`, context);
    }
    const size = batchSizeAt(buf, pos);
    if (size < BATCH_HEADER_SIZE || pos + size > buf.length) {
      throw new GregorError('CORRUPT_MESSAGE', `batch at byte ${pos} claims ${size} bytes, ${buf.length - pos} left`, context);
    }
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    if (magic !== CURRENT_MAGIC) throw new GregorError('CORRUPT_MESSAGE', `batch at byte ${pos} has magic ${magic}`, context);
    const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    if (lastOffsetDelta < 0) {
      throw new GregorError('CORRUPT_MESSAGE', `batch at byte ${pos} has lastOffsetDelta ${lastOffsetDelta}`, context);
    }
    const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
    const isControl = isControlBatch(attributes);
    frames.push({
      pos,
      size,
      baseOffset: buf.readBigInt64BE(pos),
      lastOffsetDelta,
      partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
      maxTimestamp: buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET),
      recordCount: buf.readInt32BE(pos + RECORD_COUNT_OFFSET),
      producerId: buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET),
      producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
      baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
      isControl,
      isTransactional: isTransactionalBatch(attributes),
      marker: isControl ? readTxnMarker(buf.subarray(pos, pos + size)) : undefined,
    });
    pos += size;
  }
  return frames;
}

/** The header fields of a stored batch that storage decisions need. */
export function summarizeStoredBatch(value: Buffer): { lastOffset: bigint; maxTimestamp: bigint; sizeBytes: number } {
  return {
    lastOffset: value.readBigInt64BE(0) + BigInt(value.readInt32BE(LAST_OFFSET_DELTA_OFFSET)),
    maxTimestamp: value.readBigInt64BE(MAX_TIMESTAMP_OFFSET),
    sizeBytes: value.length,
  };
}
