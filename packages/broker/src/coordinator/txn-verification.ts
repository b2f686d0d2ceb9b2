import type { ErrorName, Logger } from '@gregor/common';
import { TRANSACTION_STATE_TOPIC, type TopicPartition, type TransactionCoordinatorRuntime } from '@gregor/transaction-coordinator';
import type { MetadataSource } from '../metadata-source';
import type { TxnPeers } from './txn-peers';

/** How long a partition leader waits for the coordinator's verdict. */
const VERIFY_TIMEOUT_MS = 5000;

/** Producers with a verification in flight on this broker; beyond it a produce is told to retry. */
const MAX_PRODUCERS_VERIFYING = 10_000;

export interface TxnVerificationRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  partitions: readonly TopicPartition[];
}

export interface TxnVerificationOptions {
  nodeId: number;
  metadata: MetadataSource;
  runtime: TransactionCoordinatorRuntime;
  /** The transactional id's __transaction_state partition, when the topic exists. */
  partitionFor: (transactionalId: string) => number | undefined;
  leaderAddress: (nodeId: number) => string | undefined;
  peers: TxnPeers;
  logger: Logger;
}

/**
 * KIP-890 part 1, the partition leader's side: before appending a
 * producer's first transactional batch to a partition, ask the
 * transactional id's coordinator whether the partition is in the open
 * transaction — this broker's own runtime directly, another broker with
 * AddPartitionsToTxn(verify_only) (Kafka: AddPartitionsToTxn v4). A batch
 * the coordinator does not know of would open a transaction there that no
 * marker ever closes (a "hanging" transaction holding the last stable
 * offset back for good); it is refused instead.
 *
 * Verifications of one producer run one after the other in arrival order,
 * so its pipelined produce requests still reach the log in the order they
 * came (sequence numbers); different producers run side by side.
 */
export class TxnVerification {
  /** Per producer id: the last verification queued (the next one starts after it). */
  private readonly chains = new Map<bigint, Promise<ErrorName>>();

  constructor(private readonly opts: TxnVerificationOptions) {}

  /** NONE, or the coordinator's error (INVALID_TXN_STATE, PRODUCER_FENCED, …; COORDINATOR_NOT_AVAILABLE when unreachable). */
  verify(req: TxnVerificationRequest): Promise<ErrorName> {
    const before = this.chains.get(req.producerId);
    if (before === undefined && this.chains.size >= MAX_PRODUCERS_VERIFYING) return Promise.resolve('COORDINATOR_NOT_AVAILABLE');
    const mine = (before ?? Promise.resolve<ErrorName>('NONE')).then(() => this.ask(req));
    this.chains.set(req.producerId, mine);
    void mine.then(() => {
      if (this.chains.get(req.producerId) === mine) this.chains.delete(req.producerId);
    });
    return mine;
  }

  private async ask(req: TxnVerificationRequest): Promise<ErrorName> {
    try {
      return await this.askCoordinator(req);
    } catch (err) {
      this.opts.logger.debug('verifying a transactional produce with its coordinator failed', { transactionalId: req.transactionalId, err: String(err) });
      return 'COORDINATOR_NOT_AVAILABLE';
    }
  }

  private async askCoordinator(req: TxnVerificationRequest): Promise<ErrorName> {
    const partition = this.opts.partitionFor(req.transactionalId);
    if (partition === undefined) return 'COORDINATOR_NOT_AVAILABLE';
    const leader = this.opts.metadata.topic(TRANSACTION_STATE_TOPIC)?.partitions[partition]?.leaderId;
    if (leader === undefined || leader < 0) return 'COORDINATOR_NOT_AVAILABLE';
    const add = { transactionalId: req.transactionalId, producerId: req.producerId, producerEpoch: req.producerEpoch, partitions: req.partitions };
    if (leader === this.opts.nodeId) return this.opts.runtime.verifyPartitions(partition, add);
    const address = this.opts.leaderAddress(leader);
    if (address === undefined) return 'COORDINATOR_NOT_AVAILABLE';
    const byTopic = new Map<string, number[]>();
    for (const tp of req.partitions) {
      const list = byTopic.get(tp.topic);
      if (list === undefined) byTopic.set(tp.topic, [tp.partition]);
      else list.push(tp.partition);
    }
    const res = await this.opts.peers.call(address, (c) =>
      c.addPartitionsToTxn(
        { transactionalId: req.transactionalId, producerId: req.producerId, producerEpoch: req.producerEpoch, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })), verifyOnly: true },
        VERIFY_TIMEOUT_MS,
      ),
    );
    for (const t of res.topics) for (const p of t.partitions) if (p.error !== null) return p.error.errorName;
    return 'NONE';
  }
}
