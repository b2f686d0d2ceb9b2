import { decodeKeyedBatches, encodeKeyedBatch, type DecodedChunk } from '@gregor/coordinator-runtime';
import { decodeRecord, encodeRecord, type CoordinatorRecord } from './records';

/** Coordinator records as one RecordBatch v2 (uncompressed), stamped with `timestampMs`. */
export function encodeCoordinatorBatch(records: readonly CoordinatorRecord[], timestampMs: number): Buffer {
  return encodeKeyedBatch(records.map(encodeRecord), timestampMs);
}

/**
 * The coordinator records in `bytes` at or after `fromOffset`. A record
 * whose key is not an offsets-topic key is counted and skipped, like
 * Kafka's loader does with unknown record types; a malformed known record
 * throws CORRUPT_MESSAGE.
 */
export function decodeCoordinatorBatches(bytes: Buffer, fromOffset: bigint): DecodedChunk<CoordinatorRecord> {
  return decodeKeyedBatches(bytes, fromOffset, (key, value) => (key === null || key.length < 2 || key.readInt16BE(0) > 2 ? undefined : decodeRecord(key, value)));
}
