import { GregorError } from '@gregor/common';

/**
 * A serde turns a typed key or value into bytes and back (Kafka's Serde).
 * `null` stays `null` both ways: a null value is a tombstone on a changelog
 * and "delete" for a table, so no serde may invent bytes for it.
 */
export interface Serde<T> {
  serialize(topic: string, data: T | null): Buffer | null;
  deserialize(topic: string, data: Buffer | null): T | null;
}

function nullSafe<T>(ser: (t: T) => Buffer, de: (b: Buffer) => T): Serde<T> {
  return {
    serialize: (_topic, data) => (data === null || data === undefined ? null : ser(data)),
    deserialize: (_topic, data) => (data === null ? null : de(data)),
  };
}

function fixedWidth(topic: string, data: Buffer, width: number, what: string): void {
  if (data.length !== width) {
    throw new GregorError('INVALID_RECORD', `${what} serde expects ${width} bytes, got ${data.length}`, { topic });
  }
}

/** Built-in serdes; `Serdes.from` makes one from two functions. */
export const Serdes = {
  String: (): Serde<string> => nullSafe((s) => Buffer.from(s, 'utf8'), (b) => b.toString('utf8')),
  /** JSON text (UTF-8). Dates and bigints are the caller's business, as with JSON.stringify. */
  JSON: <T>(): Serde<T> => nullSafe((v: T) => Buffer.from(JSON.stringify(v), 'utf8'), (b) => JSON.parse(b.toString('utf8')) as T),
  Bytes: (): Serde<Buffer> => nullSafe((b) => b, (b) => b),
  /** 4-byte big-endian signed, as Kafka's IntegerSerde. */
  Int32: (): Serde<number> => ({
    serialize: (_t, n) => (n === null ? null : int32(n)),
    deserialize: (t, b) => (b === null ? null : (fixedWidth(t, b, 4, 'Int32'), b.readInt32BE(0))),
  }),
  /** 8-byte big-endian signed, as Kafka's LongSerde; bigint because 64 bits do not fit a number. */
  Int64: (): Serde<bigint> => ({
    serialize: (_t, n) => (n === null ? null : int64(n)),
    deserialize: (t, b) => (b === null ? null : (fixedWidth(t, b, 8, 'Int64'), b.readBigInt64BE(0))),
  }),
  /** 8-byte IEEE 754 big-endian, as Kafka's DoubleSerde. */
  Float64: (): Serde<number> => ({
    serialize: (_t, n) => (n === null ? null : float64(n)),
    deserialize: (t, b) => (b === null ? null : (fixedWidth(t, b, 8, 'Float64'), b.readDoubleBE(0))),
  }),
  from: <T>(serialize: (data: T) => Buffer, deserialize: (bytes: Buffer) => T): Serde<T> => nullSafe(serialize, deserialize),
} as const;

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
}

function int64(n: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(n, 0);
  return b;
}

function float64(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleBE(n, 0);
  return b;
}

/** Serializes with a serde and insists on bytes: keys of stored entries cannot be null. */
export function serializeKey<K>(serde: Serde<K>, topic: string, key: K): Buffer {
  const bytes = serde.serialize(topic, key);
  if (bytes === null) throw new GregorError('INVALID_RECORD', 'a state store key serialized to null', { topic });
  return bytes;
}
