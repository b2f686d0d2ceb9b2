import { GregorError, type ErrorName } from '@gregor/common';

/**
 * Kafka's classic (non-flexible) primitive encoding, big-endian: int8/16/32/64,
 * STRING and NULLABLE_STRING (int16 length, -1 = null), BYTES (int32 length,
 * -1 = null), ARRAY (int32 count). One implementation for every format built
 * from them: the group coordinator's __consumer_offsets records and the
 * SDK's consumer protocol (subscriptions and assignments). Sizes are
 * computed first so each value is one allocation.
 */
export class KafkaWriter {
  private readonly buf: Buffer;
  private pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  static stringSize(s: string | null): number {
    return 2 + (s === null ? 0 : Buffer.byteLength(s, 'utf8'));
  }

  static bytesSize(b: Buffer | null): number {
    return 4 + (b === null ? 0 : b.length);
  }

  int8(v: number): this {
    this.pos = this.buf.writeInt8(v, this.pos);
    return this;
  }

  int16(v: number): this {
    this.pos = this.buf.writeInt16BE(v, this.pos);
    return this;
  }

  int32(v: number): this {
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }

  int64(v: bigint): this {
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
    return this;
  }

  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const len = Buffer.byteLength(s, 'utf8');
    if (len > 0x7fff) throw new GregorError('INVALID_REQUEST', `string of ${len} bytes does not fit a Kafka STRING`);
    this.int16(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    this.pos += b.copy(this.buf, this.pos);
    return this;
  }

  done(): Buffer {
    if (this.pos !== this.buf.length) throw new Error(`KafkaWriter: wrote ${this.pos} of ${this.buf.length} bytes`);
    return this.buf;
  }
}

/**
 * Reads what KafkaWriter writes. Malformed input (truncated, a negative
 * length other than -1, an array longer than the bytes left) throws a
 * GregorError with `errorCode`: the code the format's users expect (a
 * corrupt stored record, an inconsistent group protocol), and `what` names
 * the value being read.
 */
export class KafkaReader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
    private readonly errorCode: ErrorName = 'CORRUPT_MESSAGE',
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new GregorError(this.errorCode, `${this.what}: needs ${n} more bytes at ${this.pos}, has ${this.buf.length - this.pos}`);
    }
  }

  int8(): number {
    this.need(1);
    const v = this.buf.readInt8(this.pos);
    this.pos += 1;
    return v;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw new GregorError(this.errorCode, `${this.what}: string length ${len}`);
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new GregorError(this.errorCode, `${this.what}: null where a string is required`);
    return s;
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) throw new GregorError(this.errorCode, `${this.what}: bytes length ${len}`);
    this.need(len);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  /** Array count; -1 (null) reads as 0. Bounded by the bytes left, so a corrupt count cannot allocate much. */
  arrayLength(minElementBytes: number): number {
    const n = this.int32();
    if (n === -1) return 0;
    if (n < 0 || n * Math.max(1, minElementBytes) > this.remaining) {
      throw new GregorError(this.errorCode, `${this.what}: array of ${n} elements in ${this.remaining} bytes`);
    }
    return n;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }
}
