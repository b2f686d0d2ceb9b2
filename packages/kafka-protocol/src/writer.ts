import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '@gregor/record-batch';
import { KafkaProtocolError } from './errors';
import { writeUuid } from './uuid';

/**
 * Byte strings at least this long are not copied into the scratch buffer:
 * they become their own chunk (records in Produce and Fetch are the bulk of
 * the bytes, and a socket can write the chunks with writev).
 */
export const SPLICE_MIN_BYTES = 4096;
const INITIAL_CAPACITY_BYTES = 512;
/** Kafka's limit for any string field (classic int16 length, and compact ones by rule). */
export const MAX_STRING_BYTES = 0x7fff;

export interface WriterOptions {
  /** Scratch buffer to start with; it doubles as needed (default 512). */
  initialCapacityBytes?: number;
  /** Byte strings at least this long become their own chunk (default SPLICE_MIN_BYTES; Infinity copies all). */
  spliceMinBytes?: number;
}

/**
 * Writes Kafka's primitive types (see Reader for the layout). Small values
 * go into one scratch buffer that grows by doubling; large byte strings are
 * spliced in as separate chunks without a copy. The result is a list of
 * chunks (`toChunks`, for writev) or one buffer (`toBuffer`, one copy at
 * most). No per-field allocation or Buffer.concat: see bench/writer.ts.
 *
 * A writer made with `Writer.frame()` starts with a 4-byte size prefix that
 * `toChunks`/`toBuffer` fill in: a whole Kafka frame from one writer.
 */
export class Writer {
  private scratch: Buffer;
  private pos = 0;
  /** Start in `scratch` of the bytes not yet moved to `chunks`. */
  private chunkStart = 0;
  private readonly chunks: Buffer[] = [];
  private chunkedBytes = 0;
  private readonly framed: boolean;
  private readonly spliceMinBytes: number;

  constructor(opts: WriterOptions = {}, framed = false) {
    this.scratch = Buffer.allocUnsafe(Math.max(16, opts.initialCapacityBytes ?? INITIAL_CAPACITY_BYTES));
    this.spliceMinBytes = opts.spliceMinBytes ?? SPLICE_MIN_BYTES;
    this.framed = framed;
    if (framed) this.pos = 4;
  }

  /** A writer whose output is a frame: int32 size, then what is written. */
  static frame(opts: WriterOptions = {}): Writer {
    return new Writer(opts, true);
  }

  /** Bytes written so far (the size prefix of a frame included). */
  get length(): number {
    return this.chunkedBytes + this.pos - this.chunkStart;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.scratch.length) return;
    // Only the bytes not yet handed to a chunk move; chunks keep the old buffer alive.
    const pending = this.pos - this.chunkStart;
    const next = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, pending + n, INITIAL_CAPACITY_BYTES));
    this.scratch.copy(next, 0, this.chunkStart, this.pos);
    this.scratch = next;
    this.chunkStart = 0;
    this.pos = pending;
  }

  int8(v: number): this {
    this.ensure(1);
    this.pos = this.scratch.writeInt8(v, this.pos);
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.pos = this.scratch.writeInt16BE(v, this.pos);
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.pos = this.scratch.writeUInt16BE(v, this.pos);
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.pos = this.scratch.writeInt32BE(v, this.pos);
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.pos = this.scratch.writeUInt32BE(v, this.pos);
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    // Offsets, timestamps and ids nearly always fit in 53 bits; splitting a
    // Number is several times faster than Buffer's bigint writer (profiled:
    // it was the top cost of encoding a Fetch response).
    const n = Number(v);
    if (Number.isSafeInteger(n)) {
      const hi = Math.floor(n / 0x1_0000_0000);
      this.scratch.writeInt32BE(hi, this.pos);
      this.scratch.writeUInt32BE(n - hi * 0x1_0000_0000, this.pos + 4);
      this.pos += 8;
    } else {
      this.pos = this.scratch.writeBigInt64BE(v, this.pos);
    }
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.pos = this.scratch.writeDoubleBE(v, this.pos);
    return this;
  }

  uuid(v: string): this {
    this.ensure(16);
    writeUuid(this.scratch, this.pos, v);
    this.pos += 16;
    return this;
  }

  /** Unsigned varint (uint32). */
  uvarint(v: number): this {
    this.ensure(5);
    let u = v >>> 0;
    while (u >= 0x80) {
      this.scratch[this.pos++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    this.scratch[this.pos++] = u;
    return this;
  }

  /** Zigzag-encoded signed varint (int32). */
  varint(v: number): this {
    this.ensure(sizeOfVarint(v));
    this.pos = writeVarint(this.scratch, this.pos, v);
    return this;
  }

  /** Zigzag-encoded signed varlong (int64). */
  varlong(v: bigint): this {
    this.ensure(sizeOfVarlong(v));
    this.pos = writeVarlong(this.scratch, this.pos, v);
    return this;
  }

  private lengthPrefix(n: number, flexible: boolean, wide: boolean): void {
    if (flexible) this.uvarint(n + 1);
    else if (wide) this.int32(n);
    else this.int16(n);
  }

  nullableString(s: string | null, flexible: boolean): this {
    if (s === null) {
      this.lengthPrefix(-1, flexible, false);
      return this;
    }
    const n = Buffer.byteLength(s, 'utf8');
    // Kafka caps every string at 32767 bytes, compact ones included (its generated writers check the same).
    if (n > MAX_STRING_BYTES) throw new KafkaProtocolError('malformed', `string of ${n} bytes is over Kafka's limit of ${MAX_STRING_BYTES}`);
    this.lengthPrefix(n, flexible, false);
    this.ensure(n);
    this.pos += this.scratch.write(s, this.pos, n, 'utf8');
    return this;
  }

  /** A string the version does not let be null: null throws (the type admits it for version-dependent callers). */
  string(s: string | null, flexible: boolean): this {
    if (s === null) throw new KafkaProtocolError('malformed', 'null for a string the version does not let be null');
    return this.nullableString(s, flexible);
  }

  nullableBytes(b: Buffer | null, flexible: boolean): this {
    if (b === null) {
      this.lengthPrefix(-1, flexible, true);
      return this;
    }
    this.lengthPrefix(b.length, flexible, true);
    return this.raw(b);
  }

  bytes(b: Buffer | null, flexible: boolean): this {
    if (b === null) throw new KafkaProtocolError('malformed', 'null for bytes the version does not let be null');
    return this.nullableBytes(b, flexible);
  }

  /** Appends `b` as is: copied when small, spliced in as its own chunk when large (not copied: do not modify it afterwards). */
  raw(b: Buffer): this {
    if (b.length < this.spliceMinBytes) {
      this.ensure(b.length);
      this.pos += b.copy(this.scratch, this.pos);
      return this;
    }
    this.flushScratch();
    this.chunks.push(b);
    this.chunkedBytes += b.length;
    return this;
  }

  /** Array length prefix; -1 is null. */
  arrayLength(n: number, flexible: boolean): this {
    this.lengthPrefix(n, flexible, true);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, flexible: boolean, writeElement: (w: Writer, item: T) => void): this {
    if (items === null) return this.arrayLength(-1, flexible);
    this.arrayLength(items.length, flexible);
    for (const item of items) writeElement(this, item);
    return this;
  }

  array<T>(items: readonly T[] | null, flexible: boolean, writeElement: (w: Writer, item: T) => void): this {
    if (items === null) throw new KafkaProtocolError('malformed', 'null for an array the version does not let be null');
    return this.nullableArray(items, flexible, writeElement);
  }

  /**
   * One tagged field (KIP-482): tag, size, then the value. The value is
   * written to a side writer first because its size comes before it; tagged
   * fields are rare and small, so this is off the hot path.
   */
  taggedField(tag: number, writeValue: (w: Writer) => void): this {
    const side = new Writer({ initialCapacityBytes: 64 });
    writeValue(side);
    this.uvarint(tag).uvarint(side.length);
    for (const c of side.toChunks()) this.raw(c);
    return this;
  }

  private flushScratch(): void {
    if (this.pos === this.chunkStart) return;
    this.chunks.push(this.scratch.subarray(this.chunkStart, this.pos));
    this.chunkedBytes += this.pos - this.chunkStart;
    this.chunkStart = this.pos;
  }

  /** The bytes written, as chunks in order (a frame's size prefix filled in). The writer is spent. */
  toChunks(): Buffer[] {
    this.flushScratch();
    if (this.framed) {
      // The prefix is the first 4 bytes of the first chunk: always scratch, never spliced.
      this.chunks[0]!.writeInt32BE(this.chunkedBytes - 4, 0);
    }
    return this.chunks;
  }

  /** The bytes written as one buffer (one copy if anything was spliced). The writer is spent. */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    if (chunks.length === 1) return chunks[0]!;
    return Buffer.concat(chunks, this.chunkedBytes);
  }
}
