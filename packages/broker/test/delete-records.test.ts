import { pollUntil } from '@gregor/common';
import type { DeleteRecordsPartitionResult, RequestContext } from '@gregor/broker';
import { batchOf, call, fetchOnce, produce, valuesOf } from './helpers/grpc-client';
import { TestCluster } from './helpers/cluster';

/*
 * DeleteRecords through the domain API on three in-process brokers (real
 * gRPC replication, real storage, the test as controller): the leader moves
 * its log start, followers take it from their fetch answers, and the
 * answer waits until every live follower has it.
 */

const ctx: RequestContext = { listener: 'CLIENT', clientId: 'delete-records-test', clientHost: '/127.0.0.1' };

async function deleteOne(cluster: TestCluster, via: number, topic: string, partition: number, offset: bigint, timeoutMs = 10_000): Promise<DeleteRecordsPartitionResult> {
  const res = await cluster.broker(via).api.deleteRecords(ctx, { timeoutMs, topics: [{ name: topic, partitions: [{ partition, offset }] }] });
  return res.topics[0]!.partitions[0]!;
}

async function createTopic(cluster: TestCluster, name: string, configs: Record<string, string> = {}): Promise<void> {
  const res = await call(cluster.client(1), 'CreateTopics', { topics: [{ name, numPartitions: 1, replicationFactor: 3, configs }] });
  expect(res.topics[0].error).toBeNull();
}

/** Six batches of one record each, acks=all, to partition 0 (led by node 1). */
async function produceSix(cluster: TestCluster, topic: string): Promise<void> {
  for (let i = 0; i < 6; i++) expect((await produce(cluster.client(1), topic, 0, batchOf([`v${i}`]), -1)).error).toBeNull();
}

describe('DeleteRecords on three in-process brokers', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(3, { replicaLagTimeMaxMs: 60_000 });
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('the leader answers once every follower has the new log start; -1 deletes up to the high watermark', async () => {
    await createTopic(cluster, 'dr');
    expect(cluster.controller.assignment('dr', 0).leaderId).toBe(1);
    await produceSix(cluster, 'dr');

    const first = await deleteOne(cluster, 1, 'dr', 0, 3n);
    expect(first).toEqual({ partition: 0, error: null, lowWatermark: 3n });
    // No polling: at the moment of the answer every replica already starts at 3.
    for (const id of [1, 2, 3]) expect(cluster.log(id, 'dr', 0).logStartOffset).toBe(3n);

    const consumed = await fetchOnce(cluster.client(1), 'dr', 0, 3n);
    expect(valuesOf(consumed.records)).toEqual(['v3', 'v4', 'v5']);
    const below = await fetchOnce(cluster.client(1), 'dr', 0, 2n);
    expect(below.error.name).toBe('OFFSET_OUT_OF_RANGE');
    const earliest = await call(cluster.client(1), 'ListOffsets', { topics: [{ name: 'dr', partitions: [{ partition: 0, timestamp: '-2' }] }] });
    expect(earliest.topics[0].partitions[0].offset).toBe('3');

    // Behind the current start: nothing to do, the answer is the low watermark as it is.
    expect(await deleteOne(cluster, 1, 'dr', 0, 1n)).toEqual({ partition: 0, error: null, lowWatermark: 3n });

    // The same call through the gRPC front end: -1 is the high watermark.
    const all = await call(cluster.client(1), 'DeleteRecords', { timeoutMs: 10_000, topics: [{ name: 'dr', partitions: [{ partition: 0, offset: '-1' }] }] });
    expect(all.topics[0].partitions[0]).toEqual({ partition: 0, error: null, lowWatermark: '6' });
    for (const id of [1, 2, 3]) expect(cluster.log(id, 'dr', 0).logStartOffset).toBe(6n);
    // Appends go on after the deleted range; followers copy them as usual.
    expect((await produce(cluster.client(1), 'dr', 0, batchOf(['after']), -1)).baseOffset).toBe('6');
    await cluster.waitForLogEnd([1, 2, 3], 'dr', 0, 7n);
  });

  test("Kafka's per-partition errors: not the leader, unknown topic or partition, negative or beyond the high watermark, compact-only, internal topic", async () => {
    await createTopic(cluster, 'dr-bad');
    await createTopic(cluster, 'dr-compact', { 'cleanup.policy': 'compact' });
    await produceSix(cluster, 'dr-bad');
    const res = await cluster.broker(1).api.deleteRecords(ctx, {
      timeoutMs: 5000,
      topics: [
        { name: 'dr-bad', partitions: [{ partition: 0, offset: -2n }, { partition: 0, offset: 7n }, { partition: 9, offset: 1n }] },
        { name: 'no-such-topic', partitions: [{ partition: 0, offset: 1n }] },
        { name: 'dr-compact', partitions: [{ partition: 0, offset: 0n }] },
        { name: '__consumer_offsets', partitions: [{ partition: 0, offset: 0n }] },
      ],
    });
    const errors = res.topics.map((t) => t.partitions.map((p) => [p.error?.errorName ?? 'NONE', p.lowWatermark]));
    expect(errors).toEqual([
      [
        ['OFFSET_OUT_OF_RANGE', -1n],
        ['OFFSET_OUT_OF_RANGE', -1n],
        ['UNKNOWN_TOPIC_OR_PARTITION', -1n],
      ],
      [['UNKNOWN_TOPIC_OR_PARTITION', -1n]],
      [['POLICY_VIOLATION', -1n]],
      [['INVALID_TOPIC_EXCEPTION', -1n]],
    ]);
    const notLeader = await deleteOne(cluster, 2, 'dr-bad', 0, 1n);
    expect(notLeader.error?.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
    const viaGrpc = await call(cluster.client(3), 'DeleteRecords', { timeoutMs: 5000, topics: [{ name: 'dr-bad', partitions: [{ partition: 0, offset: '1' }] }] });
    expect(viaGrpc.topics[0].partitions[0]).toMatchObject({ error: { name: 'NOT_LEADER_OR_FOLLOWER' }, lowWatermark: '-1' });
    // Nothing moved anywhere.
    for (const id of [1, 2, 3]) expect(cluster.log(id, 'dr-bad', 0).logStartOffset).toBe(0n);
  });

  test('a live follower that does not fetch holds the answer until the timeout; once fenced it no longer counts', async () => {
    await createTopic(cluster, 'dr-down');
    await produceSix(cluster, 'dr-down');
    await pollUntil(() => cluster.log(3, 'dr-down', 0).highWatermark === 6n, { timeoutMs: 10_000, what: 'node 3 to learn the HW' });
    await cluster.stopBroker(3); // still registered and unfenced: Kafka's "alive" replica
    try {
      const timedOut = await deleteOne(cluster, 1, 'dr-down', 0, 4n, 300);
      expect(timedOut.error?.errorName).toBe('REQUEST_TIMED_OUT');
      expect(timedOut.lowWatermark).toBe(-1n);
      // The leader did delete, and the running follower follows.
      expect(cluster.log(1, 'dr-down', 0).logStartOffset).toBe(4n);
      await pollUntil(() => cluster.log(2, 'dr-down', 0).logStartOffset === 4n, { timeoutMs: 10_000, what: "node 2's log start to follow" });
      cluster.controller.fence(3);
      expect(await deleteOne(cluster, 1, 'dr-down', 0, 5n)).toEqual({ partition: 0, error: null, lowWatermark: 5n });
    } finally {
      cluster.controller.unfence(3);
      await cluster.startBroker(3);
    }
    // Back, node 3 takes the leader's log start from its first fetch answers.
    await pollUntil(() => cluster.node(3).store?.getPartition('dr-down', 0)?.logStartOffset === 5n, {
      timeoutMs: 20_000,
      what: "node 3's log start to follow the leader's",
    });
  });
});
