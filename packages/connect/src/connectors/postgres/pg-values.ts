import type { Schema } from '../../api/schema';

/**
 * PostgreSQL values in Connect's model. Both the snapshot (a query whose type
 * parsers return the text as is) and the change stream (pgoutput's text
 * tuples) hand over PostgreSQL's own text form, so one conversion serves both
 * and no value passes through a lossy JS parse: integers become int16/32/64,
 * floats float32/64, bool boolean, bytea bytes; everything else (numeric,
 * dates and times, json, uuid, …) stays PostgreSQL's text, which the sink
 * writes back unchanged and PostgreSQL parses into the column's type.
 */
const TYPES: Readonly<Record<number, Schema['type']>> = {
  16: 'boolean',
  17: 'bytes',
  20: 'int64',
  21: 'int16',
  23: 'int32',
  700: 'float32',
  701: 'float64',
};

/** Semantic names as Debezium gives them, so consumers can tell text-encoded types apart. */
const NAMES: Readonly<Record<number, string>> = {
  114: 'io.debezium.data.Json',
  3802: 'io.debezium.data.Json',
  2950: 'io.debezium.data.Uuid',
  1184: 'io.debezium.time.ZonedTimestamp',
};

export function schemaForType(typeOid: number, optional: boolean): Schema {
  const name = NAMES[typeOid];
  return { type: TYPES[typeOid] ?? 'string', optional, ...(name !== undefined ? { name } : {}) };
}

export function fromPgText(typeOid: number, text: string | null): unknown {
  if (text === null) return null;
  switch (TYPES[typeOid]) {
    case 'boolean':
      return text === 't' || text === 'true';
    case 'bytes':
      return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'binary');
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      return Number(text);
    case 'int64': {
      const n = BigInt(text);
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    default:
      return text;
  }
}

/** Connect value → a query parameter for node-postgres (bigint as text, objects as JSON). */
export function toPgParam(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return value;
}

/** A Connect type's column type for auto-created tables. */
export function pgColumnType(schema: Schema): string {
  switch (schema.type) {
    case 'int8':
    case 'int16':
      return 'smallint';
    case 'int32':
      return 'integer';
    case 'int64':
      return 'bigint';
    case 'float32':
      return 'real';
    case 'float64':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'bytes':
      return 'bytea';
    case 'string':
      return schema.name === 'io.debezium.data.Json' ? 'jsonb' : 'text';
    default:
      return 'jsonb';
  }
}

/** "schema"."table" with PostgreSQL's identifier quoting. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** LSNs as PostgreSQL prints them ("16/B374D848") ↔ bigint, for comparisons and arithmetic. */
export function parseLsn(lsn: string): bigint {
  const m = /^([0-9A-Fa-f]+)\/([0-9A-Fa-f]+)$/.exec(lsn);
  if (m === null) throw new Error(`not an LSN: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
