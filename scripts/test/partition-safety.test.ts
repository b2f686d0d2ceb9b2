import { encodeRecordBatch } from '@gregor/record-batch';
import { recordsOf } from '../src/partition/replica-logs';
import { checkConsumed, checkPartitionLog, replicaDifference, seqOf, type LogRecord } from '../src/partition/safety';
import { countFencings } from '../src/partition/fencing-events';
import { longestAckGap } from '../src/partition/unavailability';

const rec = (offset: number, value: string): LogRecord => ({ offset: BigInt(offset), value });

describe('longestAckGap', () => {
  test('the longest stretch of the window without an ack, the window edges included, and when it began', () => {
    expect(longestAckGap([5, 10, 30, 32], 0, 40)).toEqual({ ms: 20, startMs: 10 });
    expect(longestAckGap([1, 2, 3], 0, 50)).toEqual({ ms: 47, startMs: 3 }); // no ack since 3
    expect(longestAckGap([40], 0, 50)).toEqual({ ms: 40, startMs: 0 }); // none until 40
    expect(longestAckGap([10, 20], 0, 30)).toEqual({ ms: 10, startMs: 0 }); // the first of equals
  });

  test('acks outside the window do not count; no ack at all is the whole window', () => {
    expect(longestAckGap([1, 2, 100], 10, 20)).toEqual({ ms: 10, startMs: 10 });
    expect(longestAckGap([], 10, 25)).toEqual({ ms: 15, startMs: 10 });
  });
});

describe('checkPartitionLog', () => {
  const acked = new Map<number, bigint>([
    [0, 0n],
    [1, 1n],
    [2, 2n],
  ]);

  test('a log with every acknowledged record once, in order, passes; unacknowledged extras are fine', () => {
    expect(checkPartitionLog(0, [rec(0, '0:0'), rec(1, '0:1'), rec(2, '0:2'), rec(3, '0:3')], acked, 4)).toEqual([]);
  });

  test('names what is lost, duplicated, out of order, moved or never sent', () => {
    expect(checkPartitionLog(0, [rec(0, '0:0'), rec(1, '0:1')], acked, 3)).toEqual(['partition 0: acknowledged but lost: seq 2 (acked at 2)']);
    expect(checkPartitionLog(0, [rec(0, '0:0'), rec(1, '0:1'), rec(2, '0:2'), rec(3, '0:1')], acked, 3)).toEqual([
      'partition 0: duplicated: seq 1 at 1 and 3',
      'partition 0: out of order: seq 1 at 3 after seq 2',
    ]);
    expect(checkPartitionLog(0, [rec(0, '0:0'), rec(1, '0:2'), rec(2, '0:1')], acked, 3)).toEqual([
      'partition 0: out of order: seq 1 at 2 after seq 2',
      'partition 0: acknowledged at another offset: seq 1 acked at 1, found at 2, seq 2 acked at 2, found at 1',
    ]);
    expect(checkPartitionLog(0, [rec(0, '0:0'), rec(1, '0:1'), rec(2, '0:2'), rec(3, '1:3'), rec(4, '0:9')], acked, 3)).toEqual([
      'partition 0: never sent: "1:3" at 3, "0:9" at 4',
    ]);
  });

  test('lists at most five of a kind and counts the rest', () => {
    const many = new Map(Array.from({ length: 8 }, (_, i) => [i, BigInt(i)] as const));
    expect(checkPartitionLog(0, [], many, 8)).toEqual(['partition 0: acknowledged but lost: seq 0 (acked at 0), seq 1 (acked at 1), seq 2 (acked at 2), seq 3 (acked at 3), seq 4 (acked at 4) and 3 more']);
  });
});

describe('checkConsumed', () => {
  test('what a consumer saw must still be in the log, at the same offset', () => {
    const log = [rec(0, '0:0'), rec(1, '0:1')];
    expect(checkConsumed(0, [rec(0, '0:0'), rec(1, '0:1')], log)).toEqual([]);
    expect(checkConsumed(0, [rec(1, '0:5'), rec(2, '0:2')], log)).toEqual(['partition 0: consumed, then gone from the log: "0:5" at 1 (now "0:1"), "0:2" at 2 (now absent)']);
  });
});

describe('replicaDifference', () => {
  const batch = (baseOffset: number, value: string): { baseOffset: bigint; bytes: Buffer } => {
    const bytes = encodeRecordBatch([{ value: Buffer.from(value) }], { baseOffset: BigInt(baseOffset) });
    return { baseOffset: BigInt(baseOffset), bytes };
  };

  test('identical replicas: none; a strict prefix: lag; different bytes: divergence', () => {
    const a = [batch(0, '0:0'), batch(1, '0:1')];
    expect(replicaDifference(0, [{ node: 1, batches: a }, { node: 2, batches: [...a] }])).toBeUndefined();
    expect(replicaDifference(0, [{ node: 1, batches: a }, { node: 2, batches: a.slice(0, 1) }])?.kind).toBe('lag');
    expect(replicaDifference(0, [{ node: 1, batches: a }, { node: 3, batches: [a[0]!, batch(1, '0:7')] }])).toEqual({
      kind: 'divergence',
      detail: 'partition 0: node 1 and node 3 differ at batch 1 (base offsets 1 and 1)',
    });
  });

  test('recordsOf decodes a replica into offsets and values', () => {
    expect(recordsOf({ node: 1, batches: [batch(0, '0:0'), batch(1, '0:1')] })).toEqual([rec(0, '0:0'), rec(1, '0:1')]);
    expect(seqOf('3:17', 3)).toBe(17);
    expect(seqOf('3:17', 2)).toBeUndefined();
  });
});

describe('countFencings', () => {
  it("counts each broker's fencings and unfencings from the controller's lines, nothing else", () => {
    const log = [
      '23:33:35.152 INFO  node-1 fenced broker 2 (epoch 4): no heartbeat for 812 ms (broker.session.timeout.ms=750)',
      '{"level":"info","msg":"unfenced broker 2 (epoch 4): it caught up with the metadata log"}',
      '23:33:36.000 INFO  node-3 fenced broker 2 (epoch 4): controlled shutdown',
      '23:33:36.100 WARN  node-2 broker 2 is now fenced',
      '23:33:37.000 INFO  node-3 unfenced broker 1 (epoch 9): it caught up with the metadata log',
    ].join('\n');
    expect(countFencings(log)).toEqual({ fenced: { '2': 2 }, unfenced: { '2': 1, '1': 1 } });
    expect(countFencings('')).toEqual({ fenced: {}, unfenced: {} });
  });
});
