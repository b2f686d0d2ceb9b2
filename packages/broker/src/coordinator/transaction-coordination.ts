import type { Clock, Logger } from '@gregor/common';
import { TRANSACTION_STATE_TOPIC, TransactionCoordinatorRuntime } from '@gregor/transaction-coordinator';
import type { BrokerConfig } from '../broker-config';
import type { BrokerContext } from '../broker-context';
import type { MetadataSource, PartitionAssignment } from '../metadata-source';
import { CoordinatorElection } from './coordinator-election';
import { CoordinatorLog } from './coordinator-log';
import { InternalTopic } from './internal-topic';
import { TxnMarkerWriter } from './txn-marker-writer';
import { TxnPeers, type TxnPeerClientFactory } from './txn-peers';
import { TxnVerification } from './txn-verification';

/** How often leadership of __transaction_state is re-checked besides metadata events. */
const ELECTION_CHECK_INTERVAL_MS = 2000;

/**
 * The transaction coordinator on this broker, built like GroupCoordination:
 * the runtime (a shard per led __transaction_state partition), the topic
 * itself (created on the first FindCoordinator with key type 1), the
 * election watcher, and the writer that sends each decided transaction's
 * markers to its partitions' leaders.
 */
export class TransactionCoordination {
  readonly topic: InternalTopic;
  readonly runtime: TransactionCoordinatorRuntime;
  /** KIP-890 part 1: a partition leader's check of a producer's first transactional batch there. */
  readonly verification: TxnVerification;
  private readonly election: CoordinatorElection;
  private readonly peers: TxnPeers;

  constructor(
    config: BrokerConfig,
    metadata: MetadataSource,
    context: () => BrokerContext,
    logger: Logger,
    clock: Clock,
    leaderAddress: (nodeId: number) => string | undefined,
    advertisedLeader: (a: PartitionAssignment) => number = (a) => a.leaderId,
    peerClients?: TxnPeerClientFactory,
  ) {
    this.topic = new InternalTopic(
      {
        name: TRANSACTION_STATE_TOPIC,
        numPartitions: config.transactionStateLogNumPartitions,
        replicationFactor: config.transactionStateLogReplicationFactor,
        replicationFactorKey: 'transaction.state.log.replication.factor',
        keyKind: 'transactional id',
      },
      metadata,
      logger,
      advertisedLeader,
    );
    this.peers = new TxnPeers(peerClients);
    this.runtime = new TransactionCoordinatorRuntime({
      config: config.transactionCoordinator,
      log: new CoordinatorLog(TRANSACTION_STATE_TOPIC, context, logger),
      markers: new TxnMarkerWriter({ nodeId: config.nodeId, metadata, context, leaderAddress, peers: this.peers }),
      logger,
      clock,
      abortScanIntervalMs: config.transactionAbortTimedOutTransactionCleanupIntervalMs,
    });
    this.verification = new TxnVerification({
      nodeId: config.nodeId,
      metadata,
      runtime: this.runtime,
      partitionFor: (id) => this.partitionFor(id),
      leaderAddress,
      peers: this.peers,
      logger,
    });
    this.election = new CoordinatorElection(TRANSACTION_STATE_TOPIC, config.nodeId, metadata, advertisedLeader, this.runtime, logger, ELECTION_CHECK_INTERVAL_MS);
  }

  leadershipClaimsChanged(): void {
    this.election.reconcile();
  }

  start(): void {
    this.election.start();
  }

  async stop(): Promise<void> {
    this.election.stop();
    await this.runtime.stop();
    this.peers.close();
  }

  /** The transactional id's __transaction_state partition, when the topic exists. */
  partitionFor(transactionalId: string): number | undefined {
    return this.topic.partitionFor(transactionalId);
  }

  /** partitionFor, waiting a moment for a topic this broker has not applied yet (InternalTopic.partitionForSoon). */
  partitionForSoon(transactionalId: string): Promise<number | undefined> {
    return this.topic.partitionForSoon(transactionalId);
  }
}
