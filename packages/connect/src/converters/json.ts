import { DataError } from '../api/errors';
import { SCHEMA_TYPES, type Field, type Schema, type SchemaAndValue } from '../api/schema';
import type { Converter } from './converter';

/**
 * Kafka's JsonConverter. With `schemas.enable=true` (the default, as in
 * Kafka) each record is the envelope `{"schema": …, "payload": …}`, so a
 * reader needs no registry; with false it is the bare JSON value. Bytes are
 * base64 strings, and integers beyond 2^53 are bigint, written and read exactly.
 */
export class JsonConverter implements Converter {
  private schemasEnabled = true;

  configure(props: Readonly<Record<string, string>>, _isKey = false): void {
    this.schemasEnabled = (props['schemas.enable'] ?? 'true').trim() !== 'false';
  }

  fromConnectData(_topic: string, schema: Schema | null | undefined, value: unknown): Buffer | null {
    if ((schema === null || schema === undefined) && (value === null || value === undefined)) return null;
    const payload = toJsonValue(schema ?? null, value, '');
    const doc = this.schemasEnabled ? { schema: schema ?? null, payload } : payload;
    return Buffer.from(stringifyJson(doc), 'utf8');
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    let doc: unknown;
    try {
      doc = parseJson(bytes.toString('utf8'));
    } catch (err) {
      throw new DataError(`Converting byte[] to Kafka Connect data failed due to serialization error: ${(err as Error).message}`, { cause: err });
    }
    if (!this.schemasEnabled) return { schema: null, value: doc };
    if (!isEnvelope(doc)) {
      throw new DataError(
        'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
          'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
      );
    }
    const schema = doc.schema === null ? null : checkSchema(doc.schema, '');
    return { schema, value: schema === null ? doc.payload : fromJsonValue(schema, doc.payload, '') };
  }
}

function isEnvelope(doc: unknown): doc is { schema: unknown; payload: unknown } {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const keys = Object.keys(doc);
  return keys.length === 2 && keys.includes('schema') && keys.includes('payload');
}

function checkSchema(raw: unknown, path: string): Schema {
  if (typeof raw !== 'object' || raw === null) throw new DataError(`schema${path} is not a JSON object`);
  const s = raw as Schema;
  if (!SCHEMA_TYPES.includes(s.type)) throw new DataError(`Unknown schema type: ${String(s.type)} at schema${path}`);
  if (s.type === 'struct') (s.fields ?? []).forEach((f, i) => checkSchema(f, `${path}.fields[${i}]`));
  if (s.type === 'array') checkSchema(s.items, `${path}.items`);
  if (s.type === 'map') {
    checkSchema(s.keys, `${path}.keys`);
    checkSchema(s.values, `${path}.values`);
  }
  return s;
}

/** Connect value → JSON-ready value, checked against its schema. */
export function toJsonValue(schema: Schema | null, value: unknown, path: string): unknown {
  if (value === null || value === undefined) {
    if (schema !== null && schema.optional !== true && schema.default === undefined) {
      throw new DataError(`Conversion error: null value for field${path} that is required and has no default value`);
    }
    return schema?.default ?? null;
  }
  if (schema === null) return schemalessToJson(value);
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      if (typeof value !== 'number' && typeof value !== 'bigint') throw mismatch(schema, value, path);
      return Number(value);
    case 'int64':
      if (typeof value !== 'number' && typeof value !== 'bigint') throw mismatch(schema, value, path);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(schema, value, path);
      return value;
    case 'string':
      if (typeof value !== 'string') throw mismatch(schema, value, path);
      return value;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw mismatch(schema, value, path);
      return Buffer.from(value).toString('base64');
    case 'array':
      if (!Array.isArray(value)) throw mismatch(schema, value, path);
      return value.map((v, i) => toJsonValue(schema.items ?? null, v, `${path}[${i}]`));
    case 'map': {
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
      return Object.fromEntries(entries.map(([k, v]) => [String(k), toJsonValue(schema.values ?? null, v, `${path}.${String(k)}`)]));
    }
    case 'struct': {
      if (typeof value !== 'object') throw mismatch(schema, value, path);
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of schema.fields ?? []) out[f.field] = toJsonValue(f, obj[f.field], `${path}.${f.field}`);
      return out;
    }
  }
}

function schemalessToJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), schemalessToJson(v)]));
  if (Array.isArray(value)) return value.map(schemalessToJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schemalessToJson(v)]));
  }
  return value;
}

/** JSON value → Connect value for its schema (base64 → bytes, struct fields in schema order). */
export function fromJsonValue(schema: Schema, value: unknown, path: string): unknown {
  if (value === null || value === undefined) {
    if (schema.optional === true || schema.default !== undefined) return schema.default ?? null;
    throw new DataError(`Invalid null value for required ${schema.type} field${path}`);
  }
  switch (schema.type) {
    case 'bytes':
      if (typeof value !== 'string') throw mismatch(schema, value, path);
      return Buffer.from(value, 'base64');
    case 'array':
      if (!Array.isArray(value)) throw mismatch(schema, value, path);
      return value.map((v, i) => fromJsonValue(schema.items!, v, `${path}[${i}]`));
    case 'map':
      if (typeof value !== 'object') throw mismatch(schema, value, path);
      return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, fromJsonValue(schema.values!, v, `${path}.${k}`)]));
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(schema, value, path);
      const obj = value as Record<string, unknown>;
      return Object.fromEntries((schema.fields ?? []).map((f: Field) => [f.field, fromJsonValue(f, obj[f.field], `${path}.${f.field}`)]));
    }
    case 'string':
      if (typeof value !== 'string') throw mismatch(schema, value, path);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(schema, value, path);
      return value;
    default:
      if (typeof value !== 'number' && typeof value !== 'bigint') throw mismatch(schema, value, path);
      return value;
  }
}

function mismatch(schema: Schema, value: unknown, path: string): DataError {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new DataError(`Invalid type for ${schema.type.toUpperCase()}${path === '' ? '' : ` at ${path.slice(1)}`}: ${got}`);
}

/** JSON.stringify that writes bigint as exact digits (JSON numbers have no size limit). */
export function stringifyJson(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v !== 'bigint') return v;
    marks.push(v.toString());
    return `\u0000big${marks.length - 1}\u0000`;
  });
  if (marks.length === 0) return text;
  return text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}

const BIG_MARK = '\u0000gregor-bigint:';
/** A JSON string literal, or an integer literal too long to be exact as a double (not digits of a fraction or exponent). */
const STRING_OR_BIG_INT = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![.eE\d])/g;

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as bigint (Node 20's
 * JSON.parse cannot see the source text of a number). Long integer literals
 * outside strings are marked before parsing and turned into bigint by the
 * reviver; those that fit a double exactly stay numbers.
 */
export function parseJson(text: string): unknown {
  let marked = false;
  const prepared = text.replace(STRING_OR_BIG_INT, (m) => {
    if (m.startsWith('"')) return m;
    marked = true;
    return `"\\u0000gregor-bigint:${m}"`; // the escape, not the character: JSON strings may not hold raw control characters
  });
  if (!marked) return JSON.parse(text) as unknown;
  return JSON.parse(prepared, (_k, v: unknown) => {
    if (typeof v !== 'string' || !v.startsWith(BIG_MARK)) return v;
    const n = BigInt(v.slice(BIG_MARK.length));
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }) as unknown;
}
