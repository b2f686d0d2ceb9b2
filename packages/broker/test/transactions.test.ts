import * as grpc from '@grpc/grpc-js';
import { pollUntil } from '@gregor/common';
import { decodeRecordBatches, encodeRecordBatch, isControlBatch } from '@gregor/record-batch';
import { TRANSACTION_STATE_TOPIC, partitionForTransactionalId } from '@gregor/transaction-coordinator';
import { call, type Client } from './helpers/grpc-client';
import { TestCluster } from './helpers/cluster';

/*
 * Transactions (KIP-98) over three in-process brokers and real gRPC: the
 * coordinator of a transactional id (found with FindCoordinator key type 1)
 * fences older producers, writes COMMIT/ABORT markers into partitions led
 * by other brokers, read_committed fetches stop at the last stable offset
 * and list aborted transactions, the coordinator aborts a transaction past
 * its timeout, and a new coordinator (after a leader move) finishes what
 * the old one decided.
 */

const errName = (e: { name?: string } | null | undefined): string => e?.name ?? 'NONE';

function rpc<Res = any>(client: Client, method: string, req: unknown, deadlineMs = 20_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as any)[method](req, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: Res) => (err !== null ? reject(err) : resolve(res)));
  });
}

function txnBatch(producerId: bigint, epoch: number, baseSequence: number, values: string[]): Buffer {
  return encodeRecordBatch(
    values.map((v) => ({ value: Buffer.from(v), timestamp: 1000n })),
    { producerId, producerEpoch: epoch, baseSequence, isTransactional: true },
  );
}

interface Producer {
  transactionalId: string;
  producerId: bigint;
  epoch: number;
  coordinator: Client;
}

describe('transactions across three in-process brokers', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start(3, { transactionStateLogNumPartitions: 3, transactionAbortTimedOutTransactionCleanupIntervalMs: 100, replicaFetchWaitMaxMs: 50 });
    const res = await call(cluster.client(1), 'CreateTopics', { topics: [{ name: 'out', numPartitions: 3, replicationFactor: 3, configs: {} }] });
    expect(res.topics[0].error).toBeNull();
  });
  afterAll(() => cluster.close());

  const coordinatorOf = async (transactionalId: string): Promise<Client> => {
    const c = await pollUntil(
      async () => {
        const r = await rpc(cluster.client(1), 'FindCoordinator', { keyType: 1, keys: [transactionalId] });
        const found = r.coordinators[0];
        return errName(found.error) === 'NONE' ? found : undefined;
      },
      { timeoutMs: 20_000, what: `the coordinator of ${transactionalId}` },
    );
    return cluster.client(c.nodeId);
  };

  const init = async (transactionalId: string, timeoutMs = 60_000): Promise<Producer> => {
    const r = await pollUntil(
      async () => {
        const coordinator = await coordinatorOf(transactionalId);
        const res = await rpc(coordinator, 'InitProducerId', { transactionalId, transactionTimeoutMs: timeoutMs, producerId: '-1', producerEpoch: -1 });
        const e = errName(res.error);
        if (e === 'NONE') return { res, coordinator };
        if (['COORDINATOR_LOAD_IN_PROGRESS', 'NOT_COORDINATOR', 'CONCURRENT_TRANSACTIONS', 'COORDINATOR_NOT_AVAILABLE'].includes(e)) return undefined;
        throw new Error(`InitProducerId: ${e}`);
      },
      { timeoutMs: 20_000, what: `InitProducerId for ${transactionalId}` },
    );
    return { transactionalId, producerId: BigInt(r.res.producerId), epoch: r.res.producerEpoch, coordinator: r.coordinator };
  };

  const leaderClient = (partition: number): Client => cluster.client(cluster.controller.assignment('out', partition).leaderId);

  const addPartitions = async (p: Producer, partitions: number[], epoch = p.epoch): Promise<string> => {
    const r = await rpc(p.coordinator, 'AddPartitionsToTxn', {
      transactionalId: p.transactionalId,
      producerId: p.producerId.toString(),
      producerEpoch: epoch,
      topics: [{ name: 'out', partitions }],
    });
    return errName(r.topics[0].partitions[0].error);
  };

  const send = async (partition: number, batch: Buffer, transactionalId?: string): Promise<string> => {
    const r = await call(leaderClient(partition), 'Produce', { acks: -1, timeoutMs: 10_000, transactionalId, topics: [{ name: 'out', partitions: [{ partition, records: batch }] }] });
    return errName(r.topics[0].partitions[0].error);
  };

  const endTxn = async (p: Producer, committed: boolean, epoch = p.epoch): Promise<string> =>
    errName((await rpc(p.coordinator, 'EndTxn', { transactionalId: p.transactionalId, producerId: p.producerId.toString(), producerEpoch: epoch, committed })).error);

  const describe_ = async (p: Producer): Promise<any> => (await rpc(p.coordinator, 'DescribeTransactions', { transactionalIds: [p.transactionalId] })).transactionStates[0];

  const fetch = async (partition: number, isolationLevel: number): Promise<any> => {
    const r = await call(leaderClient(partition), 'Fetch', {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 0,
      isolationLevel,
      topics: [{ name: 'out', partitions: [{ partition, fetchOffset: '0', partitionMaxBytes: 0, currentLeaderEpoch: -1 }] }],
    });
    return r.topics[0].partitions[0];
  };

  /** The values a read_committed consumer keeps: not in an aborted transaction, no control batches. */
  const committedValues = (p: any): string[] => {
    const aborted = new Map<string, bigint>((p.abortedTransactions ?? []).map((a: any) => [a.producerId, BigInt(a.firstOffset)]));
    const out: string[] = [];
    for (const b of decodeRecordBatches(p.records)) {
      const pid = b.header.producerId.toString();
      if (isControlBatch(b.header.attributes)) {
        aborted.delete(pid);
        continue;
      }
      const first = aborted.get(pid);
      if (first !== undefined && b.header.baseOffset >= first) continue;
      out.push(...b.records.map((r) => r.value!.toString()));
    }
    return out;
  };

  test('commit and abort: markers in every partition, the last stable offset, aborted transactions for read_committed', async () => {
    const p = await init('copy-1');
    expect(p.epoch).toBe(0);
    const md = await rpc(cluster.client(1), 'Metadata', { topics: [TRANSACTION_STATE_TOPIC] });
    expect(md.topics[0]).toMatchObject({ name: TRANSACTION_STATE_TOPIC, isInternal: true });
    expect(md.topics[0].partitions).toHaveLength(3);

    // An aborted transaction on partitions 0 and 1.
    expect(await addPartitions(p, [0, 1])).toBe('NONE');
    expect(await send(0, txnBatch(p.producerId, p.epoch, 0, ['a0', 'a1']), p.transactionalId)).toBe('NONE');
    expect(await send(1, txnBatch(p.producerId, p.epoch, 0, ['b0']), p.transactionalId)).toBe('NONE');
    const open = await fetch(0, 1);
    expect(open.lastStableOffset).toBe('0');
    expect(decodeRecordBatches(open.records)).toHaveLength(0);
    expect(valuesOfUncommitted(await fetch(0, 0))).toEqual(['a0', 'a1']);
    expect((await describe_(p)).transactionState).toBe('Ongoing');
    expect(await endTxn(p, false)).toBe('NONE');
    await pollUntil(async () => (await describe_(p)).transactionState === 'CompleteAbort' || undefined, { timeoutMs: 20_000, what: 'the abort to complete' });

    // A committed one on partitions 0 and 2 (sequences continue in the same epoch).
    expect(await addPartitions(p, [0, 2])).toBe('NONE');
    expect(await send(0, txnBatch(p.producerId, p.epoch, 2, ['c0']), p.transactionalId)).toBe('NONE');
    expect(await send(2, txnBatch(p.producerId, p.epoch, 0, ['d0']), p.transactionalId)).toBe('NONE');
    expect(await endTxn(p, true)).toBe('NONE');
    await pollUntil(async () => (await describe_(p)).transactionState === 'CompleteCommit' || undefined, { timeoutMs: 20_000, what: 'the commit to complete' });

    const p0 = await pollUntil(async () => {
      const r = await fetch(0, 1);
      return r.lastStableOffset === r.highWatermark && BigInt(r.highWatermark) === 5n ? r : undefined;
    }, { timeoutMs: 20_000, what: 'partition 0 to be stable' });
    // a0 a1 | ABORT | c0 | COMMIT
    expect(p0.abortedTransactions).toEqual([{ producerId: p.producerId.toString(), firstOffset: '0' }]);
    expect(committedValues(p0)).toEqual(['c0']);
    const p1 = await fetch(1, 1);
    expect(committedValues(p1)).toEqual([]);
    const p2 = await fetch(2, 1);
    expect(committedValues(p2)).toEqual(['d0']);
    // read_uncommitted gets no aborted list; ListOffsets latest is the LSO under read_committed.
    expect((await fetch(0, 0)).abortedTransactions).toEqual([]);
    const lo = await call(leaderClient(0), 'ListOffsets', { isolationLevel: 1, topics: [{ name: 'out', partitions: [{ partition: 0, timestamp: '-1' }] }] });
    expect(lo.topics[0].partitions[0].offset).toBe('5');

    const listed = await rpc(p.coordinator, 'ListTransactions', { stateFilters: ['CompleteCommit'], producerIdFilters: [] });
    expect(listed.transactionStates.map((t: any) => t.transactionalId)).toContain('copy-1');
  });

  test('KIP-890: a transactional batch for a partition not in the transaction is refused, so nothing can hold the LSO back', async () => {
    const p = await init('verify-1');
    // Not added yet: every leader (the coordinator's own and the others) asks the coordinator and refuses.
    for (const partition of [0, 1, 2]) expect(await send(partition, txnBatch(p.producerId, p.epoch, 0, ['stray']), p.transactionalId)).toBe('INVALID_TXN_STATE');
    // Without a transactional id the leader cannot ask: refused too.
    expect(await send(0, txnBatch(p.producerId, p.epoch, 0, ['anonymous']))).toBe('INVALID_REQUEST');
    for (const partition of [0, 1, 2]) {
      const f = await fetch(partition, 1);
      expect(f.lastStableOffset).toBe(f.highWatermark);
      expect(committedValues(await fetch(partition, 0))).not.toContain('stray');
    }
    // Added to the transaction: the first batch is verified, the next ones need no check.
    expect(await addPartitions(p, [1])).toBe('NONE');
    expect(await send(1, txnBatch(p.producerId, p.epoch, 0, ['in-txn']), p.transactionalId)).toBe('NONE');
    expect(await send(1, txnBatch(p.producerId, p.epoch, 1, ['in-txn-2']), p.transactionalId)).toBe('NONE');
    expect(await send(2, txnBatch(p.producerId, p.epoch, 0, ['not-added']), p.transactionalId)).toBe('INVALID_TXN_STATE');
    // A producer id the transactional id does not have.
    expect(await send(2, txnBatch(p.producerId + 1000n, 0, 0, ['other']), p.transactionalId)).toBe('INVALID_PRODUCER_ID_MAPPING');
    expect(await endTxn(p, true)).toBe('NONE');
    const r = await pollUntil(async () => {
      const f = await fetch(1, 1);
      return f.lastStableOffset === f.highWatermark ? f : undefined;
    }, { timeoutMs: 20_000, what: 'partition 1 to be stable' });
    expect(committedValues(r)).toEqual(expect.arrayContaining(['in-txn', 'in-txn-2']));
  });

  test('a new producer with the same transactional id fences the old one and aborts its open transaction', async () => {
    const zombie = await init('fence-1');
    expect(await addPartitions(zombie, [1])).toBe('NONE');
    expect(await send(1, txnBatch(zombie.producerId, zombie.epoch, 0, ['zombie']), zombie.transactionalId)).toBe('NONE');
    const fresh = await init('fence-1');
    expect(fresh.producerId).toBe(zombie.producerId);
    expect(fresh.epoch).toBe(zombie.epoch + 2); // the fence's bump, then this producer's
    expect(await addPartitions(zombie, [1])).toBe('PRODUCER_FENCED');
    expect(await endTxn(zombie, true)).toBe('PRODUCER_FENCED');
    // The abort marker carried the bumped epoch: the partition refuses the zombie too.
    expect(await send(1, txnBatch(zombie.producerId, zombie.epoch, 1, ['late']), zombie.transactionalId)).toBe('INVALID_PRODUCER_EPOCH');
    const r = await pollUntil(async () => {
      const f = await fetch(1, 1);
      return f.lastStableOffset === f.highWatermark ? f : undefined;
    }, { timeoutMs: 20_000, what: 'partition 1 to be stable' });
    expect(committedValues(r)).not.toContain('zombie');
  });

  test('the coordinator aborts a transaction open past transaction.timeout.ms', async () => {
    const p = await init('slow-1', 300);
    expect(await addPartitions(p, [2])).toBe('NONE');
    expect(await send(2, txnBatch(p.producerId, p.epoch, 0, ['too-late']), p.transactionalId)).toBe('NONE');
    await pollUntil(async () => (await describe_(p)).transactionState === 'CompleteAbort' || undefined, { timeoutMs: 20_000, what: 'the timeout abort' });
    expect(await endTxn(p, true)).toBe('PRODUCER_FENCED');
    const f = await pollUntil(async () => {
      const r = await fetch(2, 1);
      return r.lastStableOffset === r.highWatermark ? r : undefined;
    }, { timeoutMs: 20_000, what: 'partition 2 to be stable' });
    expect(committedValues(f)).not.toContain('too-late');
  });

  test('TxnOffsetCommit: offsets are pending (UNSTABLE_OFFSET_COMMIT) until the commit, never visible after an abort', async () => {
    const group = 'txn-group';
    const groupCoordinator = await pollUntil(
      async () => {
        const r = await rpc(cluster.client(1), 'FindCoordinator', { keyType: 0, keys: [group] });
        return errName(r.coordinators[0].error) === 'NONE' ? cluster.client(r.coordinators[0].nodeId) : undefined;
      },
      { timeoutMs: 20_000, what: 'the group coordinator' },
    );
    const p = await init('offsets-1');
    const commitOffset = async (offset: number): Promise<string> => {
      expect(errName((await rpc(p.coordinator, 'AddOffsetsToTxn', { transactionalId: p.transactionalId, producerId: p.producerId.toString(), producerEpoch: p.epoch, groupId: group })).error)).toBe('NONE');
      const r = await pollUntil(
        async () => {
          const res = await rpc(groupCoordinator, 'TxnOffsetCommit', {
            transactionalId: p.transactionalId,
            groupId: group,
            producerId: p.producerId.toString(),
            producerEpoch: p.epoch,
            generationId: -1,
            memberId: '',
            topics: [{ name: 'out', partitions: [{ partition: 0, committedOffset: String(offset), committedLeaderEpoch: -1, committedMetadata: '' }] }],
          });
          const e = errName(res.topics[0].partitions[0].error);
          return e === 'COORDINATOR_LOAD_IN_PROGRESS' ? undefined : e;
        },
        { timeoutMs: 20_000, what: 'TxnOffsetCommit' },
      );
      return r;
    };
    const fetchOffset = async (): Promise<{ offset: string; error: string }> => {
      const r = await rpc(groupCoordinator, 'OffsetFetch', { groupId: group, topics: [{ name: 'out', partitions: [0] }], requireStable: true });
      const part = r.topics[0]?.partitions[0];
      return { offset: part?.committedOffset ?? '-1', error: errName(part?.error) };
    };

    expect(await commitOffset(7)).toBe('NONE');
    expect((await fetchOffset()).error).toBe('UNSTABLE_OFFSET_COMMIT');
    expect(await endTxn(p, true)).toBe('NONE');
    await pollUntil(async () => ((await fetchOffset()).offset === '7' ? true : undefined), { timeoutMs: 20_000, what: 'the committed offset' });

    expect(await commitOffset(9)).toBe('NONE');
    expect(await endTxn(p, false)).toBe('NONE');
    await pollUntil(async () => (await describe_(p)).transactionState === 'CompleteAbort' || undefined, { timeoutMs: 20_000, what: 'the abort' });
    await pollUntil(async () => ((await fetchOffset()).error === 'NONE' ? true : undefined), { timeoutMs: 20_000, what: 'a stable offset' });
    expect((await fetchOffset()).offset).toBe('7');
  });

  test('a new coordinator after a leader move loads the state and fences as the old one did', async () => {
    const id = 'move-1';
    const p = await init(id);
    expect(await addPartitions(p, [0])).toBe('NONE');
    const partition = partitionForTransactionalId(id, 3);
    const before = cluster.controller.assignment(TRANSACTION_STATE_TOPIC, partition);
    const next = before.isr.find((n) => n !== before.leaderId)!;
    cluster.controller.change(TRANSACTION_STATE_TOPIC, partition, { leaderId: next, bumpLeaderEpoch: true });
    const moved = await pollUntil(
      async () => {
        const c = await coordinatorOf(id);
        const d = (await rpc(c, 'DescribeTransactions', { transactionalIds: [id] })).transactionStates[0];
        return errName(d.error) === 'NONE' ? { c, d } : undefined;
      },
      { timeoutMs: 20_000, what: 'the new coordinator to load' },
    );
    expect(moved.d).toMatchObject({ transactionState: 'Ongoing', producerEpoch: p.epoch });
    const q = { ...p, coordinator: moved.c };
    expect(await endTxn(q, true)).toBe('NONE');
    await pollUntil(async () => (await describe_(q)).transactionState === 'CompleteCommit' || undefined, { timeoutMs: 20_000, what: 'the commit' });
    expect(await endTxn(q, true, p.epoch - 1)).toBe('PRODUCER_FENCED');
  });
});

function valuesOfUncommitted(p: any): string[] {
  return decodeRecordBatches(p.records)
    .filter((b) => !isControlBatch(b.header.attributes))
    .flatMap((b) => b.records.map((r) => r.value!.toString()));
}
