/**
 * Connect's data model. A schema is kept in exactly the shape Kafka's
 * JsonConverter writes into its envelope (`{"type":"struct","fields":[{"field":
 * "id","type":"int32","optional":false}],…}`), so the converter serialises it
 * as it is. Values are plain JS: a struct is an object keyed by field name,
 * bytes are a Buffer, int64 is a number or a bigint (beyond 2^53).
 */
export type SchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

export interface Schema {
  readonly type: SchemaType;
  readonly optional?: boolean;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly default?: unknown;
  /** struct */
  readonly fields?: readonly Field[];
  /** array */
  readonly items?: Schema;
  /** map */
  readonly keys?: Schema;
  readonly values?: Schema;
}

export interface Field extends Schema {
  readonly field: string;
}

export const SCHEMA_TYPES: readonly SchemaType[] = [
  'int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string', 'bytes', 'array', 'map', 'struct',
];

export const Schemas = {
  int32: (optional = false): Schema => ({ type: 'int32', optional }),
  int64: (optional = false): Schema => ({ type: 'int64', optional }),
  string: (optional = false): Schema => ({ type: 'string', optional }),
  bytes: (optional = false): Schema => ({ type: 'bytes', optional }),
  boolean: (optional = false): Schema => ({ type: 'boolean', optional }),
  float64: (optional = false): Schema => ({ type: 'float64', optional }),
  struct: (fields: readonly Field[], opts: { name?: string; optional?: boolean } = {}): Schema => ({
    type: 'struct',
    fields,
    optional: opts.optional ?? false,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
  }),
  field: (field: string, schema: Schema): Field => ({ ...schema, field }),
} as const;

/** A value with the schema it was read or will be written with (null when schemaless). */
export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}
