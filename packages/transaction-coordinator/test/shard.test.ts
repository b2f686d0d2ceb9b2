import { DEFAULT_TRANSACTION_COORDINATOR_CONFIG, MAX_PRODUCER_EPOCH, TransactionShard } from '@gregor/transaction-coordinator';
import { ABORT_SCAN_MS, deps, Driver } from './helpers/driver';

const TP = (topic: string, partition: number) => ({ topic, partition });

/** A producer that has run InitProducerId through `d`. */
function started(d: Driver, transactionalId = 't1'): { producerId: bigint; epoch: number } {
  const a = d.initAnswer(d.init(transactionalId))!;
  expect(a.error).toBe('NONE');
  return { producerId: a.producerId, epoch: a.producerEpoch };
}

describe('InitProducerId', () => {
  it('gives a new transactional id a fresh producer id with epoch 0, answered once written', () => {
    const d = new Driver();
    d.hold = true;
    const req = d.init('t1');
    expect(d.error(req)).toBe('pending');
    expect(d.queue).toHaveLength(1);
    d.flush();
    expect(d.initAnswer(req)).toEqual({ error: 'NONE', producerId: 1000n, producerEpoch: 0 });
    expect(d.shard.committed('t1')).toMatchObject({ state: 'Empty', producerId: 1000n, producerEpoch: 0, partitions: [] });
  });

  it('bumps the epoch on every call for the same id, keeping the producer id', () => {
    const d = new Driver();
    const first = started(d);
    const second = started(d);
    expect(second).toEqual({ producerId: first.producerId, epoch: 1 });
  });

  it('refuses an empty transactional id and a timeout above transaction.max.timeout.ms', () => {
    const d = new Driver();
    expect(d.error(d.init(''))).toBe('INVALID_REQUEST');
    expect(d.error(d.init('t1', -1n, -1, 900_001))).toBe('INVALID_TRANSACTION_TIMEOUT');
    expect(d.error(d.init('t1', -1n, -1, 0))).toBe('INVALID_TRANSACTION_TIMEOUT');
    expect(d.shard.size).toBe(0);
  });

  it('answers CONCURRENT_TRANSACTIONS while a write for the id is in flight', () => {
    const d = new Driver();
    d.hold = true;
    const first = d.init('t1');
    expect(d.error(d.init('t1'))).toBe('CONCURRENT_TRANSACTIONS');
    d.flush();
    expect(d.error(first)).toBe('NONE');
  });

  it('fences an open transaction: aborts it with the bumped epoch, the caller retries and gets the next epoch', () => {
    const d = new Driver();
    const p = started(d);
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('a', 0)]))).toBe('NONE');
    const retry = d.init('t1');
    expect(d.error(retry)).toBe('CONCURRENT_TRANSACTIONS');
    expect(d.shard.committed('t1')).toMatchObject({ state: 'PrepareAbort', producerEpoch: 1 });
    const markers = d.deliverMarkers();
    expect(markers).toEqual([{ transactionalId: 't1', producerId: p.producerId, producerEpoch: 1, commit: false, coordinatorEpoch: 1, partitions: [TP('a', 0)] }]);
    expect(d.shard.committed('t1')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(d.initAnswer(d.init('t1'))).toEqual({ error: 'NONE', producerId: p.producerId, producerEpoch: 2 });
    // The zombie of epoch 0 is fenced everywhere.
    expect(d.error(d.add('t1', p.producerId, 0, [TP('a', 1)]))).toBe('PRODUCER_FENCED');
    expect(d.error(d.end('t1', p.producerId, 0, true))).toBe('PRODUCER_FENCED');
  });

  it('KIP-360: a producer naming another producer id is fenced; a retry naming the epoch before the bump gets the current one', () => {
    const d = new Driver();
    const p = started(d);
    expect(d.error(d.init('t1', 999n, 0))).toBe('PRODUCER_FENCED');
    const bumped = d.initAnswer(d.init('t1', p.producerId, p.epoch))!;
    expect(bumped).toEqual({ error: 'NONE', producerId: p.producerId, producerEpoch: 1 });
    // Its answer was lost: the same request again.
    expect(d.initAnswer(d.init('t1', p.producerId, p.epoch))).toEqual({ error: 'NONE', producerId: p.producerId, producerEpoch: 1 });
    expect(d.error(d.init('t1', p.producerId, 7))).toBe('PRODUCER_FENCED');
  });

  it('rotates to a new producer id when the epoch is exhausted', () => {
    const d = new Driver();
    const m = { transactionalId: 't1', producerId: 5n, lastProducerId: -1n, producerEpoch: MAX_PRODUCER_EPOCH - 1, lastProducerEpoch: -1, timeoutMs: 60_000, state: 'CompleteCommit' as const, partitions: [], txnStartMs: -1, lastUpdateMs: d.nowMs };
    d.shard = TransactionShard.load(deps(1), [m], d.nowMs).shard;
    const a = d.initAnswer(d.init('t1', 5n, MAX_PRODUCER_EPOCH - 1))!;
    expect(a.error).toBe('NONE');
    expect(a.producerId).not.toBe(5n);
    expect(a.producerEpoch).toBe(0);
    expect(d.shard.committed('t1')).toMatchObject({ lastProducerId: 5n });
    // The retry of that rotation names the old id with its exhausted epoch.
    expect(d.initAnswer(d.init('t1', 5n, MAX_PRODUCER_EPOCH - 1))).toEqual(a);
  });

  it('a failed write answers NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE and leaves nothing behind', () => {
    const d = new Driver();
    d.hold = true;
    const req = d.init('t1');
    d.flush('NOT_LEADER_OR_FOLLOWER');
    expect(d.error(req)).toBe('NOT_COORDINATOR');
    expect(d.shard.size).toBe(0);
    const req2 = d.init('t1');
    d.flush('NOT_ENOUGH_REPLICAS');
    expect(d.error(req2)).toBe('COORDINATOR_NOT_AVAILABLE');
  });
});

describe('a transaction', () => {
  it('Empty → Ongoing → PrepareCommit → CompleteCommit, with markers to every partition', () => {
    const d = new Driver();
    const p = started(d);
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('b', 1), TP('a', 0)]))).toBe('NONE');
    expect(d.shard.committed('t1')).toMatchObject({ state: 'Ongoing', partitions: [TP('a', 0), TP('b', 1)], txnStartMs: d.nowMs });
    // Adding partitions already in the transaction writes nothing.
    const before = d.log.length;
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('a', 0)]))).toBe('NONE');
    expect(d.log).toHaveLength(before);
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('c', 2)]))).toBe('NONE');
    const end = d.end('t1', p.producerId, p.epoch, true);
    expect(d.error(end)).toBe('NONE');
    expect(d.shard.committed('t1')!.state).toBe('PrepareCommit');
    // A second EndTxn while markers are out.
    expect(d.error(d.end('t1', p.producerId, p.epoch, true))).toBe('CONCURRENT_TRANSACTIONS');
    expect(d.error(d.end('t1', p.producerId, p.epoch, false))).toBe('INVALID_TXN_STATE');
    const [marker] = d.deliverMarkers();
    expect(marker).toMatchObject({ commit: true, producerEpoch: p.epoch, partitions: [TP('a', 0), TP('b', 1), TP('c', 2)] });
    expect(d.shard.committed('t1')).toMatchObject({ state: 'CompleteCommit', partitions: [], txnStartMs: -1 });
    expect(d.log.map((r) => r.value?.state)).toEqual(['Empty', 'Ongoing', 'Ongoing', 'PrepareCommit', 'CompleteCommit']);
    // Retries of the decided EndTxn.
    expect(d.error(d.end('t1', p.producerId, p.epoch, true))).toBe('NONE');
    expect(d.error(d.end('t1', p.producerId, p.epoch, false))).toBe('INVALID_TXN_STATE');
    // The next transaction starts from CompleteCommit.
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('z', 0)]))).toBe('NONE');
    expect(d.shard.committed('t1')).toMatchObject({ state: 'Ongoing', partitions: [TP('z', 0)] });
  });

  it('the next transaction’s AddPartitions waits for the previous one to complete instead of CONCURRENT_TRANSACTIONS', () => {
    const d = new Driver();
    const p = started(d);
    d.add('t1', p.producerId, p.epoch, [TP('a', 0)]);
    expect(d.error(d.end('t1', p.producerId, p.epoch, true))).toBe('NONE');
    const next = d.add('t1', p.producerId, p.epoch, [TP('b', 0)]);
    expect(d.error(next)).toBe('pending');
    // One waits; a second is told to retry.
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('c', 0)]))).toBe('CONCURRENT_TRANSACTIONS');
    d.hold = true;
    d.deliverMarkers();
    // The previous transaction's completion and the next one's start: one write of two records.
    expect(d.queue).toHaveLength(1);
    expect(d.queue[0]).toMatchObject({ completes: { state: 'CompleteCommit', partitions: [] }, value: { state: 'Ongoing', partitions: [TP('b', 0)] } });
    expect(d.error(next)).toBe('pending');
    d.flush();
    expect(d.error(next)).toBe('NONE');
    expect(d.log.map((r) => r.value?.state)).toEqual(['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit', 'Ongoing']);
    expect(d.shard.committed('t1')).toMatchObject({ state: 'Ongoing', partitions: [TP('b', 0)], txnStartMs: d.nowMs });
  });

  it('a failed write of the completion and the next start answers the parked AddPartitions, and completes again later', () => {
    const d = new Driver();
    const p = started(d);
    d.add('t1', p.producerId, p.epoch, [TP('a', 0)]);
    d.end('t1', p.producerId, p.epoch, false);
    const next = d.add('t1', p.producerId, p.epoch, [TP('b', 0)]);
    d.hold = true;
    d.deliverMarkers();
    d.flush('NOT_LEADER_OR_FOLLOWER');
    expect(d.error(next)).toBe('NOT_COORDINATOR');
    expect(d.shard.committed('t1')!.state).toBe('PrepareAbort');
    d.hold = false;
    // After the backoff the markers go again and CompleteAbort is written on its own.
    d.advance(DEFAULT_TRANSACTION_COORDINATOR_CONFIG.retryBackoffMs);
    expect(d.deliverMarkers()).toEqual([expect.objectContaining({ commit: false, partitions: [TP('a', 0)] })]);
    expect(d.shard.committed('t1')).toMatchObject({ state: 'CompleteAbort', partitions: [] });
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('b', 0)]))).toBe('NONE');
  });

  it('a parked AddPartitions beyond the partition bound is refused, and the previous transaction still completes', () => {
    const d = new Driver({ maxPartitionsPerTransaction: 1 });
    const p = started(d);
    d.add('t1', p.producerId, p.epoch, [TP('a', 0)]);
    d.end('t1', p.producerId, p.epoch, true);
    const next = d.add('t1', p.producerId, p.epoch, [TP('b', 0), TP('b', 1)]);
    d.deliverMarkers();
    expect(d.error(next)).toBe('INVALID_REQUEST');
    expect(d.shard.committed('t1')).toMatchObject({ state: 'CompleteCommit' });
  });

  it('verifyPartitions (KIP-890): NONE only for partitions of the producer’s open transaction on disk', () => {
    const d = new Driver();
    const p = started(d);
    const verify = (partitions: { topic: string; partition: number }[], producerId = p.producerId, producerEpoch = p.epoch) =>
      d.shard.verifyPartitions({ transactionalId: 't1', producerId, producerEpoch, partitions });
    expect(verify([TP('a', 0)])).toBe('INVALID_TXN_STATE'); // Empty
    d.hold = true;
    d.add('t1', p.producerId, p.epoch, [TP('a', 0)]);
    expect(verify([TP('a', 0)])).toBe('INVALID_TXN_STATE'); // still being written
    d.flush();
    expect(verify([TP('a', 0)])).toBe('NONE');
    expect(verify([TP('a', 0), TP('b', 0)])).toBe('INVALID_TXN_STATE');
    expect(verify([TP('a', 0)], p.producerId, p.epoch - 1)).toBe('PRODUCER_FENCED');
    expect(verify([TP('a', 0)], p.producerId + 1n)).toBe('INVALID_PRODUCER_ID_MAPPING');
    expect(d.shard.verifyPartitions({ transactionalId: 'nope', producerId: p.producerId, producerEpoch: p.epoch, partitions: [TP('a', 0)] })).toBe('INVALID_PRODUCER_ID_MAPPING');
    d.hold = false;
    d.end('t1', p.producerId, p.epoch, true);
    expect(verify([TP('a', 0)])).toBe('INVALID_TXN_STATE'); // decided: a later batch belongs to no transaction
  });

  it('checks the producer: unknown id and wrong producer id are INVALID_PRODUCER_ID_MAPPING, EndTxn without a transaction INVALID_TXN_STATE', () => {
    const d = new Driver();
    expect(d.error(d.add('nope', 1n, 0, [TP('a', 0)]))).toBe('INVALID_PRODUCER_ID_MAPPING');
    expect(d.error(d.end('nope', 1n, 0, true))).toBe('INVALID_PRODUCER_ID_MAPPING');
    const p = started(d);
    expect(d.error(d.add('t1', p.producerId + 1n, p.epoch, [TP('a', 0)]))).toBe('INVALID_PRODUCER_ID_MAPPING');
    expect(d.error(d.end('t1', p.producerId, p.epoch, true))).toBe('INVALID_TXN_STATE');
    expect(d.error(d.add('t1', p.producerId, p.epoch + 1, [TP('a', 0)]))).toBe('PRODUCER_FENCED');
  });

  it('bounds the partitions of one transaction', () => {
    const d = new Driver({ maxPartitionsPerTransaction: 2 });
    const p = started(d);
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('a', 0), TP('a', 1), TP('a', 2)]))).toBe('INVALID_REQUEST');
    expect(d.shard.committed('t1')!.state).toBe('Empty');
  });

  it('is aborted by the coordinator once open longer than its timeout, fencing its producer', () => {
    const d = new Driver();
    const p = { ...started(d) };
    d.init('t1', -1n, -1, 5000); // epoch 1, timeout 5 s
    p.epoch = 1;
    expect(d.error(d.add('t1', p.producerId, p.epoch, [TP('a', 0)]))).toBe('NONE');
    d.advance(4000);
    expect(d.shard.committed('t1')!.state).toBe('Ongoing');
    d.advance(1000 + ABORT_SCAN_MS);
    expect(d.shard.committed('t1')).toMatchObject({ state: 'PrepareAbort', producerEpoch: 2 });
    expect(d.deliverMarkers()).toEqual([expect.objectContaining({ commit: false, producerEpoch: 2 })]);
    expect(d.shard.committed('t1')!.state).toBe('CompleteAbort');
    expect(d.error(d.end('t1', p.producerId, p.epoch, true))).toBe('PRODUCER_FENCED');
  });

  it('a failed marker round or outcome write is retried after the backoff until it completes', () => {
    const d = new Driver();
    const p = started(d);
    d.add('t1', p.producerId, p.epoch, [TP('a', 0)]);
    d.end('t1', p.producerId, p.epoch, false);
    d.deliverMarkers(false);
    expect(d.markers).toHaveLength(0);
    d.advance(200);
    expect(d.markers).toHaveLength(1);
    d.hold = true;
    d.deliverMarkers();
    d.flush('REQUEST_TIMED_OUT');
    expect(d.shard.committed('t1')!.state).toBe('PrepareAbort');
    d.hold = false;
    d.advance(200);
    d.deliverMarkers();
    expect(d.shard.committed('t1')!.state).toBe('CompleteAbort');
  });
});

describe('loading and failover', () => {
  it('a new coordinator loads every id and sends the markers of a decided transaction again', () => {
    const d = new Driver();
    const p = started(d);
    d.add('t1', p.producerId, p.epoch, [TP('a', 0)]);
    d.end('t1', p.producerId, p.epoch, true);
    expect(d.markers).toHaveLength(1);
    d.failover();
    expect(d.markers).toEqual([expect.objectContaining({ commit: true, coordinatorEpoch: 2, partitions: [TP('a', 0)] })]);
    d.deliverMarkers();
    expect(d.shard.committed('t1')).toMatchObject({ state: 'CompleteCommit', producerId: p.producerId, producerEpoch: p.epoch });
  });

  it('idle transactional ids expire after transactional.id.expiration.ms with a tombstone', () => {
    const d = new Driver({ transactionalIdExpirationMs: 100_000 });
    started(d);
    d.advance(120_000);
    d.advance(60_000);
    expect(d.shard.size).toBe(0);
    expect(d.log.at(-1)).toEqual({ transactionalId: 't1', value: null });
    d.failover();
    expect(d.shard.size).toBe(0);
  });
});

describe('describe and list', () => {
  it('DescribeTransactions and ListTransactions with filters', () => {
    const d = new Driver();
    const p = started(d, 't1');
    started(d, 't2');
    d.add('t1', p.producerId, p.epoch, [TP('a', 0)]);
    expect(d.shard.describe(['t1', 'x'])).toEqual([
      { transactionalId: 't1', error: 'NONE', state: 'Ongoing', producerId: p.producerId, producerEpoch: 0, timeoutMs: 60_000, txnStartMs: d.nowMs, partitions: [TP('a', 0)] },
      { transactionalId: 'x', error: 'TRANSACTIONAL_ID_NOT_FOUND', state: 'Unknown', producerId: -1n, producerEpoch: -1, timeoutMs: -1, txnStartMs: -1, partitions: [] },
    ]);
    expect(d.shard.list([], []).map((t) => t.transactionalId).sort()).toEqual(['t1', 't2']);
    expect(d.shard.list(['Ongoing'], []).map((t) => t.transactionalId)).toEqual(['t1']);
    expect(d.shard.list([], [p.producerId]).map((t) => t.transactionalId)).toEqual(['t1']);
  });

  it('ListTransactions v1 duration filter: only transactions running longer than it (KIP-994)', () => {
    const d = new Driver();
    const p = started(d, 't1');
    started(d, 't2'); // Empty: not running, so never "longer than" anything
    d.add('t1', p.producerId, p.epoch, [TP('a', 0)]);
    const start = d.nowMs;
    const ids = (durationMs: number, nowMs: number): string[] => d.shard.list([], [], durationMs, nowMs).map((t) => t.transactionalId).sort();
    expect(ids(-1, start)).toEqual(['t1', 't2']);
    expect(ids(0, start)).toEqual([]); // running 0 ms: not longer than 0
    expect(ids(0, start + 1)).toEqual(['t1']);
    expect(ids(5000, start + 5000)).toEqual([]);
    expect(ids(5000, start + 5001)).toEqual(['t1']);
  });
});
