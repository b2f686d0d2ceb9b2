/**
 * The SDK's transactions against a real in-process gregor-node: a
 * transactional producer commits and aborts, a read_committed consumer sees
 * only committed records (a read_uncommitted one sees all), a second
 * producer with the same transactionalId fences the first, and misuse
 * (send outside a transaction, commit twice) is INVALID_TXN_STATE.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil, silentLogger } from '@gregor/common';
import { createClient, type ConsumerRecord, type Gregor } from '@gregor/client';
import { nodeConfig, startNode, type RunningNode } from '@gregor/node';

async function readAll(client: Gregor, topic: string, partitions: number, isolationLevel: 'read_committed' | 'read_uncommitted', expected: number): Promise<string[]> {
  const consumer = client.consumer({ isolationLevel, autoOffsetReset: 'earliest', maxWaitMs: 50 });
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
  const seen: ConsumerRecord[] = [];
  try {
    await pollUntil(
      async () => {
        seen.push(...(await consumer.poll({ timeoutMs: 100 })));
        return seen.length >= expected || undefined;
      },
      { timeoutMs: 20_000, what: `${expected} records (${isolationLevel})` },
    );
    // Nothing beyond what was expected turns up.
    seen.push(...(await consumer.poll({ timeoutMs: 300 })));
  } finally {
    await consumer.close();
  }
  return seen.map((r) => r.value!.toString()).sort();
}

describe('transactional producer and read_committed consumer (SDK, in-process node)', () => {
  let dir: string;
  let node: RunningNode;
  let client: Gregor;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-sdk-txn-'));
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 100, 'group.initial.rebalance.delay.ms': 0 }), {
      logger: silentLogger(),
    });
    client = createClient({ bootstrap: node.clientAddress!, retry: { initialBackoffMs: 20, maxBackoffMs: 200 } });
    await client.admin().createTopics([{ topic: 'txn-out', numPartitions: 2 }]);
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('committed records are read, aborted ones only by read_uncommitted', async () => {
    const producer = client.producer({ transactionalId: 'sdk-1', lingerMs: 0 });
    await producer.initTransactions();

    producer.beginTransaction();
    await producer.send({ topic: 'txn-out', messages: [{ key: 'a', value: 'commit-1' }, { key: 'b', value: 'commit-2' }] });
    await producer.commitTransaction();

    producer.beginTransaction();
    await producer.send({ topic: 'txn-out', messages: [{ key: 'a', value: 'abort-1' }, { key: 'b', value: 'abort-2' }] });
    await producer.abortTransaction();

    producer.beginTransaction();
    await producer.send({ topic: 'txn-out', value: 'commit-3', partition: 1 });
    await producer.commitTransaction();

    expect(await readAll(client, 'txn-out', 2, 'read_committed', 3)).toEqual(['commit-1', 'commit-2', 'commit-3']);
    expect(await readAll(client, 'txn-out', 2, 'read_uncommitted', 5)).toEqual(['abort-1', 'abort-2', 'commit-1', 'commit-2', 'commit-3']);
    await producer.close();
  });

  test("client.read with read_committed: aborted records skipped, stops at the last stable offset while a transaction is open, 'latest' = the LSO", async () => {
    await client.admin().createTopics([{ topic: 'txn-read', numPartitions: 1 }]);
    const producer = client.producer({ transactionalId: 'sdk-read', lingerMs: 0 });
    await producer.initTransactions();
    const txn = async (value: string, end: 'commit' | 'abort' | 'open'): Promise<void> => {
      producer.beginTransaction();
      await producer.send({ topic: 'txn-read', messages: [{ partition: 0, value }] });
      if (end === 'commit') await producer.commitTransaction();
      if (end === 'abort') await producer.abortTransaction();
    };
    await txn('c1', 'commit');
    await txn('a1', 'abort');
    await txn('c2', 'commit');
    await txn('open', 'open');
    const read = (isolationLevel: 'read_committed' | 'read_uncommitted', from: bigint | 'latest' = 0n) => client.read({ topic: 'txn-read', partition: 0, from, isolationLevel });
    // Markers take an offset each: c1 0, marker 1, a1 2, marker 3, c2 4, marker 5, open 6.
    await pollUntil(async () => (await read('read_committed')).records.length === 2 || undefined, { timeoutMs: 10_000, what: 'the commit markers to be written' });
    const committed = await read('read_committed');
    expect(committed.records.map((r) => r.value!.toString())).toEqual(['c1', 'c2']);
    expect(committed.lastStableOffset).toBe(6n);
    expect(committed.highWatermark).toBe(7n);
    expect(committed.nextOffset).toBeLessThanOrEqual(6n);
    expect((await read('read_committed', 'latest')).nextOffset).toBe(6n);
    expect((await read('read_uncommitted')).records.map((r) => r.value!.toString())).toEqual(['c1', 'a1', 'c2', 'open']);
    expect((await read('read_uncommitted', 'latest')).nextOffset).toBe(7n);
    await producer.commitTransaction();
    await pollUntil(async () => (await read('read_committed')).records.length === 3 || undefined, { timeoutMs: 10_000, what: 'the open transaction to become readable once committed' });
    await producer.close();
  });

  test('misuse is INVALID_TXN_STATE; a second producer with the same id fences the first', async () => {
    const first = client.producer({ transactionalId: 'sdk-2', lingerMs: 0 });
    await first.initTransactions();
    await expect(first.send({ topic: 'txn-out', value: 'outside' })).rejects.toMatchObject({ errorName: 'INVALID_TXN_STATE' });
    await expect(first.commitTransaction()).rejects.toMatchObject({ errorName: 'INVALID_TXN_STATE' });
    first.beginTransaction();
    await first.send({ topic: 'txn-out', value: 'zombie', partition: 0 });

    const second = client.producer({ transactionalId: 'sdk-2', lingerMs: 0 });
    await second.initTransactions(); // aborts first's open transaction, bumps the epoch
    await expect(first.commitTransaction()).rejects.toMatchObject({ errorName: 'PRODUCER_FENCED' });
    await expect(first.send({ topic: 'txn-out', value: 'after' })).rejects.toMatchObject({ errorName: 'PRODUCER_FENCED' });

    second.beginTransaction();
    await second.send({ topic: 'txn-out', value: 'second', partition: 0 });
    await second.commitTransaction();
    const committed = await readAll(client, 'txn-out', 2, 'read_committed', 4);
    expect(committed).toContain('second');
    expect(committed).not.toContain('zombie');
    await first.close();
    await second.close();
  });

  test('consume-transform-produce: outputs and consumed offsets commit together; an aborted batch is redone', async () => {
    await client.admin().createTopics([{ topic: 'ctp-in', numPartitions: 1 }, { topic: 'ctp-out', numPartitions: 1 }]);
    const plain = client.producer({ lingerMs: 0 });
    await plain.send({ topic: 'ctp-in', messages: Array.from({ length: 10 }, (_, i) => ({ value: `in-${i}` })) });
    await plain.close();

    const producer = client.producer({ transactionalId: 'ctp-1', lingerMs: 0 });
    await producer.initTransactions();
    const copyOnce = async (abort: boolean): Promise<number> => {
      const consumer = client.consumer({ groupId: 'ctp', isolationLevel: 'read_committed', autoOffsetReset: 'earliest', enableAutoCommit: false, maxWaitMs: 50 });
      consumer.subscribe(['ctp-in']);
      try {
        const records = await pollUntil(async () => {
          const r = await consumer.poll({ timeoutMs: 200, maxRecords: 4 });
          return r.length > 0 ? r : undefined;
        }, { timeoutMs: 20_000, what: 'input records' });
        producer.beginTransaction();
        await producer.send({ topic: 'ctp-out', messages: records.map((r) => ({ value: `out-${r.value!.toString().slice(3)}` })) });
        const last = records[records.length - 1]!;
        await producer.sendOffsetsToTransaction([{ topic: 'ctp-in', partition: 0, offset: last.offset + 1n }], consumer.groupMetadata()!);
        if (abort) await producer.abortTransaction();
        else await producer.commitTransaction();
        return records.length;
      } finally {
        await consumer.close();
      }
    };
    // The first round aborts: its outputs vanish and its offsets are not committed, so the next round reads the same records again.
    await copyOnce(true);
    let copied = 0;
    while (copied < 10) copied += await copyOnce(false);
    expect(copied).toBe(10);
    expect(await readAll(client, 'ctp-out', 1, 'read_committed', 10)).toEqual(Array.from({ length: 10 }, (_, i) => `out-${i}`).sort());
    const reader = client.consumer({ groupId: 'ctp' });
    const committed = await reader.committed([{ topic: 'ctp-in', partition: 0 }]);
    await reader.close();
    expect([...committed.values()]).toEqual([10n]);
    await producer.close();
  });
});
