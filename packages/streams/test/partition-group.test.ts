import fc from 'fast-check';
import type { IncomingRecord } from '../src/processor/record-collector';
import { PartitionGroup } from '../src/runtime/partition-group';

const rec = (partition: number, offset: number, timestamp: number): IncomingRecord => ({ topic: 't', partition, offset: BigInt(offset), timestamp, key: null, value: null, headers: [] });
const keys = (n: number): string[] => Array.from({ length: n }, (_, p) => `t:${p}`);
const fill = (group: PartitionGroup, parts: readonly (readonly IncomingRecord[])[]): void => parts.forEach((records, p) => records.forEach((r) => group.add(`t:${p}`, r)));
const show = (records: readonly IncomingRecord[]): string[] => records.map((r) => `${r.partition}@${r.timestamp}`);

describe('PartitionGroup', () => {
  it('property (maxTaskIdleMs 0): everything at once, each partition in offset order, the smallest head timestamp first', () => {
    const partitionArb = fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 10 });
    fc.assert(
      fc.property(fc.array(partitionArb, { minLength: 1, maxLength: 4 }), (timestamps) => {
        const parts = timestamps.map((ts, p) => ts.map((t, o) => rec(p, o, t)));
        const group = new PartitionGroup(keys(parts.length), 0);
        fill(group, parts);
        const out = group.drain(0);
        expect(out).toHaveLength(parts.flat().length);
        expect(group.totalBuffered).toBe(0);
        for (let p = 0; p < parts.length; p++) expect(out.filter((r) => r.partition === p)).toEqual(parts[p]);
        // Each pick is the smallest among the heads at that moment.
        const heads = parts.map(() => 0);
        for (const r of out) {
          for (let p = 0; p < parts.length; p++) {
            const h = parts[p]![heads[p]!];
            if (h !== undefined) expect(r.timestamp).toBeLessThanOrEqual(h.timestamp);
          }
          heads[r.partition]!++;
        }
      }),
    );
  });

  it('waits for an empty partition up to maxTaskIdleMs, then goes on without it', () => {
    const group = new PartitionGroup(keys(2), 500);
    group.add('t:0', rec(0, 0, 100));
    group.add('t:0', rec(0, 1, 300));
    expect(group.drain(1_000)).toEqual([]);
    expect(group.waiting).toBe(true);
    expect(group.drain(1_499)).toEqual([]);
    // The other side arrives in time, with an earlier record: processed in timestamp order.
    group.add('t:1', rec(1, 0, 50));
    group.add('t:1', rec(1, 1, 200));
    // Partition 1 runs empty after 200 while 0 still holds 300: wait again.
    expect(show(group.drain(1_499))).toEqual(['1@50', '0@100', '1@200']);
    expect(group.buffered('t:0')).toBe(1);
    expect(group.drain(1_998)).toEqual([]);
    expect(show(group.drain(1_999 + 500))).toEqual(['0@300']);
    expect(group.waiting).toBe(false);
  });

  it('a lone record after the task ran dry waits again; every partition holding data does not wait', () => {
    const group = new PartitionGroup(keys(2), 500);
    group.add('t:0', rec(0, 0, 10));
    expect(show(group.drain(600))).toEqual([]);
    expect(show(group.drain(1_100))).toEqual(['0@10']);
    group.add('t:0', rec(0, 1, 20));
    expect(show(group.drain(1_200))).toEqual([]);
    group.add('t:1', rec(1, 0, 15));
    expect(show(group.drain(1_200))).toEqual(['1@15']);
  });

  it('property: whatever the arrival and drain times, each partition keeps offset order and nothing is lost or repeated', () => {
    const step = fc.record({ partition: fc.integer({ min: 0, max: 2 }), timestamp: fc.integer({ min: 0, max: 100 }), advanceMs: fc.integer({ min: 0, max: 400 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 0, max: 1_000 }), (steps, idleMs) => {
        const group = new PartitionGroup(keys(3), idleMs);
        const offsets = [0, 0, 0];
        const added: IncomingRecord[] = [];
        const out: IncomingRecord[] = [];
        let now = 0;
        for (const s of steps) {
          const r = rec(s.partition, offsets[s.partition]!++, s.timestamp);
          added.push(r);
          group.add(`t:${s.partition}`, r);
          now += s.advanceMs;
          out.push(...group.drain(now));
        }
        out.push(...group.drain(now + idleMs));
        expect(out).toHaveLength(added.length);
        for (let p = 0; p < 3; p++) expect(out.filter((r) => r.partition === p)).toEqual(added.filter((r) => r.partition === p));
      }),
    );
  });

  it('refuses a partition that is not the task’s', () => {
    expect(() => new PartitionGroup(keys(1), 0).add('other:0', rec(0, 0, 0))).toThrow(/not an input of this task/);
  });
});
