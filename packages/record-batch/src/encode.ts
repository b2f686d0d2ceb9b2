import { assert, GregorError } from '@gregor/common';
import { checkCompression, updateBatchCrc } from './batch-frame';
import { checkCompressionLevel, compressRecords } from './compression';
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  CONTROL_FLAG_MASK,
  CURRENT_MAGIC,
  CompressionType,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  TimestampType,
} from './header';
import type { RecordHeader, RecordInput } from './types';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint';

export interface EncodeBatchOptions {
  /** Default 0n: a producer leaves it 0 and the leader assigns the real offset. */
  baseOffset?: bigint;
  /** Default -1; the leader overwrites it. */
  partitionLeaderEpoch?: number;
  /** None (default), Gzip, Snappy, Lz4 or Zstd; ids 5-7 throw UNSUPPORTED_COMPRESSION_TYPE. */
  compression?: CompressionType;
  /**
   * Gzip: zlib level 0-9 (zlib's default 6 when absent). Zstd: -131072..22
   * (default 3, as Kafka). Snappy and Lz4 take none (INVALID_REQUEST).
   */
  compressionLevel?: number;
  timestampType?: TimestampType;
  /**
   * Timestamp (ms) of records that carry none; default 0n. The header's
   * baseTimestamp is the first record's timestamp, as Kafka writes it.
   */
  baseTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 0x7fffffff;

/**
 * Encodes one RecordBatch v2. Two passes over the records: the first sizes
 * every record exactly (and validates the input), the second writes into a
 * single buffer of the final size. So there is one allocation per batch (two
 * plus the codec's own when compressed) and no copying, which is what a
 * producer's hot path needs.
 */
export function encodeRecordBatch(records: readonly RecordInput[], opts: EncodeBatchOptions = {}): Buffer {
  const count = records.length;
  if (count === 0) throw new GregorError('INVALID_RECORD', 'a record batch needs at least one record');
  const compression = opts.compression ?? CompressionType.None;
  checkCompression(compression);
  checkCompressionLevel(compression, opts.compressionLevel);
  const fields = headerFields(opts);

  const defaultTimestamp = opts.baseTimestamp ?? 0n;
  checkInt64('baseTimestamp option', defaultTimestamp);
  const baseTimestamp = records[0]!.timestamp ?? defaultTimestamp;
  checkInt64('record 0 timestamp', baseTimestamp, 'INVALID_TIMESTAMP');
  let maxTimestamp = baseTimestamp;

  // Pass 1: sizes. Deltas are kept so pass 2 does no bigint arithmetic.
  const deltas: bigint[] = new Array<bigint>(count);
  const bodySizes = new Int32Array(count);
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const timestamp = record.timestamp ?? defaultTimestamp;
    const delta = timestampDelta(timestamp, baseTimestamp, i);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    deltas[i] = delta;
    const bodySize = recordBodySize(record, delta, i);
    recordsSize += sizeOfVarint(bodySize) + bodySize;
    // Checked per record so a huge key cannot wrap the int32 sizes below.
    if (recordsSize > INT32_MAX - BATCH_HEADER_SIZE) throw tooLarge(recordsSize);
    bodySizes[i] = bodySize;
  }

  // Pass 2: write.
  let out: Buffer;
  if (compression === CompressionType.None) {
    out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + recordsSize);
    writeRecords(out, BATCH_HEADER_SIZE, records, deltas, bodySizes);
  } else {
    const raw = Buffer.allocUnsafe(recordsSize);
    writeRecords(raw, 0, records, deltas, bodySizes);
    const compressed = compressRecords(compression, raw, opts.compressionLevel);
    if (compressed.length > INT32_MAX - BATCH_HEADER_SIZE) throw tooLarge(compressed.length);
    out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length);
    compressed.copy(out, BATCH_HEADER_SIZE);
  }

  const attributes =
    compression |
    (opts.timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_MASK : 0) |
    (opts.isTransactional ? TRANSACTIONAL_FLAG_MASK : 0) |
    (opts.isControl ? CONTROL_FLAG_MASK : 0);
  out.writeBigInt64BE(fields.baseOffset, BASE_OFFSET_OFFSET);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(fields.partitionLeaderEpoch, PARTITION_LEADER_EPOCH_OFFSET);
  out.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  out.writeInt32BE(count - 1, LAST_OFFSET_DELTA_OFFSET);
  out.writeBigInt64BE(baseTimestamp, BASE_TIMESTAMP_OFFSET);
  out.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP_OFFSET);
  out.writeBigInt64BE(fields.producerId, PRODUCER_ID_OFFSET);
  out.writeInt16BE(fields.producerEpoch, PRODUCER_EPOCH_OFFSET);
  out.writeInt32BE(fields.baseSequence, BASE_SEQUENCE_OFFSET);
  out.writeInt32BE(count, RECORD_COUNT_OFFSET);
  updateBatchCrc(out, 0);
  return out;
}

function recordBodySize(record: RecordInput, delta: bigint, index: number): number {
  let size = 1 + sizeOfVarlong(delta) + sizeOfVarint(index); // attributes, timestampDelta, offsetDelta
  size += bytesFieldSize(record.key);
  size += bytesFieldSize(record.value);
  const headers = record.headers;
  if (headers === undefined || headers.length === 0) return size + 1;
  size += sizeOfVarint(headers.length);
  for (let h = 0; h < headers.length; h++) {
    const header = headers[h]!;
    if (typeof header.key !== 'string') {
      throw new GregorError('INVALID_RECORD', `record ${index}: header ${h} has no key (Kafka forbids null header keys)`);
    }
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    size += sizeOfVarint(keyBytes) + keyBytes + bytesFieldSize(header.value);
  }
  return size;
}

function bytesFieldSize(bytes: Buffer | null | undefined): number {
  // A length above int32 would wrap here, but the running batch size check
  // rejects such a record before any of these sizes is used.
  return bytes == null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

function writeRecords(
  buf: Buffer,
  start: number,
  records: readonly RecordInput[],
  deltas: readonly bigint[],
  bodySizes: Int32Array,
): void {
  let pos = start;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const bodySize = bodySizes[i]!;
    pos = writeVarint(buf, pos, bodySize);
    const bodyStart = pos;
    buf[pos++] = 0; // record attributes: unused in v2
    pos = writeVarlong(buf, pos, deltas[i]!);
    pos = writeVarint(buf, pos, i);
    pos = writeBytesField(buf, pos, record.key);
    pos = writeBytesField(buf, pos, record.value);
    pos = writeHeaders(buf, pos, record.headers);
    assert(pos - bodyStart === bodySize, `record ${i} wrote ${pos - bodyStart} bytes, sized ${bodySize}`);
  }
  assert(pos === buf.length, `records section wrote ${pos} bytes into ${buf.length}`);
}

function writeBytesField(buf: Buffer, pos: number, bytes: Buffer | null | undefined): number {
  if (bytes == null) {
    buf[pos] = 0x01; // zigzag(-1): null
    return pos + 1;
  }
  pos = writeVarint(buf, pos, bytes.length);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

function writeHeaders(buf: Buffer, pos: number, headers: readonly RecordHeader[] | undefined): number {
  if (headers === undefined || headers.length === 0) {
    buf[pos] = 0x00;
    return pos + 1;
  }
  pos = writeVarint(buf, pos, headers.length);
  for (const header of headers) {
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    pos = writeVarint(buf, pos, keyBytes);
    pos += buf.write(header.key, pos, keyBytes, 'utf8');
    pos = writeBytesField(buf, pos, header.value);
  }
  return pos;
}

function timestampDelta(timestamp: bigint, baseTimestamp: bigint, index: number): bigint {
  if (timestamp === baseTimestamp) return 0n;
  checkInt64(`record ${index} timestamp`, timestamp, 'INVALID_TIMESTAMP');
  const delta = timestamp - baseTimestamp;
  if (delta < INT64_MIN || delta > INT64_MAX) {
    throw new GregorError(
      'INVALID_TIMESTAMP',
      `record ${index} timestamp ${timestamp} is too far from the first record's ${baseTimestamp} for a 64-bit delta`,
    );
  }
  return delta;
}

interface HeaderFields {
  baseOffset: bigint;
  partitionLeaderEpoch: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
}

function headerFields(opts: EncodeBatchOptions): HeaderFields {
  const fields: HeaderFields = {
    baseOffset: opts.baseOffset ?? 0n,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    producerId: opts.producerId ?? NO_PRODUCER_ID,
    producerEpoch: opts.producerEpoch ?? NO_PRODUCER_EPOCH,
    baseSequence: opts.baseSequence ?? NO_SEQUENCE,
  };
  checkInt64('baseOffset', fields.baseOffset);
  checkInt64('producerId', fields.producerId);
  checkInt('partitionLeaderEpoch', fields.partitionLeaderEpoch, -0x80000000, INT32_MAX);
  checkInt('producerEpoch', fields.producerEpoch, -0x8000, 0x7fff);
  checkInt('baseSequence', fields.baseSequence, -0x80000000, INT32_MAX);
  return fields;
}

function checkInt64(name: string, value: bigint, error: 'INVALID_REQUEST' | 'INVALID_TIMESTAMP' = 'INVALID_REQUEST'): void {
  if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) {
    throw new GregorError(error, `${name} ${String(value)} is not a 64-bit signed bigint`);
  }
}

function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GregorError('INVALID_REQUEST', `${name} ${value} is outside [${min}, ${max}]`);
  }
}

function tooLarge(recordsBytes: number): GregorError {
  return new GregorError(
    'MESSAGE_TOO_LARGE',
    `records section of ${recordsBytes} bytes exceeds the ${INT32_MAX - BATCH_HEADER_SIZE}-byte limit of a batch`,
  );
}
