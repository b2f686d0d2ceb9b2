import { GregorError, pollUntil, silentLogger } from '@gregor/common';
import {
  DEFAULT_TRANSACTION_COORDINATOR_CONFIG,
  TransactionCoordinatorRuntime,
  partitionForTransactionalId,
  type TxnMarkerRequest,
} from '@gregor/transaction-coordinator';
import { partitionForGroup } from '@gregor/group-coordinator';
import { MemoryLog } from '../../coordinator-runtime/test/helpers/memory-log';

const P = 2;
const TP = { topic: 'out', partition: 0 };

/** Markers recorded in memory; `fail` makes the next rounds reject. */
class Markers {
  readonly written: TxnMarkerRequest[] = [];
  fail = false;
  async writeMarkers(m: TxnMarkerRequest): Promise<void> {
    if (this.fail) throw new GregorError('NOT_LEADER_OR_FOLLOWER', 'no leader for out-0');
    this.written.push(m);
  }
}

function runtime(log: MemoryLog, markers: Markers, abortScanIntervalMs = 10_000): TransactionCoordinatorRuntime {
  return new TransactionCoordinatorRuntime({ config: { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG, retryBackoffMs: 5 }, log, markers, logger: silentLogger(), abortScanIntervalMs });
}

let nextPid = 100n;
const allocate = async () => nextPid++;

describe('TransactionCoordinatorRuntime', () => {
  it('places transactional ids as Kafka does: the same abs(hashCode) % partitions rule as groups', () => {
    for (const id of ['my-txn', 'copy-0', '', 'Ω-txn']) expect(partitionForTransactionalId(id, 50)).toBe(partitionForGroup(id, 50));
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE: Kafka's Utils.abs maps it to 0.
    expect(partitionForTransactionalId('polygenelubricants', 7)).toBe(0);
  });

  it('answers NOT_COORDINATOR for partitions it does not lead and COORDINATOR_LOAD_IN_PROGRESS when loading outlasts the wait', async () => {
    const log = new MemoryLog();
    const rt = runtime(log, new Markers());
    expect((await rt.initProducerId(P, { transactionalId: 't', transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 }, allocate)).error).toBe('NOT_COORDINATOR');
    let open: () => void = () => undefined;
    log.loadGate = new Promise((resolve) => (open = resolve));
    log.setLeaderEpoch(P, 1);
    rt.onElection(P, 1);
    // The gate stays shut past COORDINATOR_WAIT_MS: the request gives up waiting.
    expect((await rt.endTxn(P, { transactionalId: 't', producerId: 1n, producerEpoch: 0, commit: true })).error).toBe('COORDINATOR_LOAD_IN_PROGRESS');
    open();
    log.loadGate = undefined;
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'the partition to load' });
    await rt.stop();
  });

  it('holds a request that arrives while its partition loads and answers it once loaded', async () => {
    const log = new MemoryLog();
    const rt = runtime(log, new Markers());
    let open: () => void = () => undefined;
    log.loadGate = new Promise((resolve) => (open = resolve));
    log.setLeaderEpoch(P, 1);
    rt.onElection(P, 1);
    expect(rt.partitionState(P)).toBe('loading');
    const init = rt.initProducerId(P, { transactionalId: 't', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }, allocate);
    open();
    log.loadGate = undefined;
    expect(await init).toMatchObject({ error: 'NONE', producerEpoch: 0 });
    await rt.stop();
  });

  it('runs a transaction end to end, writes markers, and a new coordinator finishes a decided one', async () => {
    const log = new MemoryLog();
    const markers = new Markers();
    log.setLeaderEpoch(P, 1);
    const rt = runtime(log, markers);
    rt.onElection(P, 1);
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'the partition to load' });
    const init = await rt.initProducerId(P, { transactionalId: 't', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }, allocate);
    expect(init.error).toBe('NONE');
    const { producerId, producerEpoch } = init;
    expect((await rt.addPartitions(P, { transactionalId: 't', producerId, producerEpoch, partitions: [TP] })).error).toBe('NONE');
    expect((await rt.endTxn(P, { transactionalId: 't', producerId, producerEpoch, commit: true })).error).toBe('NONE');
    await pollUntil(() => rt.describe(P, ['t'])[0]!.state === 'CompleteCommit', { timeoutMs: 5000, what: 'the transaction to complete its commit' });
    expect(markers.written).toEqual([{ transactionalId: 't', producerId, producerEpoch, commit: true, coordinatorEpoch: 1, partitions: [TP] }]);

    // The next transaction is decided, but its markers cannot be written; then the coordinator moves.
    markers.fail = true;
    expect((await rt.addPartitions(P, { transactionalId: 't', producerId, producerEpoch, partitions: [TP] })).error).toBe('NONE');
    expect((await rt.endTxn(P, { transactionalId: 't', producerId, producerEpoch, commit: false })).error).toBe('NONE');
    expect(rt.describe(P, ['t'])[0]!.state).toBe('PrepareAbort');
    log.setLeaderEpoch(P, 2);
    await rt.onResignation(P);
    const rt2 = runtime(log, markers);
    markers.fail = false;
    rt2.onElection(P, 2);
    await pollUntil(() => rt2.partitionState(P) === 'active' && rt2.describe(P, ['t'])[0]!.state === 'CompleteAbort', { timeoutMs: 5000, what: 'the new coordinator to load the aborted transaction' });
    expect(markers.written.at(-1)).toMatchObject({ commit: false, coordinatorEpoch: 2 });
    // The loaded state fences as the old one did.
    expect((await rt2.endTxn(P, { transactionalId: 't', producerId, producerEpoch: producerEpoch - 1, commit: true })).error).toBe('PRODUCER_FENCED');
    expect(rt2.list([], []).transactions).toEqual([{ transactionalId: 't', producerId, state: 'CompleteAbort' }]);
    await rt.stop();
    await rt2.stop();
  });

  it('aborts a transaction open past its timeout on its own, fencing its producer', async () => {
    const log = new MemoryLog();
    const markers = new Markers();
    log.setLeaderEpoch(P, 1);
    const rt = runtime(log, markers, 20);
    rt.onElection(P, 1);
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'the partition to load' });
    const { producerId, producerEpoch } = await rt.initProducerId(P, { transactionalId: 'slow', transactionTimeoutMs: 50, producerId: -1n, producerEpoch: -1 }, allocate);
    expect((await rt.addPartitions(P, { transactionalId: 'slow', producerId, producerEpoch, partitions: [TP] })).error).toBe('NONE');
    await pollUntil(() => rt.describe(P, ['slow'])[0]!.state === 'CompleteAbort', { timeoutMs: 5000, what: 'the expired transaction to be aborted' });
    expect(markers.written).toEqual([expect.objectContaining({ commit: false, producerEpoch: producerEpoch + 1 })]);
    expect((await rt.endTxn(P, { transactionalId: 'slow', producerId, producerEpoch, commit: true })).error).toBe('PRODUCER_FENCED');
    await rt.stop();
  });

  it('a failed __transaction_state write answers the client NOT_COORDINATOR', async () => {
    const log = new MemoryLog();
    log.setLeaderEpoch(P, 1);
    const rt = runtime(log, new Markers());
    rt.onElection(P, 1);
    await pollUntil(() => rt.partitionState(P) === 'active', { timeoutMs: 5000, what: 'the partition to load' });
    log.failWrites = new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved');
    expect((await rt.initProducerId(P, { transactionalId: 't', transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 }, allocate)).error).toBe('NOT_COORDINATOR');
    await rt.stop();
  });
});
