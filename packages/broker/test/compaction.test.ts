import * as grpc from '@grpc/grpc-js';
import { pollUntil } from '@gregor/common';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, OFFSETS_TOPIC, partitionForGroup } from '@gregor/group-coordinator';
import { CompressionType, decodeRecordBatches, encodeRecordBatch } from '@gregor/record-batch';
import { Broker, defaultBrokerConfig } from '@gregor/broker';
import { connect, createTopic, fetchOnce, listOffset, produce, type Client } from './helpers/grpc-client';
import { startHarness, type Harness } from './helpers/harness';

/**
 * cleanup.policy=compact end to end on one in-process broker: produce with
 * repeated keys, compact, consume from the start; null keys refused; the
 * cleaner's own timer; and the group coordinator loading from a compacted
 * __consumer_offsets after a restart.
 */

function keyed(pairs: [string | null, string | null][], timestampMs = 1_000n, compression = CompressionType.None): Buffer {
  return encodeRecordBatch(
    pairs.map(([k, v]) => ({ key: k === null ? null : Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp: timestampMs })),
    { baseTimestamp: timestampMs, compression },
  );
}

/** Every record from the earliest offset to the log end, as a consumer reads them (fetching on after each answer). */
async function consumeAll(client: Client, topic: string): Promise<{ offset: bigint; key: string | null; value: string | null }[]> {
  const out: { offset: bigint; key: string | null; value: string | null }[] = [];
  let offset = BigInt((await listOffset(client, topic, 0, -2n)).offset);
  for (let i = 0; i < 1000; i++) {
    const p = await fetchOnce(client, topic, 0, offset, { partitionMaxBytes: 200 });
    expect(p.error?.name ?? 'NONE').toBe('NONE');
    const batches = decodeRecordBatches(p.records);
    if (batches.length === 0) return out;
    for (const b of batches) {
      for (const r of b.records) {
        if (r.offset >= offset) out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
      }
      offset = b.header.baseOffset + BigInt(b.header.lastOffsetDelta) + 1n;
    }
  }
  throw new Error('consumeAll made no progress');
}

describe('compacted topics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { nowMs: () => 1_000_000, monotonicMs: () => performance.now() });
  });
  afterAll(async () => h.close());

  test('a consumer from the start sees the latest value per key (plus the active tail) at their original offsets', async () => {
    await createTopic(h.client, 'users', 1, { 'cleanup.policy': 'compact' });
    await produce(h.client, 'users', 0, keyed([['alice', 'a1'], ['bob', 'b1']])); // 0-1
    await produce(h.client, 'users', 0, keyed([['alice', 'a2'], ['carol', 'c1'], ['bob', null]])); // 2-4: bob deleted
    await produce(h.client, 'users', 0, keyed([['alice', 'a3']])); // 5
    await produce(h.client, 'users', 0, keyed([['carol', 'c2'], ['alice', 'a4']])); // 6-7: the tail
    const before = await consumeAll(h.client, 'users');
    expect(before.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);

    expect(await h.broker.runCompaction()).toBeGreaterThanOrEqual(1);
    const after = await consumeAll(h.client, 'users');
    // bob's tombstone stays: delete.retention.ms defaults to a day, and its timestamp is 1 s.
    expect(after).toEqual([
      { offset: 3n, key: 'carol', value: 'c1' },
      { offset: 4n, key: 'bob', value: null },
      { offset: 5n, key: 'alice', value: 'a3' },
      { offset: 6n, key: 'carol', value: 'c2' },
      { offset: 7n, key: 'alice', value: 'a4' },
    ]);
    // Produce carries on after the last offset; the log start did not move.
    const next = await produce(h.client, 'users', 0, keyed([['dave', 'd1']]));
    expect(next.baseOffset).toBe('8');
    expect(next.logStartOffset).toBe('0');
  });

  test('tombstones go once delete.retention.ms has passed; "compact,delete" both compacts and applies retention', async () => {
    await createTopic(h.client, 'both', 1, { 'cleanup.policy': 'compact,delete', 'delete.retention.ms': '1000', 'retention.ms': '500000' });
    await produce(h.client, 'both', 0, keyed([['k', 'old']], 1_000n)); // 0: past retention.ms (now is 1e6)
    await produce(h.client, 'both', 0, keyed([['x', 'x1'], ['x', null]], 999_500n)); // 1-2: tombstone within 1 s
    await produce(h.client, 'both', 0, keyed([['y', 'y1']], 600_000n)); // 3
    await produce(h.client, 'both', 0, keyed([['k', 'tail']], 999_999n)); // 4
    await h.broker.runCompaction();
    expect((await consumeAll(h.client, 'both')).map((r) => r.offset)).toEqual([0n, 2n, 3n, 4n]);
    await h.broker.runRetention();
    expect((await consumeAll(h.client, 'both')).map((r) => r.offset)).toEqual([2n, 3n, 4n]);

    await createTopic(h.client, 'tombs', 1, { 'cleanup.policy': 'compact', 'delete.retention.ms': '1000' });
    await produce(h.client, 'tombs', 0, keyed([['gone', 'v'], ['gone', null]], 1_000n));
    await produce(h.client, 'tombs', 0, keyed([['kept', 'v']], 1_000n));
    await h.broker.runCompaction();
    expect(await consumeAll(h.client, 'tombs')).toEqual([{ offset: 2n, key: 'kept', value: 'v' }]);
  });

  test('a record without a key is INVALID_RECORD on a compacted topic, and the batch is not written', async () => {
    await createTopic(h.client, 'strict', 1, { 'cleanup.policy': 'compact' });
    const res = await produce(h.client, 'strict', 0, keyed([['a', '1'], [null, 'no key']]));
    expect(res.error?.name).toBe('INVALID_RECORD');
    expect(await consumeAll(h.client, 'strict')).toEqual([]);
    // Delete-policy topics still take null keys.
    await createTopic(h.client, 'lax', 1);
    expect((await produce(h.client, 'lax', 0, keyed([[null, 'fine']]))).error?.name ?? 'NONE').toBe('NONE');
  });
  test.each([
    ['gzip', CompressionType.Gzip],
    ['snappy', CompressionType.Snappy],
    ['lz4', CompressionType.Lz4],
    ['zstd', CompressionType.Zstd],
  ])('%s batches: the key check reads them, compaction rewrites them, consumers get the latest', async (name, compression) => {
    const topic = `codec-${name}`;
    await createTopic(h.client, topic, 1, { 'cleanup.policy': 'compact' });
    expect((await produce(h.client, topic, 0, keyed([['a', '0'], [null, 'no key']], 1_000n, compression))).error?.name).toBe('INVALID_RECORD');
    await produce(h.client, topic, 0, keyed([['a', '1'], ['b', '1']], 1_000n, compression)); // 0-1
    await produce(h.client, topic, 0, keyed([['a', '2']], 1_000n, compression)); // 2
    await produce(h.client, topic, 0, keyed([['c', '1']], 1_000n, compression)); // 3: the tail
    await h.broker.runCompaction();
    expect(await consumeAll(h.client, topic)).toEqual([
      { offset: 1n, key: 'b', value: '1' },
      { offset: 2n, key: 'a', value: '2' },
      { offset: 3n, key: 'c', value: '1' },
    ]);
  });
});

test('the cleaner runs on its own every log.cleaner.backoff.ms', async () => {
  const h = await startHarness({ logCleanerBackoffMs: 20 });
  try {
    // Ratio 0: each pass cleans whatever is cleanable. With Kafka's 0.5 a pass
    // that ran after the fourth record leaves too little dirty for the fifth
    // to start another, and which passes run depends on timing.
    await createTopic(h.client, 'auto', 1, { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0' });
    for (let i = 0; i < 5; i++) await produce(h.client, 'auto', 0, keyed([['same', `v${i}`]]));
    await pollUntil(async () => (await consumeAll(h.client, 'auto')).length === 2, { timeoutMs: 10_000, what: 'the cleaner to compact' });
    expect((await consumeAll(h.client, 'auto')).map((r) => r.value)).toEqual(['v3', 'v4']);
  } finally {
    await h.close();
  }
});

describe('group coordinator over a compacted __consumer_offsets', () => {
  const overrides = {
    groupCoordinator: { ...DEFAULT_GROUP_COORDINATOR_CONFIG, groupMinSessionTimeoutMs: 100, groupInitialRebalanceDelayMs: 0 },
    offsetsTopicNumPartitions: 2,
  };
  let h: Harness;
  let restarted: { broker: Broker; client: Client } | undefined;
  beforeAll(async () => {
    h = await startHarness(overrides);
    await createTopic(h.client, 'orders', 2);
  });
  afterAll(async () => {
    restarted?.client.close();
    await restarted?.broker.stop();
    await h.close();
  });

  function rpc<Res = any>(client: Client, method: string, req: unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
      (client as any)[method](req, new grpc.Metadata(), { deadline: Date.now() + 20_000 }, (err: grpc.ServiceError | null, res: Res) =>
        err !== null ? reject(err) : resolve(res),
      );
    });
  }

  test('commits are compacted to the latest per partition, and a restarted coordinator loads them', async () => {
    const g = 'compacted-group';
    await pollUntil(
      async () => {
        const r = await rpc(h.client, 'FindCoordinator', { keyType: 0, keys: [g] });
        return r.coordinators[0].error === null || r.coordinators[0].error === undefined || r.coordinators[0].error.code === 0 ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'a coordinator' },
    );
    // Simple (member-less) commits, as a standalone consumer makes: generation -1.
    const commit = (offsets: [number, bigint][]) =>
      rpc(h.client, 'OffsetCommit', {
        groupId: g,
        generationId: -1,
        memberId: '',
        topics: [{ name: 'orders', partitions: offsets.map(([partition, o]) => ({ partition, committedOffset: o.toString(), committedLeaderEpoch: -1, committedMetadata: '' })) }],
      });
    await pollUntil(async () => ((await commit([[0, 0n]])).topics[0].partitions[0].error?.code ?? 0) === 0 || undefined, { timeoutMs: 20_000, what: 'the first commit' });
    for (let i = 1; i <= 20; i++) {
      const r = await commit([
        [0, BigInt(i * 10)],
        [1, BigInt(i * 100)],
      ]);
      expect(r.topics[0].partitions.map((p: any) => p.error?.code ?? 0)).toEqual([0, 0]);
    }
    const log = h.store.getPartition(OFFSETS_TOPIC, partitionForGroup(g, 2))!;
    const sizeBefore = log.sizeBytes;
    const end = log.logEndOffset;
    await h.broker.runCompaction();
    expect(log.sizeBytes).toBeLessThan(sizeBefore / 5);
    expect(log.logEndOffset).toBe(end);

    h.client.close();
    await h.broker.stop();
    const broker = await Broker.start({ config: defaultBrokerConfig({ retentionCheckIntervalMs: 3_600_000, ...overrides }), metadata: h.metadata, store: h.store });
    restarted = { broker, client: connect(`127.0.0.1:${broker.port}`) };
    const fetched = await pollUntil(
      async () => {
        const r = await rpc(restarted!.client, 'OffsetFetch', { groupId: g, topics: [{ name: 'orders', partitions: [0, 1] }] });
        return (r.error?.code ?? 0) === 0 ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'the group to load after restart' },
    );
    expect(fetched.topics[0].partitions.map((p: any) => p.committedOffset)).toEqual(['200', '2000']);
  });
});
