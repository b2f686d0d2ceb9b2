import type { Clock, Logger } from '@gregor/common';
import type { AppendSignals } from './append-signals';
import type { BrokerConfig } from './broker-config';
import type { GroupCoordination } from './coordinator/group-coordination';
import type { TransactionCoordination } from './coordinator/transaction-coordination';
import type { FetchPurgatory } from './fetch-purgatory';
import type { MetadataSource, TopicMetadataView } from './metadata-source';
import type { BrokerObserver } from './observer';
import type { ProducerIdManager } from './producer-id-manager';
import type { ProduceTrace } from './produce-trace';
import type { ProducePurgatory } from './replica/produce-purgatory';
import type { ReplicaFetchSessions } from './replica/replica-fetch-sessions';
import type { ReplicaManager } from './replica/replica-manager';
import type { LogStorePort } from './storage-port';
import { effectiveTopicConfig, type TopicConfig } from './topic-config';

/** Everything a handler may use; built once by the Broker. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  /** Broker defaults merged over Kafka's, under topic key names. */
  readonly topicDefaults: Readonly<Record<string, string>>;
  readonly metadata: MetadataSource;
  readonly store: LogStorePort;
  /** Roles of hosted partitions; `leaderFor` is how handlers reach a led partition's log. */
  readonly replicas: ReplicaManager;
  readonly purgatory: FetchPurgatory;
  /** acks=all produces waiting for the high watermark. */
  readonly producePurgatory: ProducePurgatory;
  /** The group coordinator: __consumer_offsets and the shards this broker leads. */
  readonly groups: GroupCoordination;
  /** The transaction coordinator: __transaction_state and the shards this broker leads. */
  readonly transactions: TransactionCoordination;
  /** Appends per partition, for idempotent batches held until their predecessors arrive. */
  readonly appendSignals: AppendSignals;
  /** Producer ids for InitProducerId, from controller-allocated blocks. */
  readonly producerIds: ProducerIdManager;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly observer: BrokerObserver;
  readonly topicConfigs: TopicConfigCache;
  /** Incremental fetch sessions (KIP-227) of the followers fetching from this leader. */
  readonly replicaFetchSessions: ReplicaFetchSessions;
  /** Per-stage produce timings, when the node traces latency (else undefined: one check per produce). */
  readonly produceTrace: ProduceTrace | undefined;
  isStopping(): boolean;
  /** Keeps `work` in the set that stop() waits for (e.g. acks=0 appends). */
  track<T>(work: Promise<T>): Promise<T>;
}

/**
 * Effective topic configs, parsed once per metadata snapshot. Views are
 * immutable snapshots replaced on change, so identity tells staleness.
 */
export class TopicConfigCache {
  private readonly cache = new WeakMap<TopicMetadataView, TopicConfig>();

  constructor(private readonly defaults: Readonly<Record<string, string>>) {}

  get(view: TopicMetadataView): TopicConfig {
    let config = this.cache.get(view);
    if (config === undefined) {
      config = effectiveTopicConfig(this.defaults, view.configs);
      this.cache.set(view, config);
    }
    return config;
  }
}
