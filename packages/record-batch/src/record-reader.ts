import type { GregorError } from '@gregor/common';
import { corrupt } from './batch-frame';
import { type BatchHeader, TimestampType, timestampTypeOf } from './header';
import type { DecodedRecord, RecordHeader } from './types';

/**
 * Parses the records section of a batch (Kafka's DefaultRecord):
 *
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
 *   keyLength varint | key | valueLength varint | value
 *   headerCount varint | [headerKeyLength varint | headerKey | headerValueLength varint | headerValue]
 *
 * Every read is bounded by the enclosing record (`limit`), so a bad length
 * inside one record is reported there instead of reading its neighbour.
 */
class RecordReader {
  pos: number;
  limit: number;
  index = 0;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
    readonly batchPos: number,
  ) {
    this.pos = start;
    this.limit = end;
  }

  fail(message: string): GregorError {
    return corrupt(`record ${this.index}: ${message}`, this.batchPos);
  }

  readInt8(): number {
    if (this.pos >= this.limit) throw this.fail('ends before its attributes');
    return this.buf.readInt8(this.pos++);
  }

  readVarint(field: string): number {
    let raw = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.limit) throw this.fail(`${field} varint runs past the end of the record`);
      const b = this.buf[this.pos++]!;
      raw |= (b & 0x7f) << shift; // bits past 32 drop, as in Kafka's ByteUtils
      if (b < 0x80) return (raw >>> 1) ^ -(raw & 1);
    }
    throw this.fail(`${field} varint is longer than 5 bytes`);
  }

  readVarlong(field: string): bigint {
    // Up to 7 bytes (49 bits) add up exactly in a double; longer ones are rare
    // (deltas beyond ~8900 years) and take the bigint path.
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.limit) throw this.fail(`${field} varlong runs past the end of the record`);
      const b = this.buf[this.pos++]!;
      raw += (b & 0x7f) * scale;
      if (b < 0x80) return BigInt(raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2);
      scale *= 128;
    }
    let big = BigInt(raw);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      if (this.pos >= this.limit) throw this.fail(`${field} varlong runs past the end of the record`);
      const b = this.buf[this.pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        const u = BigInt.asUintN(64, big);
        return (u >> 1n) ^ -(u & 1n);
      }
    }
    throw this.fail(`${field} varlong is longer than 10 bytes`);
  }

  /** A length-prefixed byte string; -1 is null. Returns a view, not a copy. */
  readBytes(field: string): Buffer | null {
    const length = this.readVarint(`${field} length`);
    if (length === -1) return null;
    if (length < -1) throw this.fail(`${field} length ${length} is negative`);
    const start = this.pos;
    if (length > this.limit - start) {
      throw this.fail(`${field} length ${length} overruns the record by ${length - (this.limit - start)} bytes`);
    }
    this.pos = start + length;
    return this.buf.subarray(start, this.pos);
  }

  readHeaders(): RecordHeader[] {
    const count = this.readVarint('header count');
    if (count < 0) throw this.fail(`header count ${count} is negative`);
    // Each header takes at least 2 bytes; checked before allocating for it.
    if (count > (this.limit - this.pos) / 2) {
      throw this.fail(`header count ${count} cannot fit in the ${this.limit - this.pos} bytes left`);
    }
    const headers: RecordHeader[] = [];
    for (let h = 0; h < count; h++) {
      const keyLength = this.readVarint('header key length');
      if (keyLength < 0) throw this.fail(`header ${h} key length ${keyLength} (null header keys are not allowed)`);
      if (keyLength > this.limit - this.pos) throw this.fail(`header ${h} key length ${keyLength} overruns the record`);
      const key = this.buf.toString('utf8', this.pos, this.pos + keyLength);
      this.pos += keyLength;
      headers.push({ key, value: this.readBytes(`header ${h} value`) });
    }
    return headers;
  }
}

/** Decodes all `header.recordCount` records of `data[start, end)`, which must hold exactly them. */
export function decodeRecords(
  data: Buffer,
  start: number,
  end: number,
  header: BatchHeader,
  batchPos: number,
): DecodedRecord[] {
  const reader = new RecordReader(data, start, end, batchPos);
  // Kafka reports a LogAppendTime batch's maxTimestamp (set by the broker)
  // as every record's timestamp; the stored deltas are the producer's.
  const logAppendTime =
    timestampTypeOf(header.attributes) === TimestampType.LogAppendTime ? header.maxTimestamp : undefined;
  const records: DecodedRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    reader.index = i;
    reader.limit = end;
    if (reader.pos >= end) {
      throw corrupt(`records section ends after ${i} of ${header.recordCount} records`, batchPos);
    }
    const bodySize = reader.readVarint('length');
    if (bodySize < 0) throw reader.fail(`length ${bodySize} is negative`);
    const bodyStart = reader.pos;
    if (bodySize > end - bodyStart) {
      throw reader.fail(`length ${bodySize} overruns the records section by ${bodySize - (end - bodyStart)} bytes`);
    }
    reader.limit = bodyStart + bodySize;
    const attributes = reader.readInt8();
    const timestampDelta = reader.readVarlong('timestampDelta');
    const offsetDelta = reader.readVarint('offsetDelta');
    const key = reader.readBytes('key');
    const value = reader.readBytes('value');
    const headers = reader.readHeaders();
    if (reader.pos !== reader.limit) {
      throw reader.fail(`length ${bodySize} but its fields end after ${reader.pos - bodyStart} bytes`);
    }
    records.push({
      offset: header.baseOffset + BigInt(offsetDelta),
      timestamp:
        logAppendTime ?? (timestampDelta === 0n ? header.baseTimestamp : header.baseTimestamp + timestampDelta),
      key,
      value,
      headers,
      attributes,
    });
  }
  if (reader.pos !== end) {
    throw corrupt(`${end - reader.pos} bytes follow the last of ${header.recordCount} records`, batchPos);
  }
  return records;
}
