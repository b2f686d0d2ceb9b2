import { DataError } from '../api/errors';
import type { Schema, SchemaAndValue } from '../api/schema';
import type { Converter } from './converter';

/** Kafka's StringConverter: UTF-8 text; anything else is written as its string form. */
export class StringConverter implements Converter {
  configure(): void {}

  fromConnectData(_topic: string, _schema: Schema | null | undefined, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value;
    return Buffer.from(typeof value === 'object' ? JSON.stringify(value) : String(value), 'utf8');
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: { type: 'string', optional: true }, value: bytes === null ? null : bytes.toString('utf8') };
  }
}

/** Kafka's ByteArrayConverter: bytes pass through untouched. */
export class ByteArrayConverter implements Converter {
  configure(): void {}

  fromConnectData(_topic: string, _schema: Schema | null | undefined, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value);
    throw new DataError(`ByteArrayConverter is not compatible with objects of type ${typeof value}`);
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: { type: 'bytes', optional: true }, value: bytes };
  }
}
