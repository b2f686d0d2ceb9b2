import type { SinkRecord } from '../../api/connector';
import { DataError } from '../../api/errors';
import type { Schema } from '../../api/schema';

/**
 * What a batch of sink records does to the tables (pure): per table, the
 * final state of each primary key — a row to upsert or a delete. Records of
 * a partition arrive in order and a key always lands in one partition, so the
 * last record per key is the state to write; collapsing them first lets one
 * INSERT … ON CONFLICT carry many rows (it may not touch a row twice).
 *
 * Understands Debezium's envelope (op/before/after, as the CDC source writes
 * it): op d → delete, otherwise upsert `after` — Kafka's
 * ExtractNewRecordState, built in. A tombstone (null value) deletes by key.
 * A truncate event (op t) with `truncateEnabled` empties the table: the
 * writes before it in the batch are dropped and the plan starts with a
 * TRUNCATE; without it, the event is ignored.
 */
export interface RowWrite {
  readonly kind: 'upsert' | 'delete';
  readonly key: Readonly<Record<string, unknown>>;
  readonly row: Readonly<Record<string, unknown>> | null;
  /** The value's row schema, for auto-create. */
  readonly schema: Schema | null;
}

export interface TablePlan {
  readonly table: string;
  /** TRUNCATE the table before the writes. */
  readonly truncate: boolean;
  readonly writes: ReadonlyMap<string, RowWrite>;
}

export interface PlanOptions {
  readonly tableFor: (topic: string) => string;
  readonly pkFields: readonly string[];
  readonly deleteEnabled: boolean;
  readonly truncateEnabled?: boolean;
}

export function planWrites(records: readonly SinkRecord[], opts: PlanOptions): TablePlan[] {
  const tables = new Map<string, { truncate: boolean; writes: Map<string, RowWrite> }>();
  const planOf = (table: string): { truncate: boolean; writes: Map<string, RowWrite> } => {
    let plan = tables.get(table);
    if (plan === undefined) tables.set(table, (plan = { truncate: false, writes: new Map() }));
    return plan;
  };
  for (const r of records) {
    const table = opts.tableFor(r.topic);
    if (asEnvelope(r)?.op === 't') {
      if (opts.truncateEnabled !== true) continue;
      const plan = planOf(table);
      plan.truncate = true;
      plan.writes.clear(); // what came before the truncate is gone with it
      continue;
    }
    const write = recordWrite(r, opts);
    if (write === undefined) continue;
    const writes = planOf(table).writes;
    const id = JSON.stringify(write.key, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v));
    writes.delete(id); // keep insertion order = order of the final write
    writes.set(id, write);
  }
  return [...tables].map(([table, plan]) => ({ table, ...plan }));
}

function recordWrite(r: SinkRecord, opts: PlanOptions): RowWrite | undefined {
  const key = keyOf(r, opts.pkFields);
  if (r.value === null || r.value === undefined) {
    return opts.deleteEnabled ? { kind: 'delete', key, row: null, schema: null } : undefined;
  }
  const envelope = asEnvelope(r);
  if (envelope !== undefined) {
    if (envelope.op === 'd') return opts.deleteEnabled ? { kind: 'delete', key, row: null, schema: null } : undefined;
    if (envelope.after === null) throw new DataError(`change event without "after" (op ${envelope.op}) at ${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`);
    return { kind: 'upsert', key, row: envelope.after, schema: envelope.afterSchema };
  }
  if (typeof r.value !== 'object' || Array.isArray(r.value) || Buffer.isBuffer(r.value)) {
    throw new DataError(`the sink needs a struct or JSON object value, got ${Array.isArray(r.value) ? 'an array' : typeof r.value} at ${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`);
  }
  return { kind: 'upsert', key, row: r.value as Record<string, unknown>, schema: r.valueSchema ?? null };
}

function asEnvelope(r: SinkRecord): { op: string; after: Record<string, unknown> | null; afterSchema: Schema | null } | undefined {
  const v = r.value as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || typeof v['op'] !== 'string' || !('after' in v) || !('before' in v)) return undefined;
  const afterSchema = r.valueSchema?.fields?.find((f) => f.field === 'after') ?? null;
  return { op: v['op'], after: (v['after'] as Record<string, unknown> | null) ?? null, afterSchema };
}

function keyOf(r: SinkRecord, pkFields: readonly string[]): Record<string, unknown> {
  const where = `${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`;
  if (r.key === null || r.key === undefined) throw new DataError(`record without a key at ${where}: the sink writes by primary key (pk.mode=record_key)`);
  if (typeof r.key === 'object' && !Buffer.isBuffer(r.key) && !Array.isArray(r.key)) {
    const k = r.key as Record<string, unknown>;
    const fields = pkFields.length > 0 ? pkFields : Object.keys(k);
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (!(f in k)) throw new DataError(`key field "${f}" is missing from the record key at ${where}`);
      out[f] = k[f];
    }
    return out;
  }
  if (pkFields.length !== 1) throw new DataError(`a primitive record key needs exactly one pk.fields entry (at ${where})`);
  return { [pkFields[0]!]: r.key };
}
