import type { JsonMap, SourceRecord } from '../../api/connector';
import type { Field, Schema } from '../../api/schema';
import { fromPgText, parseLsn, schemaForType } from './pg-values';

/**
 * Debezium's change-event envelope, built from one table change (pure). The
 * value is `{before, after, source, op, ts_ms}` with op c(reate), u(pdate),
 * d(elete) or r(ead, the snapshot); the key is the primary key as a struct;
 * a delete is followed by a tombstone (same key, null value) so compacted
 * topics drop the row. A primary-key change is a delete of the old key (plus
 * tombstone) and a create of the new one, as Debezium emits it. A TRUNCATE
 * is op t with neither before nor after and a null key (Debezium's).
 */
export interface TableShape {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly { readonly name: string; readonly typeOid: number }[];
  readonly keyColumns: readonly string[];
}

export type RawRow = Readonly<Record<string, string | null | undefined>>;

export interface ChangeContext {
  readonly topicPrefix: string;
  readonly database: string;
  readonly sourcePartition: JsonMap;
  readonly sourceOffset: JsonMap;
  readonly tsMs: number;
  readonly txId: number | null;
  readonly lsn: string | null;
  readonly snapshot: 'true' | 'false' | 'last';
  readonly tombstonesOnDelete: boolean;
}

export type Change =
  | { op: 'c' | 'r'; after: RawRow }
  | { op: 'u'; before: RawRow | null; after: RawRow }
  | { op: 'd'; before: RawRow }
  | { op: 't' };

export function topicFor(prefix: string, shape: TableShape): string {
  return `${prefix}.${shape.schema}.${shape.table}`;
}

export function rowSchema(prefix: string, shape: TableShape, suffix: 'Value' | 'Key', columns: readonly { name: string; typeOid: number }[]): Schema {
  const fields: Field[] = columns.map((c) => ({ ...schemaForType(c.typeOid, suffix === 'Value' && !shape.keyColumns.includes(c.name)), field: c.name }));
  return { type: 'struct', name: `${topicFor(prefix, shape)}.${suffix}`, optional: suffix === 'Value', fields };
}

const SOURCE_SCHEMA: Schema = {
  type: 'struct',
  name: 'io.debezium.connector.postgresql.Source',
  optional: false,
  fields: [
    { field: 'version', type: 'string', optional: false },
    { field: 'connector', type: 'string', optional: false },
    { field: 'name', type: 'string', optional: false },
    { field: 'ts_ms', type: 'int64', optional: false },
    { field: 'snapshot', type: 'string', optional: true },
    { field: 'db', type: 'string', optional: false },
    { field: 'schema', type: 'string', optional: false },
    { field: 'table', type: 'string', optional: false },
    { field: 'txId', type: 'int64', optional: true },
    { field: 'lsn', type: 'int64', optional: true },
  ],
};

export function envelopeSchema(prefix: string, shape: TableShape): Schema {
  const value = rowSchema(prefix, shape, 'Value', shape.columns);
  return {
    type: 'struct',
    name: `${topicFor(prefix, shape)}.Envelope`,
    optional: false,
    fields: [
      { ...value, field: 'before' },
      { ...value, field: 'after' },
      { ...SOURCE_SCHEMA, field: 'source' },
      { field: 'op', type: 'string', optional: false },
      { field: 'ts_ms', type: 'int64', optional: true },
    ],
  };
}

function rowValue(shape: TableShape, row: RawRow | null): Record<string, unknown> | null {
  if (row === null) return null;
  const out: Record<string, unknown> = {};
  for (const c of shape.columns) out[c.name] = fromPgText(c.typeOid, row[c.name] ?? null);
  return out;
}

function keyOf(shape: TableShape, row: RawRow): Record<string, unknown> | null {
  if (shape.keyColumns.length === 0) return null;
  const out: Record<string, unknown> = {};
  for (const name of shape.keyColumns) {
    const col = shape.columns.find((c) => c.name === name)!;
    out[name] = fromPgText(col.typeOid, row[name] ?? null);
  }
  return out;
}

export function changeRecords(shape: TableShape, change: Change, ctx: ChangeContext): SourceRecord[] {
  const topic = topicFor(ctx.topicPrefix, shape);
  const keyColumns = shape.columns.filter((c) => shape.keyColumns.includes(c.name));
  const keySchema = shape.keyColumns.length === 0 ? null : rowSchema(ctx.topicPrefix, shape, 'Key', keyColumns);
  const valueSchema = envelopeSchema(ctx.topicPrefix, shape);
  const pgLsn = ctx.lsn === null ? null : lsnToNumber(ctx.lsn);
  const source = {
    version: '1.0.0', connector: 'postgresql', name: ctx.topicPrefix, ts_ms: ctx.tsMs, snapshot: ctx.snapshot,
    db: ctx.database, schema: shape.schema, table: shape.table, txId: ctx.txId, lsn: pgLsn,
  };
  const base = { sourcePartition: ctx.sourcePartition, sourceOffset: ctx.sourceOffset, topic, keySchema, valueSchema };
  const event = (op: string, key: unknown, before: RawRow | null, after: RawRow | null): SourceRecord => ({
    ...base,
    key,
    value: { before: rowValue(shape, before), after: rowValue(shape, after), source, op, ts_ms: ctx.tsMs },
  });
  const deleted = (before: RawRow): SourceRecord[] => {
    const key = keyOf(shape, before);
    const out = [event('d', key, before, null)];
    if (ctx.tombstonesOnDelete) out.push({ ...base, key, valueSchema: null, value: null });
    return out;
  };
  switch (change.op) {
    case 'c':
    case 'r':
      return [event(change.op, keyOf(shape, change.after), null, change.after)];
    case 'u': {
      const newKey = keyOf(shape, change.after);
      const oldKey = change.before === null ? null : keyOf(shape, change.before);
      if (oldKey !== null && JSON.stringify(oldKey) !== JSON.stringify(newKey)) {
        return [...deleted(change.before!), event('c', newKey, null, change.after)];
      }
      return [event('u', newKey, change.before, change.after)];
    }
    case 'd':
      return deleted(change.before);
    case 't':
      return [{ ...event('t', null, null, null), keySchema: null }];
  }
}

/** Debezium's source.lsn is the LSN as a 64-bit number. */
function lsnToNumber(lsn: string): number | bigint {
  const n = parseLsn(lsn);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}
