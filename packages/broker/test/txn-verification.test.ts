import { GregorError, silentLogger, type ErrorName } from '@gregor/common';
import type { TransactionCoordinatorRuntime } from '@gregor/transaction-coordinator';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from '../src/api/transactions';
import type { MetadataSource } from '../src/metadata-source';
import { TxnPeers, type TxnPeerClient } from '../src/coordinator/txn-peers';
import { TxnVerification } from '../src/coordinator/txn-verification';

/*
 * KIP-890's leader-side check in isolation: it asks the coordinator where it
 * is (its own runtime, or another broker with verify_only), one producer's
 * checks run in arrival order, and an unreachable coordinator is
 * COORDINATOR_NOT_AVAILABLE (the produce path makes that a retriable
 * NOT_ENOUGH_REPLICAS), never a crash or a hang.
 */

const TP = { topic: 'out', partition: 0 };

interface Asked {
  request: AddPartitionsToTxnRequest;
  answer: (error: ErrorName | 'network') => void;
}

function setup(coordinatorNode: number) {
  const asked: Asked[] = [];
  let clientsMade = 0;
  const client: TxnPeerClient = {
    writeTxnMarkers: () => Promise.reject(new Error('not used')),
    addPartitionsToTxn: (request) =>
      new Promise<AddPartitionsToTxnResponse>((resolve, reject) => {
        asked.push({
          request,
          answer: (error) => {
            if (error === 'network') reject(new GregorError('NETWORK_EXCEPTION', 'connection refused'));
            else resolve({ topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partition) => ({ partition, error: error === 'NONE' ? null : new GregorError(error, error) })) })) });
          },
        });
      }),
    close: () => undefined,
  };
  const local: string[] = [];
  const verification = new TxnVerification({
    nodeId: 1,
    metadata: { topic: () => ({ partitions: [{ leaderId: coordinatorNode }] }) } as unknown as MetadataSource,
    runtime: {
      verifyPartitions: (_p: number, req: { transactionalId: string }) => {
        local.push(req.transactionalId);
        return 'INVALID_TXN_STATE';
      },
    } as unknown as TransactionCoordinatorRuntime,
    partitionFor: () => 0,
    leaderAddress: (id) => (id === 9 ? undefined : `node-${id}:1`),
    peers: new TxnPeers(() => {
      clientsMade++;
      return client;
    }),
    logger: silentLogger(),
  });
  return { verification, asked, local, clientsMade: () => clientsMade };
}

const req = (producerId: bigint, transactionalId = 't') => ({ transactionalId, producerId, producerEpoch: 0, partitions: [TP] });

describe('TxnVerification', () => {
  test('the coordinator on this broker answers from its runtime, without a call', async () => {
    const s = setup(1);
    expect(await s.verification.verify(req(5n))).toBe('INVALID_TXN_STATE');
    expect(s.local).toEqual(['t']);
    expect(s.asked).toHaveLength(0);
  });

  test('another broker is asked with verify_only; its answer is the verdict', async () => {
    const s = setup(2);
    const v = s.verification.verify(req(5n));
    await new Promise((r) => setImmediate(r));
    expect(s.asked).toHaveLength(1);
    expect(s.asked[0]!.request).toMatchObject({ transactionalId: 't', producerId: 5n, producerEpoch: 0, verifyOnly: true, topics: [{ name: 'out', partitions: [0] }] });
    s.asked[0]!.answer('NONE');
    expect(await v).toBe('NONE');
  });

  test("one producer's checks run in arrival order; another producer's do not wait", async () => {
    const s = setup(2);
    const settle = () => new Promise((r) => setImmediate(r));
    const first = s.verification.verify(req(5n));
    const second = s.verification.verify(req(5n));
    const other = s.verification.verify(req(6n));
    await settle();
    // Producer 5's second check has not been sent: it waits for the first.
    expect(s.asked.map((a) => a.request.producerId)).toEqual([5n, 6n]);
    s.asked[1]!.answer('INVALID_TXN_STATE');
    expect(await other).toBe('INVALID_TXN_STATE');
    s.asked[0]!.answer('NONE');
    expect(await first).toBe('NONE');
    await settle();
    expect(s.asked.map((a) => a.request.producerId)).toEqual([5n, 6n, 5n]);
    s.asked[2]!.answer('NONE');
    expect(await second).toBe('NONE');
  });

  test('an unreachable coordinator is COORDINATOR_NOT_AVAILABLE, and the next call builds a new client', async () => {
    const s = setup(2);
    const v = s.verification.verify(req(5n));
    await new Promise((r) => setImmediate(r));
    s.asked[0]!.answer('network');
    expect(await v).toBe('COORDINATOR_NOT_AVAILABLE');
    const again = s.verification.verify(req(5n));
    await new Promise((r) => setImmediate(r));
    expect(s.clientsMade()).toBe(2);
    s.asked[1]!.answer('NONE');
    expect(await again).toBe('NONE');
    // A coordinator without a known address: no call at all.
    const nowhere = setup(9);
    expect(await nowhere.verification.verify(req(5n))).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(nowhere.asked).toHaveLength(0);
  });
});
