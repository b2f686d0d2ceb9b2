import fc from 'fast-check';
import { describeChange } from '../src/change-log';
import { MetadataImage } from '../src/image';
import { planAlterPartition } from '../src/election';
import { planFenceBroker, planUnfenceBroker } from '../src/plans';
import { PREFERRED_LEADER_REASON, planPreferredLeaderElections } from '../src/preferred-leader';
import { applyRecords, partition, registerAndUnfence } from './helpers';

/** Brokers 1..3 unfenced, topic t with partitions led by their first replica. */
function cluster(assignments: number[][]): MetadataImage {
  const image = new MetadataImage();
  registerAndUnfence(image, [1, 2, 3]);
  applyRecords(image, [
    { type: 'topic', name: 't', topicId: 'id-t' },
    ...assignments.map((replicas, p) => ({ type: 'partition' as const, topicId: 'id-t', partition: p, replicas, isr: replicas, leader: replicas[0]! })),
  ]);
  return image;
}

/** The leader of t-p asks for `isr` (what a caught-up follower rejoining looks like). */
function setIsr(image: MetadataImage, p: number, isr: number[]): void {
  const s = partition(image, 't', p);
  const record = planAlterPartition(image, {
    brokerId: s.leader,
    brokerEpoch: image.broker(s.leader)!.brokerEpoch,
    topic: 't',
    partition: p,
    leaderEpoch: s.leaderEpoch,
    partitionEpoch: s.partitionEpoch,
    newIsr: isr,
  });
  if (record !== undefined) applyRecords(image, [record]);
}

describe('preferred leader election (planning)', () => {
  it('plans nothing while every partition is led by its preferred replica', () => {
    const image = cluster([[1, 2, 3], [2, 3, 1], [3, 1, 2]]);
    expect(planPreferredLeaderElections(image)).toEqual([]);
  });

  it('gives leadership back once the restarted preferred replica is unfenced and back in the ISR — not before', () => {
    const image = cluster([[1, 2, 3], [2, 3, 1], [3, 1, 2]]);
    applyRecords(image, planFenceBroker(image, 1, 'test'));
    expect(partition(image, 't', 0)).toMatchObject({ leader: 2, isr: [2, 3], leaderEpoch: 1 });

    // Fenced: not eligible.
    expect(planPreferredLeaderElections(image)).toEqual([]);
    // Unfenced but still out of the ISR (catching up): not eligible either.
    applyRecords(image, planUnfenceBroker(image, 1));
    expect(partition(image, 't', 0).leader).toBe(2);
    expect(planPreferredLeaderElections(image)).toEqual([]);

    // Caught up: the leader adds it to the ISR; now it may lead again.
    setIsr(image, 0, [1, 2, 3]);
    const records = planPreferredLeaderElections(image);
    expect(records).toEqual([{ type: 'partition-change', topicId: 'id-t', partition: 0, leader: 1, reason: PREFERRED_LEADER_REASON }]);
    applyRecords(image, records);
    // Leader epoch bumps, ISR unchanged.
    expect(partition(image, 't', 0)).toMatchObject({ leader: 1, isr: [1, 2, 3], leaderEpoch: 2 });
    expect(planPreferredLeaderElections(image)).toEqual([]);
  });

  it('elects a leaderless partition whose preferred replica is eligible', () => {
    const image = cluster([[1, 2]]);
    applyRecords(image, planFenceBroker(image, 2, 'test'));
    applyRecords(image, planFenceBroker(image, 1, 'test'));
    expect(partition(image, 't', 0)).toMatchObject({ leader: -1, isr: [1] });
    // Bypass the unfence path's own election to check the planner alone.
    const b = image.broker(1)!;
    applyRecords(image, [{ type: 'unfence-broker', brokerId: 1, brokerEpoch: b.brokerEpoch }]);
    expect(planPreferredLeaderElections(image)).toEqual([{ type: 'partition-change', topicId: 'id-t', partition: 0, leader: 1, reason: PREFERRED_LEADER_REASON }]);
  });

  it('respects the per-write bound', () => {
    const image = cluster(Array.from({ length: 10 }, () => [1, 2, 3]));
    applyRecords(image, planFenceBroker(image, 1, 'test'));
    applyRecords(image, planUnfenceBroker(image, 1));
    for (let p = 0; p < 10; p++) setIsr(image, p, [1, 2, 3]);
    expect(planPreferredLeaderElections(image, 4)).toHaveLength(4);
    expect(planPreferredLeaderElections(image)).toHaveLength(10);
  });

  it('logs one line per move, saying why', () => {
    const again = new MetadataImage();
    registerAndUnfence(again, [1, 2, 3]);
    applyRecords(again, [
      { type: 'topic', name: 't', topicId: 'id-t' },
      { type: 'partition', topicId: 'id-t', partition: 0, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 2 },
    ]);
    const changes = again.apply({ origin: null, records: planPreferredLeaderElections(again) }, again.offset + 1);
    expect(changes.map(describeChange)).toEqual(['partition t-0 leader 2 -> 1 (leader epoch 1) (partition epoch 1): preferred leader election']);
  });
});

/*
 * Property: on any image (random brokers fenced or not, random replicas,
 * ISRs and leaders), applying the plan
 * - makes every partition whose preferred replica is unfenced and in the
 *   ISR led by it,
 * - changes nothing else (ISR, replicas, other partitions),
 * - bumps the leader epoch of exactly the moved partitions by one,
 * and planning again finds nothing. The image's own invariant checks
 * (leader in the ISR, …) run on apply.
 */
describe('preferred leader election (property)', () => {
  const partitionArb = fc
    .shuffledSubarray([1, 2, 3, 4], { minLength: 1, maxLength: 4 })
    .chain((replicas) =>
      fc.record({
        replicas: fc.constant(replicas),
        isr: fc.subarray(replicas, { minLength: 1 }),
      }),
    )
    .chain(({ replicas, isr }) => fc.record({ replicas: fc.constant(replicas), isr: fc.constant(isr), leader: fc.constantFrom(-1, ...isr) }));

  it('elects exactly the eligible preferred replicas and nothing else', () => {
    fc.assert(
      fc.property(fc.array(partitionArb, { minLength: 1, maxLength: 12 }), fc.subarray([1, 2, 3, 4]), (parts, fenced) => {
        const image = new MetadataImage();
        registerAndUnfence(image, [1, 2, 3, 4]);
        for (const id of fenced) {
          applyRecords(image, [{ type: 'fence-broker', brokerId: id, brokerEpoch: image.broker(id)!.brokerEpoch }]);
        }
        applyRecords(image, [
          { type: 'topic', name: 't', topicId: 'id-t' },
          ...parts.map((p, i) => ({ type: 'partition' as const, topicId: 'id-t', partition: i, replicas: p.replicas, isr: p.isr, leader: p.leader })),
        ]);
        const before = [...image.topicByName('t')!.partitions]; // the image replaces entries in place
        const records = planPreferredLeaderElections(image);
        if (records.length > 0) applyRecords(image, records);
        const after = image.topicByName('t')!.partitions;
        const moved = new Set(records.map((r) => r.partition));
        before.forEach((b, i) => {
          const a = after[i]!;
          const preferred = b.replicas[0]!;
          const eligible = b.isr.includes(preferred) && !fenced.includes(preferred);
          expect(a.leader).toBe(eligible ? preferred : b.leader);
          expect(moved.has(i)).toBe(eligible && b.leader !== preferred);
          expect(a.isr).toEqual(b.isr);
          expect(a.replicas).toEqual(b.replicas);
          expect(a.leaderEpoch).toBe(b.leaderEpoch + (moved.has(i) ? 1 : 0));
        });
        expect(planPreferredLeaderElections(image)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
