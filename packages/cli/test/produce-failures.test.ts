import { GregorError } from '@gregor/common';
import { FailureTally, formatFailures, sendFailure } from '../src/produce-failures';

const expired = (partition: number, cause?: GregorError): GregorError =>
  new GregorError('REQUEST_TIMED_OUT', `1 record(s) for orders-${partition} expired: 15004 ms since the batch was created (deliveryTimeoutMs 15005)`, { topic: 'orders', partition }, cause);

describe('gregor produce: failures by cause and partition', () => {
  test('a timeout is named by the refusal behind it, with the partition', () => {
    const f = sendFailure(expired(2, new GregorError('NOT_ENOUGH_REPLICAS', 'orders-2: ISR 1 < min.insync.replicas 2', { topic: 'orders', partition: 2 })));
    expect(f).toMatchObject({ name: 'NOT_ENOUGH_REPLICAS', partition: 2 });
    expect(f.text).toMatch(/^NOT_ENOUGH_REPLICAS: orders-2: ISR 1 < min.insync.replicas 2 \(gave up: 1 record\(s\) for orders-2 expired/);
    expect(sendFailure(new Error('boom'))).toMatchObject({ name: 'UNKNOWN_SERVER_ERROR', partition: undefined });
  });

  test('4 of 6 records failed on partitions without a leader: named as such, with every partition, not as one timeout', () => {
    const tally = new FailureTally();
    for (const p of [1, 4, 1, 4]) tally.add(sendFailure(expired(p)));
    expect(tally.timedOutPartitions()).toEqual([1, 4]);
    const groups = tally.summary('orders', new Set([1, 4, 5]));
    expect(groups).toEqual([{ error: 'LEADER_NOT_AVAILABLE', records: 4, partitions: [1, 4], message: expect.stringMatching(/^LEADER_NOT_AVAILABLE: no leader for orders-1, orders-4 /) as string }]);
    expect(formatFailures('orders', 6, 2, groups)).toEqual([
      groups[0]!.message,
      'Produced 2 of 6 record(s) to orders; 4 failed:',
      '  LEADER_NOT_AVAILABLE: 4 record(s) to orders-1, orders-4',
    ]);
  });

  test('several causes: one line each, the largest first; a timeout with leaders stays a timeout', () => {
    const tally = new FailureTally();
    tally.add(sendFailure(expired(3)));
    for (let i = 0; i < 3; i++) tally.add(sendFailure(expired(2, new GregorError('NOT_ENOUGH_REPLICAS', 'orders-2: ISR too small'))));
    const groups = tally.summary('orders', new Set());
    expect(groups.map((g) => [g.error, g.records, g.partitions])).toEqual([
      ['NOT_ENOUGH_REPLICAS', 3, [2]],
      ['REQUEST_TIMED_OUT', 1, [3]],
    ]);
    const text = formatFailures('orders', 10, 6, groups);
    expect(text[0]).toMatch(/^NOT_ENOUGH_REPLICAS: orders-2: ISR too small/);
    expect(text.slice(1)).toEqual(['Produced 6 of 10 record(s) to orders; 4 failed:', '  NOT_ENOUGH_REPLICAS: 3 record(s) to orders-2', '  REQUEST_TIMED_OUT: 1 record(s) to orders-3']);
  });
});
