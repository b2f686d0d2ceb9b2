import fc from 'fast-check';
import { RecordAccumulator, estimateRecordSize, type PendingRecord } from '@gregor/client';
import { Delivery } from '../src/producer/delivery';

function record(valueBytes: number): PendingRecord {
  const value = Buffer.alloc(valueBytes, 1);
  return {
    explicitPartition: undefined,
    key: null,
    value,
    headers: [],
    timestamp: 0n,
    sizeBytes: estimateRecordSize(null, value, []),
    delivery: new Delivery('t', 1, 'single', 0, 0, () => undefined),
    index: 0,
  };
}

const LEADER_1 = { flushing: false, muted: new Set<string>(), leaderOf: () => 1 };

describe('RecordAccumulator (batching and linger, pure)', () => {
  it('holds a batch until linger passes, then reports it ready', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 16384, lingerMs: 5 });
    acc.append('t', 0, record(10), 1000);
    const early = acc.ready(1003, LEADER_1);
    expect(early.readyByLeader.size).toBe(0);
    expect(early.nextCheckMs).toBe(1005);
    const late = acc.ready(1005, LEADER_1);
    expect(late.readyByLeader.get(1)).toEqual(['t-0']);
  });

  it('a full batch is ready at once and the next record starts a new batch', () => {
    const size = estimateRecordSize(null, Buffer.alloc(100), []);
    const acc = new RecordAccumulator({ batchSizeBytes: 61 + size * 3, lingerMs: 1000 });
    const r1 = acc.append('t', 0, record(100), 0);
    const r2 = acc.append('t', 0, record(100), 0);
    expect(r1.closed || r2.closed).toBe(false);
    const r3 = acc.append('t', 0, record(100), 0);
    expect(r3.closed).toBe(true);
    expect(acc.ready(0, LEADER_1).readyByLeader.get(1)).toEqual(['t-0']);
    const r4 = acc.append('t', 0, record(100), 0);
    expect(r4).not.toBe(r3);
    // Only the full batch drains; the new one still lingers.
    const drained = acc.drain(['t-0'], 1 << 20, 0, false);
    expect(drained).toHaveLength(1);
    expect(drained[0]!.map((b) => b.records.length)).toEqual([3]);
    expect(acc.recordCount).toBe(1);
  });

  it('a record larger than batch.size gets a batch of its own', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 100, lingerMs: 1000 });
    acc.append('t', 0, record(10), 0);
    const big = acc.append('t', 0, record(500), 0);
    expect(big.closed).toBe(true);
    expect(big.records).toHaveLength(1);
    const drained = acc.drain(['t-0'], 1 << 20, 0, false);
    expect(drained[0]!.map((b) => b.records.length)).toEqual([1, 1]);
  });

  it('closeIfFull closes an open batch the next record would overflow (sticky switch point)', () => {
    const size = estimateRecordSize(null, Buffer.alloc(100), []);
    const acc = new RecordAccumulator({ batchSizeBytes: 61 + size * 2 + 10, lingerMs: 1000 });
    expect(acc.closeIfFull('t', 0, size)).toBe(false); // no batch yet
    acc.append('t', 0, record(100), 0);
    expect(acc.closeIfFull('t', 0, size)).toBe(false); // still room
    acc.append('t', 0, record(100), 0);
    expect(acc.closeIfFull('t', 0, size)).toBe(true);
    // Closed means sendable now, not after linger.
    expect(acc.ready(1, LEADER_1).readyByLeader.get(1)).toEqual(['t-0']);
    expect(acc.closeIfFull('t', 0, size)).toBe(false);
  });

  it('flushing makes lingering batches ready', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 16384, lingerMs: 60000 });
    acc.append('t', 0, record(10), 0);
    expect(acc.ready(1, LEADER_1).readyByLeader.size).toBe(0);
    expect(acc.ready(1, { ...LEADER_1, flushing: true }).readyByLeader.get(1)).toEqual(['t-0']);
  });

  it('groups ready partitions by leader and reports unknown leaders', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 16384, lingerMs: 0 });
    acc.append('t', 0, record(1), 0);
    acc.append('t', 1, record(1), 0);
    acc.append('u', 0, record(1), 0);
    const ready = acc.ready(0, { flushing: false, muted: new Set(), leaderOf: (topic, p) => (topic === 'u' ? undefined : p + 1) });
    expect(ready.readyByLeader.get(1)).toEqual(['t-0']);
    expect(ready.readyByLeader.get(2)).toEqual(['t-1']);
    expect(ready.unknownLeader).toBe(true);
  });

  it('muted partitions (request in flight) are not ready, keeping per-partition order', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 16384, lingerMs: 0 });
    acc.append('t', 0, record(1), 0);
    expect(acc.ready(0, { ...LEADER_1, muted: new Set(['t-0']) }).readyByLeader.size).toBe(0);
  });

  it('a retried batch waits out its backoff at the front of its queue', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 16384, lingerMs: 0 });
    acc.append('t', 0, record(1), 0);
    const [group] = acc.drain(['t-0'], 1 << 20, 0, false);
    acc.append('t', 0, record(2), 1);
    group![0]!.attempts = 1;
    acc.reenqueue(group!, 100);
    const waiting = acc.ready(50, LEADER_1);
    expect(waiting.readyByLeader.size).toBe(0);
    expect(waiting.nextCheckMs).toBe(100);
    const drained = acc.drain(['t-0'], 1 << 20, 100, false);
    // The retried batch goes first, then the newer one.
    expect(drained[0]!.map((b) => b.records[0]!.value!.length)).toEqual([1, 2]);
  });

  it('a retry backs off from the broker it failed on, but goes at once when metadata names another leader', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 16384, lingerMs: 0 });
    acc.append('t', 0, record(1), 0);
    const [group] = acc.drain(['t-0'], 1 << 20, 0, false);
    group![0]!.attempts = 1;
    group![0]!.failedOn = 1;
    acc.reenqueue(group!, 100);
    // Metadata still names broker 1 (the one that failed): wait for the backoff.
    expect(acc.ready(50, LEADER_1).readyByLeader.size).toBe(0);
    expect(acc.headReady('t-0', 50, false)).toBe(false);
    // Told by the sender that this failure means leadership is moving, it asks for metadata meanwhile.
    expect(acc.ready(50, { ...LEADER_1, waitsForNewLeader: () => true }).awaitingNewLeader).toBe(true);
    // Broker 2 leads now: the retry goes to it without waiting.
    const moved = acc.ready(50, { ...LEADER_1, leaderOf: () => 2 });
    expect(moved.readyByLeader.get(2)).toEqual(['t-0']);
    expect(moved.awaitingNewLeader).toBe(false);
  });

  it('drain respects maxRequestBytes but always sends at least one batch', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 100, lingerMs: 0 });
    for (let p = 0; p < 4; p++) acc.append('t', p, record(200), 0);
    const keys = ['t-0', 't-1', 't-2', 't-3'];
    const first = acc.drain(keys, 10, 0, false);
    expect(first.flat()).toHaveLength(1);
    const rest = acc.drain(keys, 1 << 20, 0, false);
    expect(rest.flat()).toHaveLength(3);
  });

  it('expires batches older than the delivery timeout', () => {
    const acc = new RecordAccumulator({ batchSizeBytes: 16384, lingerMs: 0 });
    acc.append('t', 0, record(1), 0);
    acc.append('t', 1, record(1), 50);
    expect(acc.nextExpiryMs(100)).toBe(100);
    const expired = acc.expire(100, 100);
    expect(expired.map((b) => b.partition)).toEqual([0]);
    expect(acc.recordCount).toBe(1);
  });

  it('property: every appended record drains exactly once, in append order per partition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ partition: fc.integer({ min: 0, max: 3 }), size: fc.integer({ min: 0, max: 300 }) }), { maxLength: 200 }),
        fc.integer({ min: 64, max: 2000 }),
        fc.integer({ min: 100, max: 5000 }),
        (appends, batchSize, maxRequest) => {
          const acc = new RecordAccumulator({ batchSizeBytes: batchSize, lingerMs: 0 });
          const sent = new Map<number, number[]>();
          appends.forEach((a, i) => {
            const r = record(a.size);
            r.timestamp = BigInt(i);
            acc.append('t', a.partition, r, 0);
          });
          for (let guard = 0; acc.recordCount > 0; guard++) {
            expect(guard).toBeLessThan(1000);
            const ready = acc.ready(0, LEADER_1);
            for (const group of acc.drain(ready.readyByLeader.get(1) ?? [], maxRequest, 0, true)) {
              for (const b of group) {
                expect(b.sizeBytes <= batchSize || b.records.length === 1).toBe(true);
                const list = sent.get(b.partition) ?? [];
                list.push(...b.records.map((r) => Number(r.timestamp)));
                sent.set(b.partition, list);
              }
            }
          }
          for (let p = 0; p < 4; p++) {
            const expected = appends.flatMap((a, i) => (a.partition === p ? [i] : []));
            expect(sent.get(p) ?? []).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: appends interleaved with drains and expiry keep every record exactly once, in order (queue lookup cache)', () => {
    type Op = { kind: 'append'; topic: string; partition: number; size: number } | { kind: 'drain' } | { kind: 'expire' };
    const op = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), topic: fc.constantFrom('t', 'u'), partition: fc.integer({ min: 0, max: 2 }), size: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ kind: fc.constant('drain' as const) }),
      fc.record({ kind: fc.constant('expire' as const) }),
    );
    fc.assert(
      fc.property(fc.array<Op>(op, { maxLength: 200 }), fc.integer({ min: 64, max: 2000 }), (ops, batchSize) => {
        const acc = new RecordAccumulator({ batchSizeBytes: batchSize, lingerMs: 0 });
        const out = new Map<string, number[]>();
        const take = (batches: readonly { topic: string; partition: number; records: PendingRecord[] }[]): void => {
          for (const b of batches) {
            const key = `${b.topic}-${b.partition}`;
            out.set(key, [...(out.get(key) ?? []), ...b.records.map((r) => Number(r.timestamp))]);
          }
        };
        const keys = ['t-0', 't-1', 't-2', 'u-0', 'u-1', 'u-2'];
        // Time moves 1 ms per op; expiry takes batches older than 5 ms.
        ops.forEach((o, now) => {
          if (o.kind === 'append') {
            const r = record(o.size);
            r.timestamp = BigInt(now);
            const batch = acc.append(o.topic, o.partition, r, now);
            expect(batch.topic).toBe(o.topic);
            expect(batch.partition).toBe(o.partition);
            expect(batch.records[batch.records.length - 1]).toBe(r);
          } else if (o.kind === 'drain') take(acc.drain(keys, 1 << 20, now, true).flat());
          else take(acc.expire(now, 5));
        });
        take(acc.drainAll());
        expect(acc.recordCount).toBe(0);
        for (const key of keys) {
          const [topic, p] = key.split('-');
          const expected = ops.flatMap((o, i) => (o.kind === 'append' && o.topic === topic && o.partition === Number(p) ? [i] : []));
          // Drain and expiry each take a prefix of a queue (batches are oldest first, none retried), so order holds.
          expect(out.get(key) ?? []).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
