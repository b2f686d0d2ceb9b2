import { KafkaProtocolError } from './errors';
import { readUuid } from './uuid';
import { MAX_STRING_BYTES } from './writer';

/**
 * Reads Kafka's primitive types from a frame, big-endian, as in
 * https://kafka.apache.org/protocol#protocol_types. `flexible` selects the
 * compact forms of flexible versions (KIP-482): unsigned-varint lengths
 * stored as N+1, 0 meaning null.
 *
 * Invariants: no read passes `end` (every read checks first and throws a
 * `truncated` KafkaProtocolError), and no length or count read from the
 * input is trusted beyond the bytes left: strings and bytes must fit in
 * them, and an array may not claim more elements than there are bytes (as
 * Kafka's generated readers check), so garbage cannot make us allocate.
 * Bytes and records come back as views of the input buffer, not copies.
 */
export class Reader {
  private pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new KafkaProtocolError('truncated', `${what} needs ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`, {
        offset: this.pos,
      });
    }
  }

  skip(n: number): void {
    this.need(n, 'skip');
    this.pos += n;
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    // Within ±2^53 the value is exact as a Number: one BigInt() instead of Buffer's shift-and-add in bigint.
    if (hi >= -0x20_0000 && hi < 0x20_0000) return BigInt(hi * 0x1_0000_0000 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  uuid(): string {
    this.need(16, 'uuid');
    const v = readUuid(this.buf, this.pos);
    this.pos += 16;
    return v;
  }

  /** Unsigned varint of at most 5 bytes (a uint32), as Kafka's ByteUtils.readUnsignedVarint. */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1, 'varint');
      const b = this.buf[this.pos++]!;
      value |= (b & 0x7f) << shift;
      if (b < 0x80) return value >>> 0;
    }
    throw new KafkaProtocolError('malformed', `varint longer than 5 bytes at offset ${this.pos - 5}`, { offset: this.pos - 5 });
  }

  /** Zigzag-encoded signed varint (int32). */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zigzag-encoded signed varlong (int64), at most 10 bytes. */
  varlong(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1, 'varlong');
      const b = this.buf[this.pos++]!;
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        const u = BigInt.asUintN(64, value);
        return (u >> 1n) ^ -(u & 1n);
      }
    }
    throw new KafkaProtocolError('malformed', `varlong longer than 10 bytes at offset ${this.pos - 10}`, { offset: this.pos - 10 });
  }

  /** A length prefix: -1 (null) or a length that fits in what is left. */
  private length(flexible: boolean, wide: boolean, what: string): number {
    const at = this.pos;
    const n = flexible ? this.uvarint() - 1 : wide ? this.int32() : this.int16();
    if (n < -1) throw new KafkaProtocolError('malformed', `${what} length ${n} at offset ${at}`, { offset: at });
    if (n > this.end - this.pos) {
      throw new KafkaProtocolError('truncated', `${what} of ${n} bytes at offset ${at}, ${this.end - this.pos} left`, { offset: at });
    }
    return n;
  }

  nullableString(flexible: boolean): string | null {
    const at = this.pos;
    const n = this.length(flexible, false, 'string');
    if (n === -1) return null;
    if (n > MAX_STRING_BYTES) throw new KafkaProtocolError('malformed', `string of ${n} bytes at offset ${at} is over Kafka's limit of ${MAX_STRING_BYTES}`, { offset: at });
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  string(flexible: boolean): string {
    const at = this.pos;
    const s = this.nullableString(flexible);
    if (s === null) throw new KafkaProtocolError('malformed', `null string at offset ${at} where the version allows none`, { offset: at });
    return s;
  }

  /** A view of the input, not a copy. */
  nullableBytes(flexible: boolean): Buffer | null {
    const n = this.length(flexible, true, 'bytes');
    if (n === -1) return null;
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  bytes(flexible: boolean): Buffer {
    const at = this.pos;
    const b = this.nullableBytes(flexible);
    if (b === null) throw new KafkaProtocolError('malformed', `null bytes at offset ${at} where the version allows none`, { offset: at });
    return b;
  }

  /** Array element count, or -1 for null; never more elements than bytes left. */
  arrayLength(flexible: boolean): number {
    const at = this.pos;
    const n = flexible ? this.uvarint() - 1 : this.int32();
    if (n < -1) throw new KafkaProtocolError('malformed', `array length ${n} at offset ${at}`, { offset: at });
    if (n > this.end - this.pos) {
      throw new KafkaProtocolError('malformed', `array of ${n} elements at offset ${at} in ${this.end - this.pos} bytes`, { offset: at });
    }
    return n;
  }

  nullableArray<T>(flexible: boolean, readElement: (r: Reader) => T): T[] | null {
    const n = this.arrayLength(flexible);
    if (n === -1) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(readElement(this));
    return out;
  }

  array<T>(flexible: boolean, readElement: (r: Reader) => T): T[] {
    const at = this.pos;
    const a = this.nullableArray(flexible, readElement);
    if (a === null) throw new KafkaProtocolError('malformed', `null array at offset ${at} where the version allows none`, { offset: at });
    return a;
  }

  /**
   * The tagged-field section of a flexible struct: count, then (tag, size,
   * data) each. `onField` gets every tag with a reader bounded to that
   * field's bytes; whatever it does not read (an unknown tag) is skipped,
   * as KIP-482 lets an older reader do.
   */
  taggedFields(onField?: (tag: number, r: Reader) => void): void {
    const count = this.uvarint();
    if (count > this.end - this.pos) {
      throw new KafkaProtocolError('malformed', `${count} tagged fields in ${this.end - this.pos} bytes`, { offset: this.pos });
    }
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      this.need(size, `tagged field ${tag}`);
      if (onField !== undefined) onField(tag, new Reader(this.buf, this.pos, this.pos + size));
      this.pos += size;
    }
  }
}
