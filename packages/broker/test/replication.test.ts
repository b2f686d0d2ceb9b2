import { pollUntil } from '@gregor/common';
import { grpcReplicationClient } from '@gregor/replication-fetcher';
import { batchOf, call, fetchOnce, produce, valuesOf } from './helpers/grpc-client';
import { TestCluster } from './helpers/cluster';

/*
 * Three in-process brokers over real gRPC (port 0) and real storage, with
 * the test as controller (FakeController). Waits are polls with deadlines;
 * nothing depends on how fast the machine is.
 */

async function createTopic(cluster: TestCluster, via: number, name: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
  const res = await call(cluster.client(via), 'CreateTopics', { topics: [{ name, numPartitions: partitions, replicationFactor: 3, configs }] });
  expect(res.topics[0].error).toBeNull();
}

/** Produces `values` one batch each to the partition's leader; returns the results. */
async function produceEach(cluster: TestCluster, leader: number, topic: string, partition: number, values: string[], acks: number): Promise<any[]> {
  const out = [];
  for (const v of values) out.push(await produce(cluster.client(leader), topic, partition, batchOf([v]), acks));
  return out;
}

/** Both follower transports (replica.fetch.transport): FetchStream over gRPC, and Kafka's Fetch on the KAFKA listener. */
const TRANSPORTS = [
  { replicaFetchTransport: 'grpc', kafkaListener: { host: '127.0.0.1', port: 0 } },
  { replicaFetchTransport: 'kafka', kafkaListener: { host: '127.0.0.1', port: 0 } },
] as const;

describe.each(TRANSPORTS)('replication across three in-process brokers (replica.fetch.transport=$replicaFetchTransport)', (transport) => {
  describe('steady state', () => {
    let cluster: TestCluster;
    beforeAll(async () => {
      cluster = await TestCluster.start(3, { ...transport, replicaLagTimeMaxMs: 60_000 });
    });
    afterAll(async () => {
      await cluster.close();
    });

    test('followers store the leader batches byte for byte and learn the high watermark', async () => {
      await createTopic(cluster, 1, 'bytes', 3);
      // Partition p is led by node p+1 (the fake controller's placement).
      for (let p = 0; p < 3; p++) {
        const leader = cluster.controller.assignment('bytes', p).leaderId;
        expect(leader).toBe(p + 1);
        const results = await produceEach(cluster, leader, 'bytes', p, ['a', 'b', 'c', 'd'].map((v) => `${v}${p}`), 1);
        expect(results.map((r) => r.error)).toEqual([null, null, null, null]);
      }
      for (let p = 0; p < 3; p++) {
        await cluster.waitForLogEnd([1, 2, 3], 'bytes', p, 4n);
        const leaderBytes = await cluster.logBytes(p + 1, 'bytes', p);
        expect(valuesOf(leaderBytes)).toEqual(['a', 'b', 'c', 'd'].map((v) => `${v}${p}`));
        for (const id of [1, 2, 3]) expect((await cluster.logBytes(id, 'bytes', p)).equals(leaderBytes)).toBe(true);
        // Followers take the leader's HW with their next fetch.
        await pollUntil(() => [1, 2, 3].every((id) => cluster.log(id, 'bytes', p).highWatermark === 4n), {
          timeoutMs: 10_000,
          what: 'the high watermark to reach every replica',
        });
        const { replicas } = cluster.controller.assignment('bytes', p);
        expect(cluster.broker(p + 1).partitionState('bytes', p)).toMatchObject({ role: 'leader', isr: replicas, highWatermark: 4n });
        expect(cluster.broker(((p + 1) % 3) + 1).partitionState('bytes', p)).toMatchObject({ role: 'follower', leaderId: p + 1 });
      }
      // Each node leads a partition the other two fetch: with the kafka transport, over its KAFKA listener (nothing else connects there).
      const kafkaConnections = [1, 2, 3].map((id) => cluster.broker(id).status().kafka?.connections ?? 0);
      if (transport.replicaFetchTransport === 'kafka') expect(kafkaConnections.every((n) => n >= 1)).toBe(true);
      else expect(kafkaConnections).toEqual([0, 0, 0]);
    });

    test('acks=all answers only once every ISR follower has the records', async () => {
      await createTopic(cluster, 1, 'acks', 1);
      for (let i = 0; i < 5; i++) {
        const r = await produce(cluster.client(1), 'acks', 0, batchOf([`r${i}`, `s${i}`]), -1);
        expect(r.error).toBeNull();
        const end = BigInt(r.baseOffset) + 2n;
        // No polling: at the moment of the answer both followers already hold the batch.
        for (const id of [2, 3]) expect(cluster.log(id, 'acks', 0).logEndOffset).toBeGreaterThanOrEqual(end);
        expect(cluster.log(1, 'acks', 0).highWatermark).toBeGreaterThanOrEqual(end);
      }
      const fetched = await fetchOnce(cluster.client(1), 'acks', 0, 0n);
      expect(valuesOf(fetched.records)).toEqual(['r0', 's0', 'r1', 's1', 'r2', 's2', 'r3', 's3', 'r4', 's4']);
    });

    test('deleting a replicated topic removes every replica; re-creating it starts clean', async () => {
      await createTopic(cluster, 1, 'gone', 2);
      expect((await produce(cluster.client(1), 'gone', 0, batchOf(['old']), -1)).error).toBeNull();
      const del = await call(cluster.client(2), 'DeleteTopics', { topicNames: ['gone'] });
      expect(del.topics[0].error).toBeNull();
      await pollUntil(() => [1, 2, 3].every((id) => cluster.node(id).store!.getPartition('gone', 0) === undefined), {
        timeoutMs: 10_000,
        what: 'every replica log to be deleted',
      });
      await createTopic(cluster, 3, 'gone', 2);
      expect((await produce(cluster.client(1), 'gone', 0, batchOf(['new']), -1)).error).toBeNull();
      await cluster.waitForLogEnd([1, 2, 3], 'gone', 0, 1n);
      for (const id of [1, 2, 3]) expect(valuesOf(await cluster.logBytes(id, 'gone', 0))).toEqual(['new']);
    });

    test('followers and strangers are turned away with Kafka errors', async () => {
      await createTopic(cluster, 1, 'who', 1);
      const r = await produce(cluster.client(2), 'who', 0, batchOf(['x']), 1);
      expect(r.error).toMatchObject({ name: 'NOT_LEADER_OR_FOLLOWER', retriable: true });
      const f = await fetchOnce(cluster.client(3), 'who', 0, 0n);
      expect(f.error.name).toBe('NOT_LEADER_OR_FOLLOWER');
      const repl = grpcReplicationClient(cluster.broker(1).address);
      try {
        const base = { topic: 'who', partition: 0, fetchOffset: 0n, lastFetchedEpoch: -1, partitionMaxBytes: 0, logStartOffset: 0n };
        const ask = (replicaId: number, currentLeaderEpoch: number) =>
          repl.fetch({ replicaId, brokerEpoch: -1n, maxWaitMs: 0, minBytes: 0, maxBytes: 0, partitions: [{ ...base, currentLeaderEpoch }] }, 5000);
        expect((await ask(2, 1))[0]!.error?.errorName).toBe('UNKNOWN_LEADER_EPOCH');
        expect((await ask(9, 0))[0]!.error?.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
        cluster.controller.change('who', 0, { bumpLeaderEpoch: true });
        expect((await ask(2, 0))[0]!.error?.errorName).toBe('FENCED_LEADER_EPOCH');
        const [epochAnswer] = await repl.offsetsForLeaderEpoch(2, [{ topic: 'who', partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 }], 5000);
        // Nothing written: epoch 0 ends where epoch 1 started, at 0.
        expect(epochAnswer).toMatchObject({ error: undefined, endOffset: { epoch: 0, endOffset: 0n } });
      } finally {
        repl.close();
      }
    });
  });

  describe('ISR shrink and expand (replica.lag.time.max.ms = 400)', () => {
    let cluster: TestCluster;
    beforeAll(async () => {
      cluster = await TestCluster.start(3, { ...transport, replicaLagTimeMaxMs: 400, replicaFetchWaitMaxMs: 100 });
    });
    afterAll(async () => {
      await cluster.close();
    });

    test('a stopped follower leaves the ISR, min.insync.replicas is enforced, and a returning follower rejoins', async () => {
      await createTopic(cluster, 1, 'isr', 1, { 'min.insync.replicas': '2' });
      expect((await produce(cluster.client(1), 'isr', 0, batchOf(['one']), -1)).error).toBeNull();

      await cluster.stopBroker(3);
      // Written now, acknowledged once the ISR no longer waits for node 3.
      const two = await produce(cluster.client(1), 'isr', 0, batchOf(['two']), -1);
      expect(two.error).toBeNull();
      await cluster.waitForIsr('isr', 0, [1, 2]);
      expect(cluster.log(2, 'isr', 0).logEndOffset).toBeGreaterThanOrEqual(2n);
      expect(cluster.controller.alterPartitionCalls.filter((c) => c.topic === 'isr')).toContainEqual(
        expect.objectContaining({ brokerId: 1, outcome: 'accepted', request: expect.objectContaining({ isr: [1, 2] }) }),
      );

      await cluster.stopBroker(2);
      // As in Kafka, a follower at the leader's log end counts as caught up:
      // the ISR shrinks once a write leaves it behind for the lag time.
      // acks=1 does not care about the ISR.
      expect((await produce(cluster.client(1), 'isr', 0, batchOf(['three']), 1)).error).toBeNull();
      await cluster.waitForIsr('isr', 0, [1]);
      const refused = await produce(cluster.client(1), 'isr', 0, batchOf(['four']), -1);
      expect(refused.error).toMatchObject({ name: 'NOT_ENOUGH_REPLICAS', retriable: true });
      expect(cluster.log(1, 'isr', 0).logEndOffset).toBe(3n);

      await cluster.startBroker(2);
      await cluster.startBroker(3);
      await cluster.waitForIsr('isr', 0, [1, 2, 3]);
      await cluster.waitForLogEnd([1, 2, 3], 'isr', 0, 3n);
      const leaderBytes = await cluster.logBytes(1, 'isr', 0);
      expect(valuesOf(leaderBytes)).toEqual(['one', 'two', 'three']);
      for (const id of [2, 3]) expect((await cluster.logBytes(id, 'isr', 0)).equals(leaderBytes)).toBe(true);
      expect((await produce(cluster.client(1), 'isr', 0, batchOf(['five']), -1)).error).toBeNull();
    });
  });

  describe('acks=all outcomes when the leader never shrinks the ISR by itself', () => {
    let cluster: TestCluster;
    beforeAll(async () => {
      cluster = await TestCluster.start(3, { ...transport, replicaLagTimeMaxMs: 600_000 });
    });
    afterAll(async () => {
      await cluster.close();
    });

    test('REQUEST_TIMED_OUT while an ISR follower is away, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR then shrinks below min.insync', async () => {
      await createTopic(cluster, 1, 'slow', 1, { 'min.insync.replicas': '3' });
      expect((await produce(cluster.client(1), 'slow', 0, batchOf(['ok']), -1)).error).toBeNull();
      await cluster.stopBroker(3);

      const res = await call(cluster.client(1), 'Produce', { acks: -1, timeoutMs: 200, topics: [{ name: 'slow', partitions: [{ partition: 0, records: batchOf(['late']) }] }] });
      expect(res.topics[0].partitions[0].error).toMatchObject({ name: 'REQUEST_TIMED_OUT', retriable: true });
      expect(cluster.broker(1).waitingProduces).toBe(0);

      const pending = produce(cluster.client(1), 'slow', 0, batchOf(['shrunk']), -1);
      await pollUntil(() => cluster.broker(1).waitingProduces === 1, { timeoutMs: 10_000, what: 'the produce to wait for replication' });
      // The controller drops node 3 (its session ended): ISR [1,2] < min.insync.replicas 3.
      cluster.controller.fence(3);
      const after = await pending;
      expect(after.error).toMatchObject({ name: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', retriable: true });
      // The records are committed all the same (HW passed them).
      await pollUntil(async () => valuesOf((await fetchOnce(cluster.client(1), 'slow', 0, 0n)).records).includes('shrunk'), {
        timeoutMs: 10_000,
        what: 'the record to be readable',
      });
      const refused = await produce(cluster.client(1), 'slow', 0, batchOf(['refused']), -1);
      expect(refused.error.name).toBe('NOT_ENOUGH_REPLICAS');
    });
  });

  describe('leader changes', () => {
    let cluster: TestCluster;
    beforeEach(async () => {
      // The leaders never shrink ISRs by themselves here: the test, as controller, decides.
      cluster = await TestCluster.start(3, { ...transport, replicaLagTimeMaxMs: 600_000, replicaFetchWaitMaxMs: 100 });
    });
    afterEach(async () => {
      await cluster.close();
    });

    /** Every acknowledged value is on every replica exactly once, in acknowledgement order; the logs are identical. */
    async function expectSameLogsHolding(topic: string, acked: readonly string[], absent: readonly string[]): Promise<void> {
      const logs = await Promise.all([1, 2, 3].map((id) => cluster.logBytes(id, topic, 0)));
      for (const l of logs) expect(l.equals(logs[0]!)).toBe(true);
      const values = valuesOf(logs[0]!);
      for (const v of acked) expect(values.filter((x) => x === v)).toHaveLength(1);
      expect(values.filter((v) => acked.includes(v))).toEqual(acked);
      for (const v of absent) expect(values).not.toContain(v);
    }

    test('a crashed leader comes back as follower and loses its uncommitted tail (OffsetsForLeaderEpoch)', async () => {
      await createTopic(cluster, 1, 'crash', 1, { 'min.insync.replicas': '2' });
      const acked: string[] = [];
      for (const v of ['a0', 'a1', 'a2', 'a3', 'a4']) {
        expect((await produce(cluster.client(1), 'crash', 0, batchOf([v]), -1)).error).toBeNull();
        acked.push(v);
      }
      await cluster.waitForLogEnd([1, 2, 3], 'crash', 0, 5n);
      // Followers go down; the leader takes acks=1 writes nobody else will see.
      await cluster.stopBroker(2);
      await cluster.stopBroker(3);
      for (const v of ['x0', 'x1', 'x2']) expect((await produce(cluster.client(1), 'crash', 0, batchOf([v]), 1)).error).toBeNull();
      expect(cluster.log(1, 'crash', 0).logEndOffset).toBe(8n);
      expect(cluster.log(1, 'crash', 0).highWatermark).toBe(5n);
      await cluster.stopBroker(1);

      // The controller fences node 1 and elects node 2 from the ISR (epoch 1).
      cluster.controller.fence(1);
      expect(cluster.controller.assignment('crash', 0)).toMatchObject({ leaderId: 2, leaderEpoch: 1, isr: [2, 3] });
      await cluster.startBroker(2);
      await cluster.startBroker(3);
      for (const v of ['b0', 'b1', 'b2']) {
        expect((await produce(cluster.client(2), 'crash', 0, batchOf([v]), -1)).error).toBeNull();
        acked.push(v);
      }

      await cluster.startBroker(1);
      expect(cluster.broker(1).partitionState('crash', 0)).toMatchObject({ role: 'follower', leaderId: 2, leaderEpoch: 1 });
      await cluster.waitForIsr('crash', 0, [1, 2, 3]);
      await cluster.waitForLogEnd([1, 2, 3], 'crash', 0, 8n);
      await expectSameLogsHolding('crash', acked, ['x0', 'x1', 'x2']);
      expect(cluster.log(1, 'crash', 0).latestEpoch()).toBe(1);
      const stale = await produce(cluster.client(1), 'crash', 0, batchOf(['stale']), 1);
      expect(stale.error).toMatchObject({ name: 'NOT_LEADER_OR_FOLLOWER' });
    });

    test('a leader cut off from metadata keeps writing alone; after it hears of the new leader it truncates and rejoins', async () => {
      await createTopic(cluster, 1, 'zombie', 1, { 'min.insync.replicas': '2' });
      const acked: string[] = [];
      for (const v of ['a0', 'a1', 'a2']) {
        expect((await produce(cluster.client(1), 'zombie', 0, batchOf([v]), -1)).error).toBeNull();
        acked.push(v);
      }
      await cluster.waitForLogEnd([1, 2, 3], 'zombie', 0, 3n);

      // Node 1 loses the controller; its session ends and node 2 takes over in epoch 1.
      cluster.controller.partition(1);
      cluster.controller.fence(1);
      expect(cluster.controller.assignment('zombie', 0)).toMatchObject({ leaderId: 2, leaderEpoch: 1, isr: [2, 3] });
      await pollUntil(() => cluster.broker(3).partitionState('zombie', 0)?.leaderId === 2, { timeoutMs: 10_000, what: 'node 3 to follow node 2' });

      // The zombie still believes it leads epoch 0: acks=1 lands only on it, acks=all cannot complete.
      expect((await produce(cluster.client(1), 'zombie', 0, batchOf(['x0']), 1)).error).toBeNull();
      const late = await call(cluster.client(1), 'Produce', { acks: -1, timeoutMs: 300, topics: [{ name: 'zombie', partitions: [{ partition: 0, records: batchOf(['x1']) }] }] });
      expect(late.topics[0].partitions[0].error.name).toBe('REQUEST_TIMED_OUT');
      // A client that knows epoch 1 is told the zombie is behind.
      const knowing = await call(cluster.client(1), 'Fetch', {
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 0,
        topics: [{ name: 'zombie', partitions: [{ partition: 0, fetchOffset: '0', partitionMaxBytes: 0, currentLeaderEpoch: 1 }] }],
      });
      expect(knowing.topics[0].partitions[0].error.name).toBe('UNKNOWN_LEADER_EPOCH');

      for (const v of ['b0', 'b1', 'b2', 'b3']) {
        expect((await produce(cluster.client(2), 'zombie', 0, batchOf([v]), -1)).error).toBeNull();
        acked.push(v);
      }
      expect(cluster.log(1, 'zombie', 0).logEndOffset).toBe(5n);

      cluster.controller.heal(1);
      cluster.controller.unfence(1);
      await cluster.waitForIsr('zombie', 0, [1, 2, 3]);
      await cluster.waitForLogEnd([1, 2, 3], 'zombie', 0, 7n);
      await expectSameLogsHolding('zombie', acked, ['x0', 'x1']);
      expect(cluster.broker(1).partitionState('zombie', 0)).toMatchObject({ role: 'follower', leaderId: 2, leaderEpoch: 1 });
      expect((await produce(cluster.client(1), 'zombie', 0, batchOf(['no']), 1)).error.name).toBe('NOT_LEADER_OR_FOLLOWER');
      expect((await produce(cluster.client(2), 'zombie', 0, batchOf(['b4']), -1)).error).toBeNull();
    });
  });
});
