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
    node = await startNode(nodeConfig({ 'log.dirs': dir, listeners: 'CLIENT://127.0.0.1:0', 'node.id': 1, 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 100 }), {
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
});
