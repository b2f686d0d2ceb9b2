import { ConfigError } from '@gregor/common';
import { diffAssignment, matchTopics } from '../src/consumer/group/assignment-diff';
import { FetchBuffer } from '../src/consumer/fetch-buffer';
import { resolveConsumerOptions } from '../src/consumer/options';
import { Subscriptions } from '../src/consumer/partition-state';
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

describe('revoked partitions', () => {
  test('records fetched for a partition that is no longer assigned are never handed out', () => {
    const subs = new Subscriptions('earliest');
    subs.assign([tp('a', 0), tp('a', 1)], true);
    const s0 = subs.get('a-0')!;
    subs.seek(s0, 5n);
    const buffer = new FetchBuffer(() => undefined);
    const record = (offset: bigint) => ({ topic: 'a', partition: 0, offset, timestamp: 0n, key: null, value: null, headers: [] });
    buffer.push(s0, [record(5n), record(6n)], 100);
    // Revoked (the buffer is not even told): the chunk is stale.
    subs.assign([tp('a', 1)], true);
    expect(buffer.take(10)).toEqual([]);
    expect(subs.get('a-1')!.awaitingCommitted).toBe(true);
    expect(subs.fetchable(0, 1 << 20)).toEqual([]);
    expect(subs.needingLookup(0)).toEqual([]);
  });
});
