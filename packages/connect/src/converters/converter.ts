import type { Schema, SchemaAndValue } from '../api/schema';

/**
 * Turns Connect data into record bytes and back (Kafka's Converter). One
 * instance serves either keys or values, told by `configure`.
 */
export interface Converter {
  configure(props: Readonly<Record<string, string>>, isKey: boolean): void;
  fromConnectData(topic: string, schema: Schema | null | undefined, value: unknown): Buffer | null;
  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue;
}

export interface ConverterPlugin {
  readonly className: string;
  create(): Converter;
}
