import { GregorError } from '@gregor/common';
import { MetadataImage } from '../src/image';
import { planAlterPartition } from '../src/election';
import { planAlterConfigs, planCreateTopic, planFenceBroker, planUnfenceBroker, minimalTopicConfigValidator } from '../src/plans';
import { applyRecords, partition, registerAndUnfence } from './helpers';

const limits = { maxPartitionsPerTopic: 1000, validateConfigs: minimalTopicConfigValidator };

function cluster(brokers: number[], replicas: number[], configs: Record<string, string> = {}): MetadataImage {
  const image = new MetadataImage();
  registerAndUnfence(image, brokers);
  applyRecords(image, [
    { type: 'topic', name: 't', topicId: 'id-t' },
    { type: 'partition', topicId: 'id-t', partition: 0, replicas, isr: replicas, leader: replicas[0]! },
    ...Object.entries(configs).map(([key, value]) => ({ type: 'config' as const, topic: 't', key, value })),
  ]);
  return image;
}

function fence(image: MetadataImage, id: number): void {
  applyRecords(image, planFenceBroker(image, id));
}

function unfence(image: MetadataImage, id: number): void {
  applyRecords(image, planUnfenceBroker(image, id));
}

function errorName(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as GregorError).errorName;
  }
}

describe('fencing and election', () => {
  it('moves leadership to the next ISR replica in assignment order and drops the fenced broker from the ISR', () => {
    const image = cluster([1, 2, 3], [1, 2, 3]);
    fence(image, 1);
    expect(partition(image, 't', 0)).toMatchObject({ leader: 2, isr: [2, 3], leaderEpoch: 1, partitionEpoch: 1 });
  });

  it('drops a fenced follower from the ISR without a leader change', () => {
    const image = cluster([1, 2, 3], [1, 2, 3]);
    fence(image, 3);
    expect(partition(image, 't', 0)).toMatchObject({ leader: 1, isr: [1, 2], leaderEpoch: 0, partitionEpoch: 1 });
  });

  it('keeps the last ISR member with no leader, and gives it leadership back when it returns', () => {
    const image = cluster([1, 2], [1, 2]);
    fence(image, 2);
    fence(image, 1);
    expect(partition(image, 't', 0)).toMatchObject({ leader: -1, isr: [1], leaderEpoch: 1 });
    // Broker 2 is back but was out of sync: no unclean election by default.
    unfence(image, 2);
    expect(partition(image, 't', 0)).toMatchObject({ leader: -1, isr: [1] });
    unfence(image, 1);
    expect(partition(image, 't', 0)).toMatchObject({ leader: 1, isr: [1], leaderEpoch: 2 });
  });

  it('elects an out-of-sync replica only with unclean.leader.election.enable=true', () => {
    const image = cluster([1, 2], [1, 2], { 'unclean.leader.election.enable': 'true' });
    fence(image, 2);
    fence(image, 1);
    expect(partition(image, 't', 0)).toMatchObject({ leader: -1, isr: [1] });
    unfence(image, 2);
    expect(partition(image, 't', 0)).toMatchObject({ leader: 2, isr: [2] });
  });

  it('elects at once when unclean election is turned on for a leaderless partition', () => {
    const image = cluster([1, 2], [1, 2]);
    fence(image, 2);
    fence(image, 1);
    unfence(image, 2);
    applyRecords(image, planAlterConfigs(image, 't', { set: { 'unclean.leader.election.enable': 'true' }, remove: [], replace: false }, limits));
    expect(partition(image, 't', 0)).toMatchObject({ leader: 2, isr: [2] });
  });

  it('moves leadership when a fenced broker leads with another unfenced ISR member', () => {
    const image = new MetadataImage();
    registerAndUnfence(image, [1, 2, 3]);
    applyRecords(image, planCreateTopic(image, { name: 'x', numPartitions: 6, replicationFactor: 3, configs: {} }, 'id-x', limits));
    fence(image, 2);
    for (const p of image.topicByName('x')!.partitions) {
      expect(p.leader).not.toBe(2);
      expect(p.leader).not.toBe(-1);
      expect(p.isr).not.toContain(2);
    }
  });
});

describe('planAlterPartition', () => {
  function setup() {
    const image = cluster([1, 2, 3], [1, 2, 3]);
    fence(image, 3); // isr [1,2], partition epoch 1
    unfence(image, 3);
    const epoch = image.broker(1)!.brokerEpoch;
    const base = { brokerId: 1, brokerEpoch: epoch, topic: 't', partition: 0, leaderEpoch: 0, partitionEpoch: 1, newIsr: [1, 2, 3] };
    return { image, base };
  }

  it('expands the ISR for the current leader and keeps assignment order', () => {
    const { image, base } = setup();
    const record = planAlterPartition(image, { ...base, newIsr: [3, 1, 2] });
    expect(record).toEqual({ type: 'partition-change', topicId: 'id-t', partition: 0, isr: [1, 2, 3] });
    applyRecords(image, [record!]);
    expect(partition(image, 't', 0)).toMatchObject({ isr: [1, 2, 3], partitionEpoch: 2, leaderEpoch: 0 });
    // Asking again for what is already there writes nothing.
    expect(planAlterPartition(image, { ...base, partitionEpoch: 2, newIsr: [1, 2, 3] })).toBeUndefined();
  });

  it('answers with Kafka error codes for stale or invalid requests', () => {
    const { image, base } = setup();
    expect(errorName(() => planAlterPartition(image, { ...base, brokerEpoch: 999 }))).toBe('STALE_BROKER_EPOCH');
    expect(errorName(() => planAlterPartition(image, { ...base, partition: 5 }))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(errorName(() => planAlterPartition(image, { ...base, leaderEpoch: 3 }))).toBe('FENCED_LEADER_EPOCH');
    expect(errorName(() => planAlterPartition(image, { ...base, brokerId: 2, brokerEpoch: image.broker(2)!.brokerEpoch }))).toBe(
      'NOT_LEADER_OR_FOLLOWER',
    );
    expect(errorName(() => planAlterPartition(image, { ...base, partitionEpoch: 0 }))).toBe('INVALID_UPDATE_VERSION');
    expect(errorName(() => planAlterPartition(image, { ...base, newIsr: [2, 3] }))).toBe('INVALID_REQUEST');
    expect(errorName(() => planAlterPartition(image, { ...base, newIsr: [1, 1] }))).toBe('INVALID_REQUEST');
    expect(errorName(() => planAlterPartition(image, { ...base, newIsr: [1, 4] }))).toBe('INVALID_REQUEST');
    fence(image, 3);
    expect(errorName(() => planAlterPartition(image, { ...base, newIsr: [1, 2, 3] }))).toBe('INVALID_REQUEST');
  });
});
