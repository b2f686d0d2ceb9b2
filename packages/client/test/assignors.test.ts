import fc from 'fast-check';
import { tpKey, type TopicPartition } from '@gregor/common';
import {
  cooperativeStickyAssignor,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  rangeAssignor,
  roundRobinAssignor,
  type GroupMember,
  type PartitionAssignor,
  type Subscription,
} from '@gregor/client';

// NUM_RUNS=<n> runs the properties longer; fast-check prints a seed to replay a failure.
fc.configureGlobal({ numRuns: Number(process.env['NUM_RUNS'] ?? 100) });

const sub = (topics: string[], ownedPartitions: TopicPartition[] = [], generationId = -1): Subscription => ({ topics, userData: null, ownedPartitions, generationId, rackId: null });
const member = (memberId: string, topics: string[], owned: TopicPartition[] = [], generationId = -1, groupInstanceId: string | null = null): GroupMember => ({
  memberId,
  groupInstanceId,
  subscription: sub(topics, owned, generationId),
});
const tps = (...list: string[]): TopicPartition[] => list.map((s) => ({ topic: s.slice(0, s.indexOf('p')), partition: Number(s.slice(s.indexOf('p') + 1)) }));
const show = (m: Map<string, TopicPartition[]>): Record<string, string[]> => Object.fromEntries([...m].map(([k, v]) => [k, v.map((tp) => `${tp.topic}p${tp.partition}`)]));

describe('Kafka’s documented examples', () => {
  const counts = new Map([
    ['t0', 3],
    ['t1', 3],
  ]);

  test('range: consecutive ranges per topic, extras to the first members', () => {
    expect(show(rangeAssignor.assign(counts, [member('C1', ['t0', 't1']), member('C0', ['t0', 't1'])]))).toEqual({
      C1: ['t0p2', 't1p2'],
      C0: ['t0p0', 't0p1', 't1p0', 't1p1'],
    });
  });

  test('roundrobin: dealt in turn over all partitions', () => {
    expect(show(roundRobinAssignor.assign(counts, [member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])]))).toEqual({
      C0: ['t0p0', 't0p2', 't1p1'],
      C1: ['t0p1', 't1p0', 't1p2'],
    });
  });

  test('roundrobin with different subscriptions skips members not subscribed', () => {
    const c = new Map([
      ['t0', 1],
      ['t1', 2],
      ['t2', 3],
    ]);
    expect(show(roundRobinAssignor.assign(c, [member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])]))).toEqual({
      C0: ['t0p0'],
      C1: ['t1p0'],
      C2: ['t1p1', 't2p0', 't2p1', 't2p2'],
    });
  });

  test('static members come first, ordered by group.instance.id', () => {
    const r = rangeAssignor.assign(new Map([['t', 3]]), [member('a-dynamic', ['t']), member('z-static', ['t'], [], -1, 'i2'), member('y-static', ['t'], [], -1, 'i1')]);
    expect(show(r)).toEqual({ 'a-dynamic': ['tp2'], 'z-static': ['tp1'], 'y-static': ['tp0'] });
  });

  test('cooperative-sticky: a newcomer gets its share in two steps, nothing moves directly', () => {
    const c = new Map([['t', 6]]);
    const first = cooperativeStickyAssignor.assign(c, [member('A', ['t'], tps('tp0', 'tp1', 'tp2'), 1), member('B', ['t'], tps('tp3', 'tp4', 'tp5'), 1), member('C', ['t'])]);
    // A and B keep two each; the partitions C will get are withheld (revoked first).
    expect(show(first)).toEqual({ A: ['tp0', 'tp1'], B: ['tp3', 'tp4'], C: [] });
    const second = cooperativeStickyAssignor.assign(c, [member('A', ['t'], first.get('A')!, 2), member('B', ['t'], first.get('B')!, 2), member('C', ['t'], [], 2)]);
    expect(show(second)).toEqual({ A: ['tp0', 'tp1'], B: ['tp3', 'tp4'], C: ['tp2', 'tp5'] });
  });

  test('cooperative-sticky: of two claims to a partition the newer generation wins', () => {
    const c = new Map([['t', 2]]);
    const r = cooperativeStickyAssignor.assign(c, [member('A', ['t'], tps('tp0'), 3), member('B', ['t'], tps('tp0', 'tp1'), 5)]);
    // B's claim to tp0 is newer, so B owns both; it keeps tp0 and tp1 is withheld from A until B revokes it.
    expect(show(r)).toEqual({ A: [], B: ['tp0'] });
  });
});

// ---- properties ------------------------------------------------------------

const TOPICS = ['a', 'b', 'c', 'd'];
const countsArb = fc.tuple(...TOPICS.map(() => fc.integer({ min: 0, max: 12 }))).map((ns) => new Map(TOPICS.map((t, i) => [t, ns[i]!])));
const membersArb = (identical: boolean): fc.Arbitrary<GroupMember[]> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: 7 }),
      fc.subarray(TOPICS, { minLength: 1 }),
      fc.array(fc.subarray(TOPICS, { minLength: 1 }), { minLength: 7, maxLength: 7 }),
      fc.array(fc.option(fc.string({ minLength: 1, maxLength: 3 }), { nil: null }), { minLength: 7, maxLength: 7 }),
    )
    .map(([n, common, each, instances]) =>
      Array.from({ length: n }, (_, i) => member(`m${i}`, identical ? common : each[i]!, [], -1, instances[i] === null ? null : `${instances[i]}-${i}`)),
    );

function allPartitions(counts: Map<string, number>, members: readonly GroupMember[]): string[] {
  const topics = new Set(members.flatMap((m) => m.subscription.topics));
  return [...topics].flatMap((t) => Array.from({ length: counts.get(t) ?? 0 }, (_, p) => tpKey(t, p)));
}

function checkValid(counts: Map<string, number>, members: readonly GroupMember[], result: Map<string, TopicPartition[]>, complete: boolean): void {
  expect(new Set(result.keys())).toEqual(new Set(members.map((m) => m.memberId)));
  const seen = new Set<string>();
  for (const m of members) {
    for (const tp of result.get(m.memberId)!) {
      const key = tpKey(tp.topic, tp.partition);
      expect(seen.has(key)).toBe(false); // at most once
      seen.add(key);
      expect(m.subscription.topics).toContain(tp.topic); // only to subscribers
      expect(tp.partition).toBeLessThan(counts.get(tp.topic)!);
    }
  }
  if (complete) expect([...seen].sort()).toEqual(allPartitions(counts, members).sort()); // every partition
}

const spread = (r: Map<string, TopicPartition[]>): number => {
  const sizes = [...r.values()].map((l) => l.length);
  return Math.max(...sizes) - Math.min(...sizes);
};

/** Kafka's balance criterion: no partition could move to an eligible member with at least two fewer. */
function isBalanced(members: readonly GroupMember[], r: Map<string, TopicPartition[]>): boolean {
  for (const a of members) {
    for (const tp of r.get(a.memberId)!) {
      for (const b of members) {
        if (b.subscription.topics.includes(tp.topic) && r.get(b.memberId)!.length + 1 < r.get(a.memberId)!.length) return false;
      }
    }
  }
  return true;
}

/** Runs cooperative rounds: members own what they got, until the assignment stops changing. */
function converge(counts: Map<string, number>, start: GroupMember[], maxRounds: number): { result: Map<string, TopicPartition[]>; rounds: number } {
  let members = start;
  let result = cooperativeStickyAssignor.assign(counts, members);
  for (let round = 1; round <= maxRounds; round++) {
    checkValid(counts, members, result, false);
    // No partition goes straight from one member to another.
    for (const m of members) {
      for (const tp of result.get(m.memberId)!) {
        const claimedByOther = members.some((o) => o.memberId !== m.memberId && o.subscription.ownedPartitions.some((x) => x.topic === tp.topic && x.partition === tp.partition));
        const claimedBySelf = m.subscription.ownedPartitions.some((x) => x.topic === tp.topic && x.partition === tp.partition);
        // Any claim by another member (even a stale or invalid one) withholds the partition from a new owner.
        if (claimedByOther) expect(claimedBySelf).toBe(true);
      }
    }
    members = members.map((m) => member(m.memberId, m.subscription.topics, result.get(m.memberId)!, round, m.groupInstanceId));
    const next = cooperativeStickyAssignor.assign(counts, members);
    if (JSON.stringify(show(next)) === JSON.stringify(show(result))) return { result, rounds: round };
    result = next;
  }
  throw new Error(`no stable assignment after ${maxRounds} rounds: ${JSON.stringify(show(result))}`);
}

describe('assignor properties (fast-check)', () => {
  const eager: PartitionAssignor[] = [rangeAssignor, roundRobinAssignor];

  test.each(eager.map((a) => [a.name, a] as const))('%s: every partition exactly once, only to subscribers', (_name, assignor) => {
    fc.assert(fc.property(countsArb, membersArb(false), (counts, members) => checkValid(counts, members, assignor.assign(counts, members), true)));
  });

  test('range: balanced within one per topic, among that topic’s subscribers, whatever the others subscribe to', () => {
    fc.assert(
      fc.property(countsArb, membersArb(false), (counts, members) => {
        const r = rangeAssignor.assign(counts, members);
        for (const topic of new Set(members.flatMap((m) => m.subscription.topics))) {
          const subscribers = members.filter((m) => m.subscription.topics.includes(topic));
          const sizes = subscribers.map((m) => r.get(m.memberId)!.filter((tp) => tp.topic === topic).length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          expect(sizes.reduce((a, b) => a + b, 0)).toBe(counts.get(topic) ?? 0);
        }
      }),
    );
  });

  test('roundrobin: identical subscriptions are balanced within one', () => {
    fc.assert(fc.property(countsArb, membersArb(true), (counts, members) => expect(spread(roundRobinAssignor.assign(counts, members))).toBeLessThanOrEqual(1)));
  });

  test('cooperative-sticky from scratch: complete and balanced at once (nothing to revoke)', () => {
    fc.assert(
      fc.property(countsArb, membersArb(true), (counts, members) => {
        const r = cooperativeStickyAssignor.assign(counts, members);
        checkValid(counts, members, r, true);
        expect(spread(r)).toBeLessThanOrEqual(1);
      }),
    );
    fc.assert(
      fc.property(countsArb, membersArb(false), (counts, members) => {
        const r = cooperativeStickyAssignor.assign(counts, members);
        checkValid(counts, members, r, true);
        expect(isBalanced(members, r)).toBe(true);
      }),
    );
  });

  /** Members with random (possibly conflicting, stale, out-of-range) ownership. */
  const withOwnership = (identical: boolean) =>
    fc
      .tuple(countsArb, membersArb(identical), fc.array(fc.tuple(fc.nat(6), fc.constantFrom(...TOPICS), fc.nat(13), fc.integer({ min: 1, max: 3 })), { maxLength: 40 }))
      .map(([counts, members, claims]) => {
        const owned = new Map<string, { tps: TopicPartition[]; gen: number }>(members.map((m) => [m.memberId, { tps: [], gen: 1 }]));
        for (const [i, topic, partition, gen] of claims) {
          const m = members[i % members.length]!;
          const o = owned.get(m.memberId)!;
          o.tps.push({ topic, partition });
          o.gen = gen;
        }
        return { counts, members: members.map((m) => member(m.memberId, m.subscription.topics, owned.get(m.memberId)!.tps, owned.get(m.memberId)!.gen, m.groupInstanceId)) };
      });

  test('cooperative-sticky: members keep their (valid) partitions up to their share; converges in two rounds to a complete, balanced assignment', () => {
    fc.assert(
      fc.property(withOwnership(true), ({ counts, members }) => {
        const n = allPartitions(counts, members).length;
        const minQuota = Math.floor(n / members.length);
        const first = cooperativeStickyAssignor.assign(counts, members);
        for (const m of members) {
          // Valid, uncontested ownership is kept up to the minimum share.
          const mine = new Set(
            m.subscription.ownedPartitions.filter((tp) => tp.partition < (counts.get(tp.topic) ?? 0) && m.subscription.topics.includes(tp.topic)).map((tp) => tpKey(tp.topic, tp.partition)),
          );
          const contested = members.some((o) => o.memberId !== m.memberId && o.subscription.ownedPartitions.some((tp) => mine.has(tpKey(tp.topic, tp.partition))));
          if (contested) continue;
          const kept = first.get(m.memberId)!.filter((tp) => mine.has(tpKey(tp.topic, tp.partition))).length;
          expect(kept).toBeGreaterThanOrEqual(Math.min(mine.size, minQuota));
        }
        const { result, rounds } = converge(counts, members, 3);
        expect(rounds).toBeLessThanOrEqual(2);
        checkValid(counts, members, result, true);
        expect(spread(result)).toBeLessThanOrEqual(1);
      }),
    );
  });

  test('cooperative-sticky with different subscriptions converges to a complete assignment meeting Kafka’s balance criterion', () => {
    fc.assert(
      fc.property(withOwnership(false), ({ counts, members }) => {
        const { result } = converge(counts, members, 4);
        checkValid(counts, members, result, true);
        expect(isBalanced(members, result)).toBe(true);
      }),
    );
  });
});

describe('consumer protocol bytes (Kafka’s ConsumerProtocolSubscription/Assignment)', () => {
  test('subscription v3 and assignment v3 byte for byte', () => {
    const s = encodeSubscription({ topics: ['t'], userData: null, ownedPartitions: [{ topic: 't', partition: 1 }], generationId: 4, rackId: null });
    expect(s.toString('hex')).toBe('0003' + '00000001' + '000174' + 'ffffffff' + '00000001' + '000174' + '00000001' + '00000001' + '00000004' + 'ffff');
    const a = encodeAssignment({ partitions: [{ topic: 't', partition: 0 }, { topic: 't', partition: 2 }], userData: null });
    expect(a.toString('hex')).toBe('0003' + '00000001' + '000174' + '00000002' + '00000000' + '00000002' + 'ffffffff');
  });

  test('v0 subscriptions (no owned partitions) and empty assignments are read', () => {
    const v0 = Buffer.from('0000' + '00000002' + '000161' + '000162' + '00000002' + 'abcd', 'hex');
    expect(decodeSubscription(v0)).toEqual({ topics: ['a', 'b'], userData: Buffer.from('abcd', 'hex'), ownedPartitions: [], generationId: -1, rackId: null });
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ partitions: [], userData: null });
    expect(() => decodeSubscription(Buffer.from('0001', 'hex'))).toThrow(/INCONSISTENT_GROUP_PROTOCOL/);
  });

  test('round trip', () => {
    const tp = fc.record({ topic: fc.string({ minLength: 1, maxLength: 5 }), partition: fc.nat(1000) });
    fc.assert(
      fc.property(
        fc.record({
          topics: fc.array(fc.string({ maxLength: 5 })),
          userData: fc.option(fc.uint8Array({ maxLength: 8 }).map((u) => Buffer.from(u)), { nil: null }),
          ownedPartitions: fc.array(tp, { maxLength: 5 }),
          generationId: fc.integer({ min: -1, max: 1000 }),
          rackId: fc.option(fc.string({ maxLength: 4 }), { nil: null }),
        }),
        fc.array(tp, { maxLength: 6 }),
        (s, parts) => {
          const back = decodeSubscription(encodeSubscription(s));
          expect(back.topics).toEqual(s.topics);
          expect(back.userData).toEqual(s.userData);
          expect(back.generationId).toBe(s.generationId);
          expect(back.rackId).toBe(s.rackId);
          // Partitions are grouped by topic on the wire.
          expect(back.ownedPartitions.map((x) => tpKey(x.topic, x.partition)).sort()).toEqual(s.ownedPartitions.map((x) => tpKey(x.topic, x.partition)).sort());
          const a = decodeAssignment(encodeAssignment({ partitions: parts, userData: null }));
          expect(a.partitions.map((x) => tpKey(x.topic, x.partition)).sort()).toEqual(parts.map((x) => tpKey(x.topic, x.partition)).sort());
        },
      ),
    );
  });
});
