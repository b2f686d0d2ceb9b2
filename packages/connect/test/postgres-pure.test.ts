/**
 * The PostgreSQL connectors' pure parts: PostgreSQL text → Connect values,
 * Debezium's envelope for each kind of change, and the sink's write plan
 * (last state per key wins, envelope unwrapped, tombstones delete).
 */
import fc from 'fast-check';
import { changeRecords, formatLsn, fromPgText, parseLsn, planWrites, type SinkRecord, type TableShape } from '@gregor/connect';

const shape: TableShape = {
  schema: 'public',
  table: 'items',
  columns: [
    { name: 'id', typeOid: 23 },
    { name: 'qty', typeOid: 20 },
    { name: 'name', typeOid: 25 },
    { name: 'data', typeOid: 17 },
    { name: 'ok', typeOid: 16 },
  ],
  keyColumns: ['id'],
};
const ctx = {
  topicPrefix: 'cdc', database: 'db', sourcePartition: { server: 'cdc' }, sourceOffset: { lsn: '0/10' },
  tsMs: 1, txId: 7, lsn: '0/20', snapshot: 'false' as const, tombstonesOnDelete: true,
};

describe('PostgreSQL values', () => {
  it('converts PostgreSQL text by type', () => {
    expect(fromPgText(23, '42')).toBe(42);
    expect(fromPgText(20, '9223372036854775807')).toBe(9223372036854775807n);
    expect(fromPgText(20, '-5')).toBe(-5);
    expect(fromPgText(16, 't')).toBe(true);
    expect(fromPgText(17, '\\x00ff')).toEqual(Buffer.from([0, 255]));
    expect(fromPgText(1700, '1.50')).toBe('1.50');
    expect(fromPgText(1184, '2026-01-01 00:00:00.123456+00')).toBe('2026-01-01 00:00:00.123456+00');
    expect(fromPgText(23, null)).toBeNull();
  });

  it('LSN text ↔ bigint (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => expect(parseLsn(formatLsn(n))).toBe(n)));
    expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
  });
});

describe("Debezium's envelope", () => {
  const row = { id: '1', qty: '10', name: 'a', data: '\\x01', ok: 'f' };

  it('an insert is op c with after, keyed by primary key, on <prefix>.<schema>.<table>', () => {
    const [r] = changeRecords(shape, { op: 'c', after: row }, ctx);
    expect(r!.topic).toBe('cdc.public.items');
    expect(r!.key).toEqual({ id: 1 });
    expect(r!.keySchema).toMatchObject({ type: 'struct', name: 'cdc.public.items.Key', fields: [{ field: 'id', type: 'int32' }] });
    expect(r!.valueSchema!.name).toBe('cdc.public.items.Envelope');
    expect(r!.value).toMatchObject({ op: 'c', before: null, after: { id: 1, qty: 10, name: 'a', data: Buffer.from([1]), ok: false }, source: { db: 'db', table: 'items', txId: 7, lsn: 32, snapshot: 'false' } });
    expect(r!.sourceOffset).toEqual({ lsn: '0/10' });
  });

  it('a delete is op d with before, then a tombstone', () => {
    const out = changeRecords(shape, { op: 'd', before: { id: '1' } }, ctx);
    expect(out.map((r) => (r.value as { op?: string } | null)?.op ?? null)).toEqual(['d', null]);
    expect(out[1]).toMatchObject({ key: { id: 1 }, value: null, valueSchema: null });
    expect(changeRecords(shape, { op: 'd', before: { id: '1' } }, { ...ctx, tombstonesOnDelete: false })).toHaveLength(1);
  });

  it('a primary-key change is a delete (with tombstone) of the old key and a create of the new', () => {
    const out = changeRecords(shape, { op: 'u', before: { id: '1' }, after: { ...row, id: '2' } }, ctx);
    expect(out.map((r) => [r.key, (r.value as { op?: string } | null)?.op ?? null])).toEqual([[{ id: 1 }, 'd'], [{ id: 1 }, null], [{ id: 2 }, 'c']]);
  });

  it('a truncate is op t with neither before nor after, and no key', () => {
    const [r, ...rest] = changeRecords(shape, { op: 't' }, ctx);
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ topic: 'cdc.public.items', key: null, keySchema: null });
    expect(r!.value).toMatchObject({ op: 't', before: null, after: null, source: { table: 'items', txId: 7 } });
  });

  it('an update without the old row (default replica identity) is op u with before null', () => {
    const [r] = changeRecords(shape, { op: 'u', before: null, after: row }, ctx);
    expect(r!.value).toMatchObject({ op: 'u', before: null, after: { id: 1 } });
  });
});

describe('sink write plan', () => {
  let offset = 0n;
  const rec = (key: unknown, value: unknown, topic = 'cdc.public.items'): SinkRecord => ({ topic, kafkaPartition: 0, kafkaOffset: offset++, key, value, raw: { key: null, value: null } });
  const opts = { tableFor: (t: string) => t.slice(t.lastIndexOf('.') + 1), pkFields: [], deleteEnabled: true };

  it('keeps the last write per key, unwraps envelopes, deletes on d and tombstones', () => {
    const plan = planWrites(
      [
        rec({ id: 1 }, { op: 'c', before: null, after: { id: 1, v: 'a' } }),
        rec({ id: 2 }, { op: 'c', before: null, after: { id: 2, v: 'b' } }),
        rec({ id: 1 }, { op: 'u', before: null, after: { id: 1, v: 'c' } }),
        rec({ id: 2 }, { op: 'd', before: { id: 2 }, after: null }),
        rec({ id: 2 }, null),
        rec({ id: 3 }, { id: 3, v: 'plain' }, 'other'),
      ],
      opts,
    );
    expect(plan.map((p) => [p.table, [...p.writes.values()].map((w) => [w.kind, w.key, w.row])])).toEqual([
      ['items', [['upsert', { id: 1 }, { id: 1, v: 'c' }], ['delete', { id: 2 }, null]]],
      ['other', [['upsert', { id: 3 }, { id: 3, v: 'plain' }]]],
    ]);
  });

  const truncate = (topic = 'cdc.public.items'): SinkRecord => rec(null, { op: 't', before: null, after: null, source: {} }, topic);

  it('a truncate event empties the table before the writes after it, or is ignored', () => {
    const records = [rec({ id: 1 }, { id: 1, v: 'a' }), truncate(), rec({ id: 2 }, { id: 2, v: 'b' }), rec({ id: 9 }, { id: 9, v: 'x' }, 'other')];
    const on = planWrites(records, { ...opts, truncateEnabled: true });
    expect(on.map((p) => [p.table, p.truncate, [...p.writes.values()].map((w) => w.key)])).toEqual([['items', true, [{ id: 2 }]], ['other', false, [{ id: 9 }]]]);
    const off = planWrites(records, opts);
    expect(off.map((p) => [p.table, p.truncate, [...p.writes.values()].map((w) => w.key)])).toEqual([['items', false, [{ id: 1 }, { id: 2 }]], ['other', false, [{ id: 9 }]]]);
  });

  it('the plan applied to a table equals replaying the records one by one on it (property)', () => {
    // An op: [id, value] upserts, [id, null] is a tombstone, 'T' a truncate event.
    const op = fc.oneof(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.option(fc.string(), { nil: null })), fc.constant('T' as const));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('1', '2', '3', '4', '5'), fc.string()), fc.array(op), fc.boolean(), (initial, ops, truncateEnabled) => {
        const model = new Map(Object.entries(initial).map(([k, v]) => [Number(k), v]));
        for (const o of ops) {
          if (o === 'T') {
            if (truncateEnabled) model.clear();
          } else if (o[1] === null) model.delete(o[0]);
          else model.set(o[0], o[1]);
        }
        const plan = planWrites(ops.map((o) => (o === 'T' ? truncate() : rec({ id: o[0] }, o[1] === null ? null : { id: o[0], v: o[1] }))), { ...opts, truncateEnabled });
        const result = new Map(Object.entries(initial).map(([k, v]) => [Number(k), v]));
        if (plan[0]?.truncate === true) result.clear();
        for (const w of plan[0]?.writes.values() ?? []) {
          if (w.kind === 'upsert') result.set(w.key['id'] as number, (w.row as { v: string }).v);
          else result.delete(w.key['id'] as number);
        }
        expect([...result].sort()).toEqual([...model].sort());
      }),
    );
  });

  it('names the record when it cannot be written', () => {
    expect(() => planWrites([rec(null, { id: 1 })], opts)).toThrow(/record without a key at cdc.public.items-0@/);
    expect(() => planWrites([rec('k', { id: 1 })], opts)).toThrow(/exactly one pk.fields/);
    expect(() => planWrites([rec({ id: 1 }, 'text')], opts)).toThrow(/struct or JSON object value/);
  });
});
