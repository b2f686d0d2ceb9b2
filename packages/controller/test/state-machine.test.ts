import fc from 'fast-check';
import { isGregorError } from '@gregor/common';
import { planAlterPartition, UNCLEAN_LEADER_ELECTION_KEY } from '../src/election';
import { MetadataImage } from '../src/image';
import {
  minimalTopicConfigValidator,
  planAlterConfigs,
  planCreatePartitions,
  planCreateTopic,
  planDeleteTopic,
  planFenceBroker,
  planRegisterBroker,
  planUnfenceBroker,
} from '../src/plans';
import type { MetadataRecord, RecordBatch } from '../src/records';
import { decodeRecordBatch, encodeRecordBatch } from '../src/records';

/*
 * Model-based test of the metadata state machine: random controller requests
 * are planned against the image and applied as the log would, and after every
 * step the cluster invariants must hold. At the end the log is replayed into a
 * fresh image and into one restored from a mid-way snapshot: both must give
 * the same snapshot bytes (determinism, snapshot + log = log).
 */

const limits = { maxPartitionsPerTopic: 100, validateConfigs: minimalTopicConfigValidator };
const NAMES = ['a', 'b', 'c', 'd'];

type Op =
  | { op: 'register'; id: number; restart: boolean }
  | { op: 'fence' | 'unfence'; id: number }
  | { op: 'create'; t: number; partitions: number; rf: number; unclean: boolean }
  | { op: 'delete'; t: number }
  | { op: 'grow'; t: number; extra: number }
  | { op: 'isr'; t: number; p: number; mask: number }
  | { op: 'unclean'; t: number; on: boolean };

const id = fc.integer({ min: 1, max: 5 });
const t = fc.integer({ min: 0, max: NAMES.length - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('register' as const), id, restart: fc.boolean() }),
  fc.record({ op: fc.constantFrom('fence' as const, 'unfence' as const), id }),
  fc.record({ op: fc.constant('create' as const), t, partitions: fc.integer({ min: 1, max: 6 }), rf: fc.integer({ min: 1, max: 4 }), unclean: fc.boolean() }),
  fc.record({ op: fc.constant('delete' as const), t }),
  fc.record({ op: fc.constant('grow' as const), t, extra: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('isr' as const), t, p: fc.integer({ min: 0, max: 8 }), mask: fc.integer({ min: 0, max: 31 }) }),
  fc.record({ op: fc.constant('unclean' as const), t, on: fc.boolean() }),
);

function plan(image: MetadataImage, o: Op, seq: number): MetadataRecord[] {
  switch (o.op) {
    case 'register': {
      const existing = image.broker(o.id);
      const incarnationId = o.restart || existing === undefined ? `inc-${o.id}-${seq}` : existing.incarnationId;
      return planRegisterBroker(image, { brokerId: o.id, incarnationId, listeners: [], rack: null }, () => false);
    }
    case 'fence':
      return planFenceBroker(image, o.id);
    case 'unfence':
      return planUnfenceBroker(image, o.id);
    case 'create':
      return planCreateTopic(
        image,
        { name: NAMES[o.t]!, numPartitions: o.partitions, replicationFactor: o.rf, configs: o.unclean ? { [UNCLEAN_LEADER_ELECTION_KEY]: 'true' } : {} },
        `id-${seq}`,
        limits,
      );
    case 'delete':
      return planDeleteTopic(image, NAMES[o.t]!);
    case 'grow': {
      const topic = image.topicByName(NAMES[o.t]!);
      return planCreatePartitions(image, NAMES[o.t]!, (topic?.partitions.length ?? 0) + o.extra, limits);
    }
    case 'isr': {
      const topic = image.topicByName(NAMES[o.t]!);
      if (topic === undefined) return [];
      const p = topic.partitions[o.p % topic.partitions.length];
      if (p === undefined || p.leader === -1) return [];
      const newIsr = p.replicas.filter((r, i) => r === p.leader || (o.mask & (1 << i)) !== 0);
      const broker = image.broker(p.leader)!;
      const record = planAlterPartition(image, {
        brokerId: p.leader,
        brokerEpoch: broker.brokerEpoch,
        topic: topic.name,
        partition: p.partition,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        newIsr,
      });
      return record === undefined ? [] : [record];
    }
    case 'unclean':
      return planAlterConfigs(image, NAMES[o.t]!, { set: { [UNCLEAN_LEADER_ELECTION_KEY]: String(o.on) }, remove: [], replace: false }, limits);
  }
}

/** Returns the first broken invariant, or undefined. */
function violation(image: MetadataImage): string | undefined {
  for (const topic of image.topics()) {
    const unclean = image.topicConfigs(topic.name)[UNCLEAN_LEADER_ELECTION_KEY] === 'true';
    for (const p of topic.partitions) {
      const name = `${topic.name}-${p.partition}`;
      if (p.leader !== -1 && !image.isUnfenced(p.leader)) return `${name} is led by fenced broker ${p.leader}`;
      const fencedInIsr = p.isr.filter((b) => !image.isUnfenced(b));
      if (fencedInIsr.length > 0 && !(p.isr.length === 1 && p.leader === -1)) {
        return `${name} ISR [${p.isr.join(',')}] holds fenced [${fencedInIsr.join(',')}] while not the last member of a leaderless partition`;
      }
      if (p.leader === -1 && p.isr.some((b) => image.isUnfenced(b))) return `${name} has no leader but an unfenced ISR member`;
      if (p.leader === -1 && unclean && p.replicas.some((b) => image.isUnfenced(b))) {
        return `${name} allows unclean election, has no leader, and an unfenced replica`;
      }
    }
  }
  return undefined;
}

function replay(image: MetadataImage, log: readonly { offset: number; data: Uint8Array }[]): MetadataImage {
  for (const e of log) if (e.offset > image.offset) image.apply(decodeRecordBatch(e.data), e.offset);
  return image;
}

describe('metadata state machine (model-based)', () => {
  it('keeps the invariants under random requests, and replay/snapshot give the same image', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 80 }), fc.nat(), (ops, cut) => {
        const image = new MetadataImage();
        // Start from a live cluster so that most requests do something.
        const start: Op[] = [1, 2, 3, 4].flatMap((b) => [{ op: 'register' as const, id: b, restart: false }, { op: 'unfence' as const, id: b }]);
        ops = [...start, { op: 'create', t: 0, partitions: 4, rf: 3, unclean: false }, ...ops];
        const log: { offset: number; data: Uint8Array }[] = [];
        const snapshots: Uint8Array[] = [image.toSnapshot()];
        ops.forEach((o, seq) => {
          let records: MetadataRecord[];
          try {
            records = plan(image, o, seq);
          } catch (err) {
            if (isGregorError(err)) return; // refused: nothing written
            throw err;
          }
          if (records.length === 0) return;
          const batch: RecordBatch = { origin: null, records };
          const data = encodeRecordBatch(batch);
          log.push({ offset: image.offset + 1, data });
          image.apply(decodeRecordBatch(data), image.offset + 1);
          snapshots.push(image.toSnapshot());
          const v = violation(image);
          if (v !== undefined) throw new Error(`after ${JSON.stringify(o)}: ${v}`);
        });
        const expected = Buffer.from(image.toSnapshot());
        expect(Buffer.from(replay(new MetadataImage(), log).toSnapshot()).equals(expected)).toBe(true);
        const from = snapshots[cut % snapshots.length]!;
        expect(Buffer.from(replay(MetadataImage.fromSnapshot(from), log).toSnapshot()).equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
