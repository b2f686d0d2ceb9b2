import fc from 'fast-check';
import { GregorError } from '@gregor/common';
import { planNewTopic, type CreateTopicLimits } from '@gregor/broker';

const limits: CreateTopicLimits = { defaultNumPartitions: 3, defaultReplicationFactor: 1, liveBrokerCount: 1, maxPartitionsPerTopic: 100 };

function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof GregorError ? err.errorName : `not a GregorError: ${String(err)}`;
  }
}

describe('planNewTopic', () => {
  test('resolves -1 to the broker defaults', () => {
    expect(planNewTopic({ name: 'orders', numPartitions: -1, replicationFactor: -1, configs: { 'retention.ms': '10' } }, limits)).toEqual({
      name: 'orders',
      numPartitions: 3,
      replicationFactor: 1,
      configs: { 'retention.ms': '10' },
    });
  });

  test.each([
    ['', 1, 1, {}, 'INVALID_TOPIC_EXCEPTION'],
    ['..', 1, 1, {}, 'INVALID_TOPIC_EXCEPTION'],
    ['bad/name', 1, 1, {}, 'INVALID_TOPIC_EXCEPTION'],
    ['x'.repeat(250), 1, 1, {}, 'INVALID_TOPIC_EXCEPTION'],
    ['t', 0, 1, {}, 'INVALID_PARTITIONS'],
    ['t', -5, 1, {}, 'INVALID_PARTITIONS'],
    ['t', 101, 1, {}, 'INVALID_PARTITIONS'],
    ['t', 1, 0, {}, 'INVALID_REPLICATION_FACTOR'],
    ['t', 1, 2, {}, 'INVALID_REPLICATION_FACTOR'],
    ['t', 1, 1, { 'retention.ms': 'x' }, 'INVALID_CONFIG'],
  ])('name %j partitions %d rf %d configs %j → %s', (name, numPartitions, replicationFactor, configs, expected) => {
    expect(errorOf(() => planNewTopic({ name, numPartitions, replicationFactor, configs }, limits))).toBe(expected);
  });

  test('property: accepted exactly when a naive checker accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 120 }), fc.integer({ min: -3, max: 4 }), fc.integer({ min: 1, max: 3 }), (np, rf, brokers) => {
        const l = { ...limits, liveBrokerCount: brokers };
        const p = np === -1 ? l.defaultNumPartitions : np;
        const r = rf === -1 ? l.defaultReplicationFactor : rf;
        const naiveOk = p >= 1 && p <= l.maxPartitionsPerTopic && r >= 1 && r <= brokers;
        expect(errorOf(() => planNewTopic({ name: 't', numPartitions: np, replicationFactor: rf, configs: {} }, l)) === undefined).toBe(naiveOk);
      }),
    );
  });
});
