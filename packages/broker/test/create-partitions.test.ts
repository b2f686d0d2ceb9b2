import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { LocalMetadataStore, checkPartitionIncrease, type MetadataEvent } from '@gregor/broker';
import { batchOf, call, createTopic, fetchOnce, produce, valuesOf, type Client } from './helpers/grpc-client';
import { startHarness, type Harness } from './helpers/harness';
import { TestCluster } from './helpers/cluster';

async function createPartitions(client: Client, topics: { name: string; count: number }[], validateOnly = false): Promise<{ name: string; error: any }[]> {
  const res = await call(client, 'CreatePartitions', { topics, timeoutMs: 5000, validateOnly });
  return res.results;
}

async function partitionCount(client: Client, topic: string): Promise<number> {
  const md = await call(client, 'Metadata', { topics: [topic] });
  return md.topics[0].partitions.length;
}

describe('CreatePartitions on one node (LocalMetadataStore)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ maxPartitionsPerTopic: 50 });
  });
  afterAll(async () => {
    await h.close();
  });

  test('grows 1 -> 3; the new partition takes produce and fetch at once', async () => {
    expect((await createTopic(h.client, 'grow', 1)).error).toBeNull();
    expect(await createPartitions(h.client, [{ name: 'grow', count: 3 }])).toEqual([{ name: 'grow', error: null }]);
    const md = await call(h.client, 'Metadata', { topics: ['grow'] });
    expect(md.topics[0].partitions.map((p: any) => [p.partition, p.leaderId, p.isrNodes])).toEqual([
      [0, 1, [1]],
      [1, 1, [1]],
      [2, 1, [1]],
    ]);
    const r = await produce(h.client, 'grow', 2, batchOf(['x', 'y']), -1);
    expect(r.error).toBeNull();
    expect(r.baseOffset).toBe('0');
    const f = await fetchOnce(h.client, 'grow', 2, 0n);
    expect(f.error).toBeNull();
    expect(valuesOf(f.records)).toEqual(['x', 'y']);
    // The old partition is untouched.
    expect((await fetchOnce(h.client, 'grow', 0, 0n)).records.length).toBe(0);
  });

  test("Kafka's errors, per topic; nothing changes on error or with validate_only", async () => {
    expect((await createTopic(h.client, 'e', 2)).error).toBeNull();
    const results = await createPartitions(h.client, [
      { name: 'e', count: 2 },
      { name: 'nope', count: 4 },
      { name: 'dup', count: 3 },
      { name: 'dup', count: 4 },
      { name: '__consumer_offsets', count: 100 },
    ]);
    expect(results.map((r) => [r.name, r.error?.name ?? null])).toEqual([
      ['e', 'INVALID_PARTITIONS'],
      ['nope', 'UNKNOWN_TOPIC_OR_PARTITION'],
      ['dup', 'INVALID_REQUEST'],
      ['dup', 'INVALID_REQUEST'],
      ['__consumer_offsets', 'INVALID_REQUEST'],
    ]);
    expect(results[0]!.error.code).toBe(37);
    expect((await createPartitions(h.client, [{ name: 'e', count: 1 }]))[0]!.error.name).toBe('INVALID_PARTITIONS');
    expect((await createPartitions(h.client, [{ name: 'e', count: 51 }]))[0]!.error.name).toBe('INVALID_PARTITIONS');
    expect(await createPartitions(h.client, [{ name: 'e', count: 5 }], true)).toEqual([{ name: 'e', error: null }]);
    expect((await createPartitions(h.client, [{ name: 'nope', count: 5 }], true))[0]!.error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(await partitionCount(h.client, 'e')).toBe(2);
    expect((await produce(h.client, 'e', 2, batchOf(['z']))).error.name).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });
});

describe('LocalMetadataStore.createPartitions', () => {
  test('persists, and announces only the new partitions', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-cp-'));
    const store = await LocalMetadataStore.open({ dir, nodeId: 4 });
    await store.createTopic({ name: 't', numPartitions: 2, replicationFactor: 1, configs: {} });
    const events: MetadataEvent[] = [];
    store.subscribe((e) => events.push(e));
    await store.createPartitions('t', 5);
    expect(events.map((e) => (e.type === 'partition-changed' ? [e.type, e.partitions, e.topic.partitions.length] : [e.type]))).toEqual([
      ['partition-changed', [2, 3, 4], 5],
    ]);
    await store.createPartitions('t', 9, { validateOnly: true });
    await expect(store.createPartitions('t', 5)).rejects.toMatchObject({ errorName: 'INVALID_PARTITIONS' });
    expect(events).toHaveLength(1);
    const again = await LocalMetadataStore.open({ dir, nodeId: 4 });
    expect(again.topic('t')?.partitions.map((p) => [p.partition, p.leaderId, p.isr])).toEqual([0, 1, 2, 3, 4].map((p) => [p, 4, [4]]));
    await rm(dir, { recursive: true, force: true });
  });

  test('checkPartitionIncrease: count bounds and the offsets topic', () => {
    const limits = { maxPartitionsPerTopic: 10 };
    expect(() => checkPartitionIncrease('t', 10, limits)).not.toThrow();
    for (const bad of [0, -1, 1.5, 11]) expect(() => checkPartitionIncrease('t', bad, limits)).toThrow(expect.objectContaining({ errorName: 'INVALID_PARTITIONS' }));
    expect(() => checkPartitionIncrease('__consumer_offsets', 5, limits)).toThrow(expect.objectContaining({ errorName: 'INVALID_REQUEST' }));
  });
});

describe('CreatePartitions across three in-process brokers', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(3, { replicaLagTimeMaxMs: 60_000 });
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('new partitions are led and followed on every replica; acks=all reaches all three', async () => {
    const created = await call(cluster.client(1), 'CreateTopics', { topics: [{ name: 'wide', numPartitions: 1, replicationFactor: 3, configs: {} }] });
    expect(created.topics[0].error).toBeNull();
    // Asked of node 2, which leads one of the new partitions and follows the other.
    expect(await createPartitions(cluster.client(2), [{ name: 'wide', count: 3 }])).toEqual([{ name: 'wide', error: null }]);
    for (const p of [1, 2]) {
      const { leaderId, replicas } = cluster.controller.assignment('wide', p);
      expect(replicas).toHaveLength(3);
      // Followers start fetching when their metadata event arrives; acks=all waits for them.
      const r = await produce(cluster.client(leaderId), 'wide', p, batchOf([`v${p}`]), -1);
      expect(r.error).toBeNull();
      for (const id of replicas) expect(cluster.log(id, 'wide', p).logEndOffset).toBe(1n);
      await pollUntil(() => replicas.every((id) => cluster.broker(id).partitionState('wide', p) !== undefined), {
        timeoutMs: 10_000,
        what: 'every replica to take its role',
      });
      expect(cluster.broker(leaderId).partitionState('wide', p)).toMatchObject({ role: 'leader', isr: replicas });
      expect(valuesOf((await fetchOnce(cluster.client(leaderId), 'wide', p, 0n)).records)).toEqual([`v${p}`]);
    }
  });
});
