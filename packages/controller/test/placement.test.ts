import fc from 'fast-check';
import { GregorError } from '@gregor/common';
import { assignReplicas } from '../src/placement';

function spread(counts: Map<number, number>, brokers: readonly number[]): number {
  const values = brokers.map((b) => counts.get(b) ?? 0);
  return Math.max(...values) - Math.min(...values);
}

const scenario = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc.record({
      brokers: fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n }),
      partitions: fc.integer({ min: 1, max: 120 }),
      rf: fc.integer({ min: 1, max: n }),
    }),
  );

/** Returns a description of the first broken property, or undefined. */
function problem(brokers: readonly number[], partitions: number, rf: number): string | undefined {
  const out = assignReplicas(brokers, partitions, rf);
  if (out.length !== partitions) return `got ${out.length} partitions`;
  const leaders = new Map<number, number>();
  const replicas = new Map<number, number>();
  for (const [p, replicaSet] of out.entries()) {
    if (replicaSet.length !== rf || new Set(replicaSet).size !== rf) return `partition ${p} has replicas [${replicaSet.join(',')}]`;
    for (const b of replicaSet) {
      if (!brokers.includes(b)) return `partition ${p} uses unknown broker ${b}`;
      replicas.set(b, (replicas.get(b) ?? 0) + 1);
    }
    leaders.set(replicaSet[0]!, (leaders.get(replicaSet[0]!) ?? 0) + 1);
  }
  if (spread(leaders, brokers) > 1) return 'leader counts differ by more than one';
  if (spread(replicas, brokers) > 1) return 'replica counts differ by more than one';
  return undefined;
}

describe('assignReplicas', () => {
  it('gives every partition RF distinct brokers, leaders and replica counts within one (property)', () => {
    fc.assert(
      fc.property(scenario, ({ brokers, partitions, rf }) => problem(brokers, partitions, rf) === undefined),
      { numRuns: 2000 },
    );
  });

  it('holds for every cluster of up to 12 brokers and 80 partitions (exhaustive)', () => {
    const failures: string[] = [];
    for (let n = 1; n <= 12; n++) {
      const brokers = Array.from({ length: n }, (_, i) => 100 - i * 7);
      for (let rf = 1; rf <= n; rf++) {
        for (let partitions = 1; partitions <= 80; partitions++) {
          const p = problem(brokers, partitions, rf);
          if (p !== undefined) failures.push(`n=${n} rf=${rf} P=${partitions}: ${p}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('starts round-robin leaders at the most preferred broker', () => {
    expect(assignReplicas([3, 1, 2], 4, 1)).toEqual([[3], [1], [2], [3]]);
  });

  it('matches Kafka-style shifted followers on a full round', () => {
    // One full round of 3 partitions over 3 brokers, RF 2: each broker leads one
    // partition and follows one.
    const out = assignReplicas([1, 2, 3], 3, 2);
    expect(out.map((r) => r[0])).toEqual([1, 2, 3]);
    expect(out.map((r) => r[1]).sort()).toEqual([1, 2, 3]);
  });

  it('rejects RF above the broker count with INVALID_REPLICATION_FACTOR', () => {
    expect(() => assignReplicas([1, 2], 3, 3)).toThrow(GregorError);
    try {
      assignReplicas([1, 2], 3, 3);
    } catch (err) {
      expect((err as GregorError).errorName).toBe('INVALID_REPLICATION_FACTOR');
    }
    expect(() => assignReplicas([], 1, 1)).toThrow(/INVALID_REPLICATION_FACTOR/);
  });

  it('rejects bad partition counts and replication factors', () => {
    expect(() => assignReplicas([1], 0, 1)).toThrow(/INVALID_PARTITIONS/);
    expect(() => assignReplicas([1], 1, 0)).toThrow(/INVALID_REPLICATION_FACTOR/);
  });
});
