import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { GregorError } from '@gregor/common';
import { LocalMetadataStore, METADATA_FILE_NAME, type MetadataEvent } from '@gregor/broker';

describe('LocalMetadataStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-meta-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('topics, configs and cluster id persist across reopen', async () => {
    const store = await LocalMetadataStore.open({ dir, nodeId: 7 });
    const events: MetadataEvent['type'][] = [];
    store.subscribe((e) => events.push(e.type));
    const created = await store.createTopic({ name: 'orders', numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '10' } });
    expect(created.partitions.map((p) => [p.partition, p.leaderId, p.isr])).toEqual([
      [0, 7, [7]],
      [1, 7, [7]],
      [2, 7, [7]],
    ]);
    await store.createTopic({ name: 'gone', numPartitions: 1, replicationFactor: 1, configs: {} });
    await store.deleteTopic('gone');
    await store.setTopicConfigs('orders', { 'retention.ms': '20' });
    expect(events).toEqual(['topic-created', 'topic-created', 'topic-deleted', 'configs-changed']);

    const again = await LocalMetadataStore.open({ dir, nodeId: 7, clusterId: store.clusterId });
    expect(again.clusterId).toBe(store.clusterId);
    expect(again.topics().map((t) => t.name)).toEqual(['orders']);
    expect(again.topic('orders')?.topicId).toBe(created.topicId);
    expect(again.topic('orders')?.configs).toEqual({ 'retention.ms': '20' });
  });

  test('errors carry Kafka codes and leave state unchanged', async () => {
    const store = await LocalMetadataStore.open({ dir, nodeId: 1 });
    await store.createTopic({ name: 't', numPartitions: 1, replicationFactor: 1, configs: {} });
    await expect(store.createTopic({ name: 't', numPartitions: 2, replicationFactor: 1, configs: {} })).rejects.toMatchObject({
      errorName: 'TOPIC_ALREADY_EXISTS',
    });
    await expect(store.createTopic({ name: 'u', numPartitions: 1, replicationFactor: 3, configs: {} })).rejects.toMatchObject({
      errorName: 'INVALID_REPLICATION_FACTOR',
    });
    await expect(store.deleteTopic('nope')).rejects.toBeInstanceOf(GregorError);
    expect(store.topic('t')?.partitions).toHaveLength(1);
    expect(store.topic('u')).toBeUndefined();
    const onDisk = JSON.parse(await readFile(path.join(dir, METADATA_FILE_NAME), 'utf8')) as { topics: object };
    expect(Object.keys(onDisk.topics)).toEqual(['t']);
  });

  test('a different cluster.id is refused; a corrupt file fails loudly', async () => {
    await LocalMetadataStore.open({ dir, nodeId: 1, clusterId: 'alpha' });
    await expect(LocalMetadataStore.open({ dir, nodeId: 1, clusterId: 'beta' })).rejects.toMatchObject({ errorName: 'INCONSISTENT_CLUSTER_ID' });
    await writeFile(path.join(dir, METADATA_FILE_NAME), '{"version":1,');
    await expect(LocalMetadataStore.open({ dir, nodeId: 1 })).rejects.toThrow(/not valid JSON/);
  });

  test('concurrent creates of one name: exactly one wins', async () => {
    const store = await LocalMetadataStore.open({ dir, nodeId: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => store.createTopic({ name: 'race', numPartitions: 1, replicationFactor: 1, configs: {} })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
