import { ConfigError } from '@gregor/common';
import { diffAssignment, matchTopics } from '../src/consumer/group/assignment-diff';
import { resolveConsumerOptions } from '../src/consumer/options';
import { DEFAULT_RETRY } from '../src/options';

const tp = (topic: string, partition: number) => ({ topic, partition });

describe('group consumer decisions', () => {
  test('diffAssignment splits revoked, added and kept', () => {
    const d = diffAssignment([tp('a', 0), tp('a', 1), tp('b', 0)], [tp('a', 1), tp('b', 0), tp('b', 1)]);
    expect(d).toEqual({ revoked: [tp('a', 0)], added: [tp('b', 1)], kept: [tp('a', 1), tp('b', 0)] });
    expect(diffAssignment([], [])).toEqual({ revoked: [], added: [], kept: [] });
  });

  test('pattern subscriptions match whole names (Java matches()), skip internal topics, ignore g/y flags', () => {
    const topics = [
      { name: 'metrics.cpu', isInternal: false },
      { name: 'old-metrics.cpu', isInternal: false },
      { name: 'metrics', isInternal: false },
      { name: '__consumer_offsets', isInternal: true },
    ];
    expect(matchTopics(/metrics\..*/, topics)).toEqual(['metrics.cpu']);
    expect(matchTopics(/.*/g, topics)).toEqual(['metrics', 'metrics.cpu', 'old-metrics.cpu']);
    expect(matchTopics(/METRICS/i, topics)).toEqual(['metrics']);
  });

  test('rebalance protocol: cooperative only when every assignor supports it (Kafka’s rule)', () => {
    const resolve = (o: Parameters<typeof resolveConsumerOptions>[0]) => resolveConsumerOptions(o, { retry: DEFAULT_RETRY });
    expect(resolve({ groupId: 'g' }).rebalanceProtocol).toBe('cooperative');
    expect(resolve({ groupId: 'g', partitionAssignors: ['cooperative-sticky', 'range'] }).rebalanceProtocol).toBe('eager');
    expect(resolve({ groupId: 'g', partitionAssignors: ['roundrobin'] }).partitionAssignors.map((a) => a.name)).toEqual(['roundrobin']);
    expect(() => resolve({ groupId: 'g', partitionAssignors: ['sticky' as never] })).toThrow(ConfigError);
    expect(() => resolve({ groupId: 'g', partitionAssignors: [] })).toThrow(ConfigError);
    expect(() => resolve({ groupInstanceId: 'i' })).toThrow(/needs a groupId/);
    expect(() => resolve({ groupId: 'g', sessionTimeoutMs: 3000, heartbeatIntervalMs: 3000 })).toThrow(/below sessionTimeoutMs/);
  });
});
