import { FAILURE_DETECTION_DEFAULTS } from '@gregor/common';
import { DEFAULT_TRANSACTION_COORDINATOR_CONFIG, type TransactionCoordinatorConfig } from '@gregor/transaction-coordinator';
import { DEFAULT_GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from '@gregor/group-coordinator';

export interface GrpcListenerConfig {
  name: string;
  /** Where it binds; port 0 picks a free port. */
  host: string;
  port: number;
  /** What the broker registers for it; defaults to the bound host and port. */
  advertisedHost?: string;
  advertisedPort?: number;
}

/** The KAFKA listener (Kafka's binary protocol): where it binds and what the broker registers for it. */
export interface KafkaListenerConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  advertisedHost?: string;
  advertisedPort?: number;
}

/**
 * Broker settings, already validated and typed by the node (which reads
 * Kafka-named keys from file, env and flags). Library users fill it with
 * `defaultBrokerConfig` plus overrides.
 */
export interface BrokerConfig {
  nodeId: number;
  /** Where the gRPC client listener binds; port 0 picks a free port. */
  host: string;
  port: number;
  /** What Metadata advertises; defaults to the bound host and port. */
  advertisedHost?: string;
  advertisedPort?: number;
  /**
   * More gRPC listeners serving the same API (Kafka's listeners beyond the
   * first), e.g. INTERNAL for the traffic between brokers, bound on another
   * port and advertised under another address. Names are unique and not
   * CLIENT (the listener above).
   */
  extraListeners: readonly GrpcListenerConfig[];
  /**
   * `inter.broker.listener.name`: the listener of the leader that followers
   * fetch from. CLIENT by default; INTERNAL where clients and brokers reach
   * a node by different addresses (docker compose, NAT, a load balancer).
   */
  interBrokerListenerName: string;
  /**
   * The KAFKA listener, when the node serves Kafka's binary protocol
   * (src/kafka/). Registered under the name KAFKA beside the gRPC ones, so
   * Metadata and FindCoordinator asked there name every broker's KAFKA
   * address.
   */
  kafkaListener?: KafkaListenerConfig;
  /** `max.connections` (Kafka: unbounded): KAFKA connections open at once; more are closed at once. */
  maxConnections: number;
  /** `max.incremental.fetch.session.cache.slots` (Kafka's 1000): KIP-227 sessions on the KAFKA listener; 0 turns them off. */
  fetchSessionCacheSlots: number;
  /**
   * `queued.max.request.bytes` (Kafka: -1, unbounded): bytes of client
   * requests read and not yet answered, over the KAFKA listener and the gRPC
   * client services together; at the bound the node stops reading requests
   * until answers free bytes. <= 0: unbounded.
   */
  queuedMaxRequestBytes: number;
  /** `connections.max.idle.ms` (Kafka's 600000): a KAFKA connection with nothing in flight and no traffic this long is closed. */
  connectionsMaxIdleMs: number;
  /**
   * Unanswered requests per KAFKA connection (100) before the broker stops
   * reading it: clients pipeline (librdkafka up to 1e6, kafka-python 5 per
   * connection), and answers must go out in request order anyway.
   */
  kafkaMaxInflightRequestsPerConnection: number;
  /**
   * Bytes per KAFKA connection of requests in flight plus responses the
   * client has not read (16 MiB) before the broker stops reading it: a
   * client that never reads costs at most this (plus one request).
   */
  kafkaMaxBufferedBytesPerConnection: number;
  /** `num.partitions`: CreateTopics with -1 partitions. */
  numPartitions: number;
  /** `default.replication.factor`. */
  defaultReplicationFactor: number;
  /** `auto.create.topics.enable`: Metadata may create missing topics. */
  autoCreateTopicsEnable: boolean;
  /** `socket.request.max.bytes`: larger gRPC messages get RESOURCE_EXHAUSTED. */
  socketRequestMaxBytes: number;
  /** Bound on fetches waiting for data; beyond it fetches answer at once. */
  fetchMaxWaitingRequests: number;
  maxPartitionsPerTopic: number;
  /** `log.retention.check.interval.ms`. */
  retentionCheckIntervalMs: number;
  /**
   * `log.cleaner.backoff.ms` (Kafka's default, 15 s): the pause between two
   * compaction passes over the compacted partitions this node hosts. A pass
   * over a partition with nothing new below its high watermark is skipped
   * without reading it.
   */
  logCleanerBackoffMs: number;
  /**
   * Broker-level topic defaults under topic key names (`retention.ms` from
   * `log.retention.ms`, `max.message.bytes` from `message.max.bytes`, …).
   */
  topicDefaults: Readonly<Record<string, string>>;
  /** Shown by DescribeConfigs on the BROKER resource (read-only here). */
  describedBrokerConfigs?: Readonly<Record<string, string>>;
  /** Grace period for in-flight calls on stop before they are cut. */
  shutdownGraceMs: number;

  // ---- replication ----
  /**
   * `replica.lag.time.max.ms`: a follower that has not caught up with the
   * leader's log end for this long leaves the ISR. Kafka's default is 30 s
   * (10 s before 2.5); 5 s here because while a dead follower is still in
   * the ISR every acks=all write waits for it, and the brief asks for fast
   * failover. Followers fetch every `replicaFetchWaitMaxMs` even when idle,
   * so 5 s is still ten idle fetches of slack.
   */
  replicaLagTimeMaxMs: number;
  /** `replica.fetch.max.bytes`: per partition, per follower fetch. */
  replicaFetchMaxBytes: number;
  /** `replica.fetch.response.max.bytes`: per follower fetch response. */
  replicaFetchResponseMaxBytes: number;
  /** `replica.fetch.wait.max.ms`: the follower long-poll. */
  replicaFetchWaitMaxMs: number;
  /** `replica.fetch.min.bytes`. */
  replicaFetchMinBytes: number;
  /** `replica.fetch.backoff.ms`: first delay after a follower fetch error (grows to 1 s). */
  replicaFetchBackoffMs: number;
  /** `replica.socket.timeout.ms`: a follower fetch unanswered this long past its wait is retried. */
  replicaSocketTimeoutMs: number;
  /**
   * `replica.fetch.transport`: 'kafka' sends follower fetches as Kafka Fetch
   * (replica_id) to the leader's KAFKA listener over raw TCP; 'grpc' uses
   * FetchStream. A leader with no KAFKA listener is fetched from over gRPC.
   */
  replicaFetchTransport: 'grpc' | 'kafka';
  /**
   * Bound on acks=all produce partitions waiting for the high watermark. At
   * the limit a produce is refused before anything is written
   * (REQUEST_TIMED_OUT, retriable), so memory and timers stay bounded.
   */
  produceMaxWaitingPartitions: number;
  /** acks=all wait when a produce asks for timeout_ms <= 0 (Kafka's request.timeout.ms default). */
  defaultProduceTimeoutMs: number;
  /**
   * `broker.session.timeout.ms`: a broker whose heartbeats the active
   * controller has not answered for this long has been fenced and its
   * leaderships moved, so it stops claiming them (NOT_LEADER_OR_FOLLOWER,
   * leader -1 in Metadata) until contact is back. Only with a quorum
   * (`MetadataSource.lastHeartbeatAnswer`); 0 turns the step back off.
   */
  brokerSessionTimeoutMs: number;

  // ---- consumer groups ----
  /**
   * `offsets.topic.num.partitions`: partitions of __consumer_offsets, fixed
   * once the topic exists (a group's coordinator is the leader of partition
   * abs(hash(group)) % this). Kafka's default is 50; Gregor's is 10: its
   * clusters are a handful of brokers, and every partition costs a replica
   * state and follower-fetch entry on each of its replicas, a coordinator
   * load on every leader move, and controller work on every failover —
   * while 10 already spreads coordinators over up to 10 brokers.
   */
  offsetsTopicNumPartitions: number;
  /**
   * `offsets.topic.replication.factor` (3), capped at the registered brokers (fenced or not) when the
   * topic is created; creation waits until that many are live (see planOffsetsTopic).
   */
  offsetsTopicReplicationFactor: number;
  /** `offsets.commit.timeout.ms`: how long an offset commit waits for acks=all (5000). */
  offsetsCommitTimeoutMs: number;
  /** group.* and offsets.* coordinator settings (see GroupCoordinatorConfig). */
  groupCoordinator: GroupCoordinatorConfig;
  /**
   * How often a coordinator asks the leaders of committed partitions it does
   * not lead for their high watermarks (gregor_consumer_group_lag; 10000).
   * A value older than 3× this is not reported. No Kafka equivalent: Kafka
   * leaves consumer lag to external tools.
   */
  consumerLagRefreshIntervalMs: number;

  // ---- transactions (KIP-98) ----
  /** `transaction.state.log.num.partitions`: partitions of __transaction_state (Kafka: 50; 10 for the reasons of offsetsTopicNumPartitions). */
  transactionStateLogNumPartitions: number;
  /** `transaction.state.log.replication.factor` (3), capped as offsetsTopicReplicationFactor is. */
  transactionStateLogReplicationFactor: number;
  /** transaction.max.timeout.ms, transactional.id.expiration.ms (see TransactionCoordinatorConfig). */
  transactionCoordinator: TransactionCoordinatorConfig;
  /** `transaction.abort.timed.out.transaction.cleanup.interval.ms` (10000): how often open transactions are checked for their timeout. */
  transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  /**
   * `transaction.partition.verification.enable` (true, Kafka's, KIP-890):
   * a leader checks a producer's first transactional batch on a partition
   * with the coordinator (one round trip to it per partition and
   * transaction) so that no batch outside a known transaction can hang.
   */
  transactionPartitionVerificationEnable: boolean;
}

export function defaultBrokerConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return {
    nodeId: 1,
    host: '127.0.0.1',
    port: 0,
    extraListeners: [],
    interBrokerListenerName: 'CLIENT',
    numPartitions: 1,
    defaultReplicationFactor: 1,
    autoCreateTopicsEnable: false,
    maxConnections: 1000,
    fetchSessionCacheSlots: 1000,
    queuedMaxRequestBytes: 104_857_600,
    connectionsMaxIdleMs: 600_000,
    kafkaMaxInflightRequestsPerConnection: 100,
    kafkaMaxBufferedBytesPerConnection: 16 * 1024 * 1024,
    socketRequestMaxBytes: 104_857_600,
    fetchMaxWaitingRequests: 1000,
    maxPartitionsPerTopic: 10_000,
    retentionCheckIntervalMs: 300_000,
    logCleanerBackoffMs: 15_000,
    topicDefaults: {},
    shutdownGraceMs: 5000,
    replicaLagTimeMaxMs: 5000,
    replicaFetchMaxBytes: 1_048_576,
    replicaFetchResponseMaxBytes: 10_485_760,
    replicaFetchWaitMaxMs: 500,
    replicaFetchMinBytes: 1,
    replicaFetchBackoffMs: 50,
    replicaSocketTimeoutMs: 10_000,
    replicaFetchTransport: 'grpc',
    produceMaxWaitingPartitions: 10_000,
    defaultProduceTimeoutMs: 30_000,
    brokerSessionTimeoutMs: FAILURE_DETECTION_DEFAULTS.brokerSessionTimeoutMs,
    offsetsTopicNumPartitions: 10,
    offsetsTopicReplicationFactor: 3,
    offsetsCommitTimeoutMs: 5000,
    groupCoordinator: { ...DEFAULT_GROUP_COORDINATOR_CONFIG },
    consumerLagRefreshIntervalMs: 10_000,
    transactionStateLogNumPartitions: 10,
    transactionStateLogReplicationFactor: 3,
    transactionCoordinator: { ...DEFAULT_TRANSACTION_COORDINATOR_CONFIG },
    transactionAbortTimedOutTransactionCleanupIntervalMs: 10_000,
    transactionPartitionVerificationEnable: true,
    ...overrides,
  };
}
