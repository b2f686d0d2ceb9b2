import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '@gregor/common';
import { Broker, LocalMetadataStore, LOCAL_PRODUCER_ID_BLOCK_SIZE, defaultBrokerConfig } from '@gregor/broker';
import { encodeRecordBatch } from '@gregor/record-batch';
import { LogStore } from '@gregor/storage';
import { TestCluster } from './helpers/cluster';
import { call, connect, createTopic, fetchOnce, produce, valuesOf, type Client } from './helpers/grpc-client';
import { startHarness, type Harness } from './helpers/harness';

/**
 * Idempotent producers (KIP-98) at the broker: InitProducerId from
 * allocated blocks, duplicates answered with the original offsets and not
 * written again, gaps and stale epochs refused per partition — on one
 * broker with real storage, across a restart, and across leader failover
 * in the in-process three-broker cluster.
 */

interface Idem {
  pid: bigint;
  epoch?: number;
  seq: number;
}

/** One batch as an idempotent producer sends it: the values get sequences seq, seq+1, … */
function idemBatch(values: string[], p: Idem): Buffer {
  return encodeRecordBatch(
    values.map((v, i) => ({ value: Buffer.from(v), timestamp: 5_000n + BigInt(i) })),
    { producerId: p.pid, producerEpoch: p.epoch ?? 0, baseSequence: p.seq, baseTimestamp: 5_000n },
  );
}

async function initProducerId(client: Client, transactionalId = ''): Promise<{ error: any; producerId: string; producerEpoch: number }> {
  return call(client, 'InitProducerId', { transactionalId, transactionTimeoutMs: 0, producerId: '-1', producerEpoch: -1 });
}

async function readAllValues(client: Client, topic: string, partition: number): Promise<string[]> {
  const f = await fetchOnce(client, topic, partition, 0n, { maxBytes: 1 << 20 });
  return valuesOf(f.records);
}

describe('idempotent produce on one broker', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('InitProducerId hands out distinct ids with epoch 0; a transactional id needs its coordinator', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await initProducerId(h.client);
      expect(res.error).toBeNull();
      expect(res.producerEpoch).toBe(0);
      ids.add(res.producerId);
    }
    expect(ids.size).toBe(5);
    // A transactional id is its coordinator's (transactions.test.ts): not this broker's before __transaction_state exists.
    const txn = await initProducerId(h.client, 'txn-1');
    expect(txn.error).toMatchObject({ name: 'NOT_COORDINATOR' });
  });

  test('a retried batch (same producer, epoch, sequences) answers with the original offset and is not appended again', async () => {
    await createTopic(h.client, 'dup', 1);
    const { producerId } = await initProducerId(h.client);
    const pid = BigInt(producerId);
    expect((await produce(h.client, 'dup', 0, idemBatch(['a', 'b'], { pid, seq: 0 }), -1)).baseOffset).toBe('0');
    expect((await produce(h.client, 'dup', 0, idemBatch(['c'], { pid, seq: 2 }), -1)).baseOffset).toBe('2');
    for (const acks of [-1, 1]) {
      const again = await produce(h.client, 'dup', 0, idemBatch(['a', 'b'], { pid, seq: 0 }), acks);
      expect(again).toMatchObject({ error: null, baseOffset: '0' });
    }
    expect(await readAllValues(h.client, 'dup', 0)).toEqual(['a', 'b', 'c']);
    expect(h.broker.partitionState('dup', 0)).toMatchObject({ logEndOffset: 3n });
    // The next sequence goes on normally.
    expect((await produce(h.client, 'dup', 0, idemBatch(['d'], { pid, seq: 3 }), -1)).baseOffset).toBe('3');
  });

  test('a gap is OUT_OF_ORDER_SEQUENCE_NUMBER for that partition only; the request is still one storage write', async () => {
    await createTopic(h.client, 'gap', 2);
    const pid = BigInt((await initProducerId(h.client)).producerId);
    await produce(h.client, 'gap', 0, idemBatch(['x'], { pid, seq: 0 }), -1);
    const calls = h.store.appendCalls;
    const res = await call(h.client, 'Produce', {
      acks: -1,
      timeoutMs: 5000,
      topics: [
        {
          name: 'gap',
          partitions: [
            { partition: 0, records: idemBatch(['skipped-ahead'], { pid, seq: 5 }) },
            { partition: 1, records: idemBatch(['fine'], { pid, seq: 0 }) },
          ],
        },
      ],
    });
    const [p0, p1] = res.topics[0].partitions;
    expect(p0.error).toMatchObject({ name: 'OUT_OF_ORDER_SEQUENCE_NUMBER', code: 45, retriable: false });
    expect(p0.baseOffset).toBe('-1');
    expect(p1).toMatchObject({ error: null, baseOffset: '0' });
    expect(h.store.appendCalls - calls).toBe(1);
    expect(await readAllValues(h.client, 'gap', 0)).toEqual(['x']);
  });

  test('an older producer epoch is fenced; a newer one must start at sequence 0', async () => {
    await createTopic(h.client, 'fence', 1);
    const pid = BigInt((await initProducerId(h.client)).producerId);
    expect((await produce(h.client, 'fence', 0, idemBatch(['e1'], { pid, epoch: 1, seq: 0 }), -1)).error).toBeNull();
    expect((await produce(h.client, 'fence', 0, idemBatch(['zombie'], { pid, epoch: 0, seq: 1 }), -1)).error).toMatchObject({ name: 'INVALID_PRODUCER_EPOCH' });
    expect((await produce(h.client, 'fence', 0, idemBatch(['e2'], { pid, epoch: 2, seq: 4 }), -1)).error).toMatchObject({ name: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect((await produce(h.client, 'fence', 0, idemBatch(['e2'], { pid, epoch: 2, seq: 0 }), -1)).error).toBeNull();
    expect(await readAllValues(h.client, 'fence', 0)).toEqual(['e1', 'e2']);
  });

  test('a duplicate on a LogAppendTime topic reports the original append time', async () => {
    await createTopic(h.client, 'lat', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const pid = BigInt((await initProducerId(h.client)).producerId);
    const first = await produce(h.client, 'lat', 0, idemBatch(['t'], { pid, seq: 0 }), -1);
    expect(Number(first.logAppendTimeMs)).toBeGreaterThan(0);
    const again = await produce(h.client, 'lat', 0, idemBatch(['t'], { pid, seq: 0 }), -1);
    expect(again).toMatchObject({ baseOffset: '0', logAppendTimeMs: first.logAppendTimeMs });
  });
});

describe('idempotence survives a broker restart (real storage, local metadata)', () => {
  test('producer ids are never handed out twice, and retries after the restart are still duplicates', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-idem-restart-'));
    const start = async (): Promise<{ broker: Broker; store: LogStore; client: Client }> => {
      const store = await LogStore.open({ dataDir: dir });
      const metadata = await LocalMetadataStore.open({ dir, nodeId: 1 });
      const broker = await Broker.start({ config: defaultBrokerConfig({ retentionCheckIntervalMs: 3_600_000 }), metadata, store });
      return { broker, store, client: connect(broker.address) };
    };
    const stop = async (n: { broker: Broker; store: LogStore; client: Client }): Promise<void> => {
      n.client.close();
      await n.broker.stop();
      await n.store.close();
    };
    try {
      let node = await start();
      await createTopic(node.client, 'restart', 1);
      const first = BigInt((await initProducerId(node.client)).producerId);
      const pid = first;
      await produce(node.client, 'restart', 0, idemBatch(['r0'], { pid, seq: 0 }), -1);
      await produce(node.client, 'restart', 0, idemBatch(['r1', 'r2'], { pid, seq: 1 }), -1);
      await stop(node);

      node = await start();
      const after = BigInt((await initProducerId(node.client)).producerId);
      // A restart skips the rest of the block: ids only grow, never repeat.
      expect(after).toBeGreaterThanOrEqual(first + BigInt(LOCAL_PRODUCER_ID_BLOCK_SIZE));
      expect(await produce(node.client, 'restart', 0, idemBatch(['r1', 'r2'], { pid, seq: 1 }), -1)).toMatchObject({ error: null, baseOffset: '1' });
      expect(await produce(node.client, 'restart', 0, idemBatch(['r3'], { pid, seq: 3 }), -1)).toMatchObject({ error: null, baseOffset: '3' });
      expect(await produce(node.client, 'restart', 0, idemBatch(['r9'], { pid, seq: 9 }), -1)).toMatchObject({ error: { name: 'OUT_OF_ORDER_SEQUENCE_NUMBER' } });
      expect(await readAllValues(node.client, 'restart', 0)).toEqual(['r0', 'r1', 'r2', 'r3']);
      await stop(node);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('idempotence across leader failover (three in-process brokers)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.start(3, { replicaLagTimeMaxMs: 60_000 });
  });
  afterAll(async () => {
    await cluster.close();
  });

  async function createReplicated(name: string): Promise<void> {
    const res = await call(cluster.client(1), 'CreateTopics', { topics: [{ name, numPartitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }] });
    expect(res.topics[0].error).toBeNull();
  }

  test('producer ids come from controller blocks: distinct across brokers and blocks', async () => {
    const ids: bigint[] = [];
    for (let i = 0; i < 25; i++) ids.push(BigInt((await initProducerId(cluster.client((i % 3) + 1))).producerId));
    expect(new Set(ids).size).toBe(25);
    // Blocks of 10 from the fake controller: 25 ids over 3 brokers crossed several.
    expect(ids.every((id) => id >= 1000n)).toBe(true);
  });

  test('a retry sent to the new leader after failover is a duplicate with the original offset', async () => {
    await createReplicated('fo');
    const pid = BigInt((await initProducerId(cluster.client(2))).producerId);
    for (let seq = 0; seq < 4; seq++) {
      expect((await produce(cluster.client(1), 'fo', 0, idemBatch([`v${seq}`], { pid, seq }), -1)).error).toBeNull();
    }
    await cluster.waitForLogEnd([1, 2, 3], 'fo', 0, 4n);
    // The last answer "was lost"; the leader dies and node 2 takes over.
    await cluster.stopBroker(1);
    cluster.controller.fence(1);
    expect(cluster.controller.assignment('fo', 0)).toMatchObject({ leaderId: 2, leaderEpoch: 1 });
    await pollUntil(() => cluster.broker(2).partitionState('fo', 0)?.role === 'leader', { timeoutMs: 10_000, what: 'node 2 to lead fo-0' });
    expect(await produce(cluster.client(2), 'fo', 0, idemBatch(['v3'], { pid, seq: 3 }), -1)).toMatchObject({ error: null, baseOffset: '3' });
    expect(await produce(cluster.client(2), 'fo', 0, idemBatch(['v1'], { pid, seq: 1 }), -1)).toMatchObject({ error: null, baseOffset: '1' });
    expect(await produce(cluster.client(2), 'fo', 0, idemBatch(['v4'], { pid, seq: 4 }), -1)).toMatchObject({ error: null, baseOffset: '4' });
    expect(await readAllValues(cluster.client(2), 'fo', 0)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);

    await cluster.startBroker(1);
    cluster.controller.unfence(1);
    await cluster.waitForIsr('fo', 0, [1, 2, 3]);
  });

  test('an uncommitted batch lost with its leader is written again by the retry, and the old leader, after truncating it, agrees', async () => {
    await createReplicated('tail');
    const pid = BigInt((await initProducerId(cluster.client(3))).producerId);
    expect((await produce(cluster.client(1), 'tail', 0, idemBatch(['t0'], { pid, seq: 0 }), -1)).error).toBeNull();
    await cluster.waitForLogEnd([1, 2, 3], 'tail', 0, 1n);
    // Followers away: seq 1 lands on the leader only (its acks=all would time out: the client retries).
    await cluster.stopBroker(2);
    await cluster.stopBroker(3);
    const lost = await call(cluster.client(1), 'Produce', { acks: -1, timeoutMs: 200, topics: [{ name: 'tail', partitions: [{ partition: 0, records: idemBatch(['t1'], { pid, seq: 1 }) }] }] });
    expect(lost.topics[0].partitions[0].error).toMatchObject({ name: 'REQUEST_TIMED_OUT' });
    expect(cluster.log(1, 'tail', 0).logEndOffset).toBe(2n);
    await cluster.stopBroker(1);
    cluster.controller.fence(1);
    expect(cluster.controller.assignment('tail', 0)).toMatchObject({ leaderId: 2, leaderEpoch: 1 });
    await cluster.startBroker(2);
    await cluster.startBroker(3);

    // The retry reaches node 2, which never saw seq 1: a new append, not an out-of-order error.
    expect(await produce(cluster.client(2), 'tail', 0, idemBatch(['t1'], { pid, seq: 1 }), -1)).toMatchObject({ error: null, baseOffset: '1' });
    expect((await produce(cluster.client(2), 'tail', 0, idemBatch(['t2'], { pid, seq: 2 }), -1)).error).toBeNull();

    // Node 1 returns, truncates its own seq 1 and refetches node 2's; its producer state follows.
    await cluster.startBroker(1);
    cluster.controller.unfence(1);
    await cluster.waitForIsr('tail', 0, [1, 2, 3]);
    await cluster.waitForLogEnd([1, 2, 3], 'tail', 0, 3n);
    expect(cluster.log(1, 'tail', 0).producerState(pid)?.batches.map((b) => [b.firstSeq, b.firstOffset])).toEqual([
      [0, 0n],
      [1, 1n],
      [2, 2n],
    ]);
    // Leadership moves back to node 1: retries are duplicates there too.
    cluster.controller.change('tail', 0, { leaderId: 1 });
    await pollUntil(() => cluster.broker(1).partitionState('tail', 0)?.role === 'leader', { timeoutMs: 10_000, what: 'node 1 to lead tail-0 again' });
    expect(await produce(cluster.client(1), 'tail', 0, idemBatch(['t2'], { pid, seq: 2 }), -1)).toMatchObject({ error: null, baseOffset: '2' });
    expect(await readAllValues(cluster.client(1), 'tail', 0)).toEqual(['t0', 't1', 't2']);
  });
});

describe('idempotent batches that arrive ahead of their predecessors', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('are held until the batches before them are appended, then appended in sequence order', async () => {
    await createTopic(h.client, 'reorder', 1);
    const pid = BigInt((await initProducerId(h.client)).producerId);
    expect((await produce(h.client, 'reorder', 0, idemBatch(['a'], { pid, seq: 0 }), -1)).error).toBeNull();
    // seq 2 overtakes seq 1 (HTTP/2 does not keep a connection's requests in order).
    const early = produce(h.client, 'reorder', 0, idemBatch(['c'], { pid, seq: 2 }), -1);
    await pollUntil(() => h.broker.heldProduces === 1, { timeoutMs: 5000, what: 'the early batch to be held' });
    const late = await produce(h.client, 'reorder', 0, idemBatch(['b'], { pid, seq: 1 }), -1);
    expect(late).toMatchObject({ error: null, baseOffset: '1' });
    expect(await early).toMatchObject({ error: null, baseOffset: '2' });
    expect(await readAllValues(h.client, 'reorder', 0)).toEqual(['a', 'b', 'c']);
  });

  test('a new producer whose first batch is late: its second waits for it', async () => {
    await createTopic(h.client, 'first', 1);
    const pid = BigInt((await initProducerId(h.client)).producerId);
    const early = produce(h.client, 'first', 0, idemBatch(['y'], { pid, seq: 1 }), 1);
    await pollUntil(() => h.broker.heldProduces === 1, { timeoutMs: 5000, what: 'the early batch to be held' });
    expect(await produce(h.client, 'first', 0, idemBatch(['x'], { pid, seq: 0 }), 1)).toMatchObject({ error: null, baseOffset: '0' });
    expect(await early).toMatchObject({ error: null, baseOffset: '1' });
  });

  test('when the predecessor never comes, the refusal stands after the hold', async () => {
    await createTopic(h.client, 'never', 1);
    const pid = BigInt((await initProducerId(h.client)).producerId);
    expect((await produce(h.client, 'never', 0, idemBatch(['a'], { pid, seq: 0 }), -1)).error).toBeNull();
    const res = await produce(h.client, 'never', 0, idemBatch(['z'], { pid, seq: 5 }), -1);
    expect(res.error).toMatchObject({ name: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(h.broker.heldProduces).toBe(0);
    expect(await readAllValues(h.client, 'never', 0)).toEqual(['a']);
  });
});
