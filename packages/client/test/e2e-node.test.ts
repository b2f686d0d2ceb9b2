/**
 * The SDK against a real gregor-node (in-process: real broker, real LevelDB
 * storage in a temp dir, gRPC on an ephemeral port).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '@gregor/common';
import { createClient, partitionForKey, type ConsumerRecord, type Gregor } from '@gregor/client';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';

async function take(iterable: AsyncIterable<ConsumerRecord>, n: number): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  for await (const r of iterable) {
    out.push(r);
    if (out.length === n) break;
  }
  return out;
}

describe('SDK end to end against a real node', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-client-e2e-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1 }), { logger: silentLogger() });
    client = createClient({ bootstrap: node.clientAddress!, retry: { initialBackoffMs: 10, maxBackoffMs: 50 } });
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('admin: create with configs, list, describe, configs, delete; errors by Kafka name', async () => {
    const admin = client.admin();
    await admin.createTopics([{ topic: 'e2e-admin', numPartitions: 3, configs: { 'retention.ms': '3600000' } }]);
    expect(await admin.listTopics()).toContain('e2e-admin');
    const [desc] = await admin.describeTopics(['e2e-admin']);
    expect(desc!.partitions).toHaveLength(3);
    for (const p of desc!.partitions) {
      expect(p.leader).toBe(1);
      expect(p.replicas).toEqual([1]);
      expect(p.isr).toEqual([1]);
    }
    const [cfg] = await admin.describeConfigs([{ type: 'topic', name: 'e2e-admin' }]);
    expect(cfg!.configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '3600000', isDefault: false });
    await admin.alterConfigs([{ type: 'topic', name: 'e2e-admin', set: { 'retention.ms': '7200000' } }]);
    const [cfg2] = await admin.describeConfigs([{ type: 'topic', name: 'e2e-admin', keys: ['retention.ms'] }]);
    expect(cfg2!.configs[0]).toMatchObject({ name: 'retention.ms', value: '7200000' });
    await expect(admin.createTopics([{ topic: 'e2e-admin' }])).rejects.toMatchObject({ errorName: 'TOPIC_ALREADY_EXISTS' });
    await expect(admin.createTopics([{ topic: 'e2e-bad', configs: { 'no.such.key': '1' } }])).rejects.toMatchObject({ errorName: 'INVALID_CONFIG' });
    await expect(admin.describeTopics(['e2e-missing'])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await admin.deleteTopics(['e2e-admin']);
    expect(await admin.listTopics()).not.toContain('e2e-admin');
  });

  it('produces keyed records with acks=all/1/0 and reads them back in order per partition', async () => {
    await client.admin().createTopics([{ topic: 'e2e-keys', numPartitions: 4 }]);
    const producer = client.producer();
    const keys = Array.from({ length: 400 }, (_, i) => `user-${i % 37}`);
    const metas = await Promise.all(keys.map((key, i) => producer.send({ topic: 'e2e-keys', key, value: `${i}`, headers: { seq: String(i) } })));
    metas.forEach((m, i) => expect(m.partition).toBe(partitionForKey(Buffer.from(keys[i]!), 4)));
    const acks1 = await client.producer({ acks: 1 }).send({ topic: 'e2e-keys', key: 'user-0', value: 'acks1' });
    expect(acks1.offset).toBeGreaterThanOrEqual(0n);
    const acks0 = await client.producer({ acks: 0 }).send({ topic: 'e2e-keys', key: 'user-0', value: 'acks0' });
    expect(acks0.offset).toBe(-1n);

    const consumer = client.consumer({ autoOffsetReset: 'earliest' });
    consumer.assign([0, 1, 2, 3].map((partition) => ({ topic: 'e2e-keys', partition })));
    const got = await take(consumer, 402);
    for (let p = 0; p < 4; p++) {
      const mine = got.filter((r) => r.partition === p);
      expect(mine.map((r) => r.offset)).toEqual(mine.map((_, i) => BigInt(i)));
    }
    const byValue = new Map(got.map((r) => [r.value!.toString(), r]));
    for (let i = 0; i < 400; i++) {
      const r = byValue.get(`${i}`)!;
      expect(r.key!.toString()).toBe(keys[i]);
      expect(r.headers).toEqual([{ key: 'seq', value: Buffer.from(String(i)) }]);
    }
    expect(byValue.has('acks1') && byValue.has('acks0')).toBe(true);
    await consumer.close();
  });

  it('consumes 20,000 gzip records produced in batches, then seeks by offset and timestamp', async () => {
    await client.admin().createTopics([{ topic: 'e2e-bulk', numPartitions: 1 }]);
    const producer = client.producer({ compression: 'gzip', lingerMs: 10 });
    const t0 = BigInt(Date.now());
    const n = 20000;
    const metas = await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ topic: 'e2e-bulk', value: `line-${i}`, timestamp: t0 + BigInt(i) })));
    expect(metas[n - 1]!.offset).toBe(BigInt(n - 1));
    const consumer = client.consumer({ autoOffsetReset: 'earliest', maxPartitionBytes: 64 * 1024 });
    const tp = { topic: 'e2e-bulk', partition: 0 };
    consumer.assign([tp]);
    let expected = 0;
    for await (const r of consumer) {
      expect(r.offset).toBe(BigInt(expected));
      expect(r.value!.toString()).toBe(`line-${expected}`);
      if (++expected === n) break;
    }
    consumer.seek(tp, 12345n);
    expect((await take(consumer, 1))[0]!.value!.toString()).toBe('line-12345');
    consumer.seek(tp, { timestamp: t0 + 777n });
    expect((await take(consumer, 1))[0]!.offset).toBe(777n);
    const offsets = await client.admin().listOffsets([
      { topic: 'e2e-bulk', partition: 0, spec: 'earliest' },
      { topic: 'e2e-bulk', partition: 0, spec: 'latest' },
    ]);
    expect(offsets.map((o) => o.offset)).toEqual([0n, BigInt(n)]);
    await consumer.close();
  });

  it('long-poll iteration receives records produced after it started waiting', async () => {
    await client.admin().createTopics([{ topic: 'e2e-live', numPartitions: 1 }]);
    const consumer = client.consumer({ maxWaitMs: 5000 });
    const tp = { topic: 'e2e-live', partition: 0 };
    consumer.assign([tp]);
    expect(await consumer.position(tp)).toBe(0n);
    const waiting = take(consumer, 3);
    await client.producer().send({ topic: 'e2e-live', messages: [{ value: 'x' }, { value: 'y' }, { value: 'z' }] });
    expect((await waiting).map((r) => r.value!.toString())).toEqual(['x', 'y', 'z']);
    await consumer.close();
  });

  it('surfaces broker errors: unknown topic, oversized record, out-of-range offset', async () => {
    await client.admin().createTopics([{ topic: 'e2e-small', numPartitions: 1, configs: { 'max.message.bytes': '2000' } }]);
    const producer = client.producer({ maxBlockMs: 500 });
    await expect(producer.send({ topic: 'e2e-nope', value: 'x' })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(producer.send({ topic: 'e2e-small', value: 'x'.repeat(5000) })).rejects.toMatchObject({ errorName: 'MESSAGE_TOO_LARGE' });
    expect((await producer.send({ topic: 'e2e-small', value: 'fits' })).offset).toBe(0n);
    const consumer = client.consumer({ autoOffsetReset: 'none' });
    const tp = { topic: 'e2e-small', partition: 0 };
    consumer.assign([tp]);
    consumer.seek(tp, 50n);
    await expect(consumer.poll({ timeoutMs: 5000 })).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    consumer.seek(tp, 0n);
    expect((await consumer.poll({ timeoutMs: 5000 }))[0]!.value!.toString()).toBe('fits');
    await consumer.close();
  });

  it("admin.deleteRecords moves each partition's log start; reads below it are out of range; bad input is named", async () => {
    const admin = client.admin();
    await admin.createTopics([{ topic: 'e2e-purge', numPartitions: 2 }]);
    const producer = client.producer({ lingerMs: 0 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic: 'e2e-purge', partition: i % 2, value: `v${i}` })));
    await producer.close();
    const deleted = await admin.deleteRecords([
      { topic: 'e2e-purge', partition: 1, offset: -1n }, // up to the high watermark
      { topic: 'e2e-purge', partition: 0, offset: 3n },
    ]);
    expect(deleted).toEqual([
      { topic: 'e2e-purge', partition: 1, lowWatermark: 5n },
      { topic: 'e2e-purge', partition: 0, lowWatermark: 3n },
    ]);
    const earliest = await admin.listOffsets([0, 1].map((partition) => ({ topic: 'e2e-purge', partition, spec: 'earliest' as const })));
    expect(earliest.map((o) => o.offset)).toEqual([3n, 5n]);
    const consumer = client.consumer({ autoOffsetReset: 'none' });
    const tp = { topic: 'e2e-purge', partition: 0 };
    consumer.assign([tp]);
    consumer.seek(tp, 1n);
    await expect(consumer.poll({ timeoutMs: 5000 })).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    consumer.seek(tp, 3n);
    expect((await consumer.poll({ timeoutMs: 5000 }))[0]!.value!.toString()).toBe('v6');
    await consumer.close();
    await expect(admin.deleteRecords([{ topic: 'e2e-purge', partition: 0, offset: 99n }])).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    await expect(admin.deleteRecords([{ topic: 'e2e-purge-missing', partition: 0, offset: 1n }], { timeoutMs: 2000 })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(
      admin.deleteRecords([
        { topic: 'e2e-purge', partition: 0, offset: 4n },
        { topic: 'e2e-purge', partition: 0, offset: 5n },
      ]),
    ).rejects.toMatchObject({ errorName: 'INVALID_REQUEST' });
  });
});
