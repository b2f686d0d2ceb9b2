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
   * Broker-level topic defaults under topic key names (`retention.ms` from
   * `log.retention.ms`, `max.message.bytes` from `message.max.bytes`, …).
   */
  topicDefaults: Readonly<Record<string, string>>;
  /** Shown by DescribeConfigs on the BROKER resource (read-only here). */
  describedBrokerConfigs?: Readonly<Record<string, string>>;
  /** Grace period for in-flight calls on stop before they are cut. */
  shutdownGraceMs: number;
}

export function defaultBrokerConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return {
    nodeId: 1,
    host: '127.0.0.1',
    port: 0,
    numPartitions: 1,
    defaultReplicationFactor: 1,
    autoCreateTopicsEnable: false,
    socketRequestMaxBytes: 104_857_600,
    fetchMaxWaitingRequests: 1000,
    maxPartitionsPerTopic: 10_000,
    retentionCheckIntervalMs: 300_000,
    topicDefaults: {},
    shutdownGraceMs: 5000,
    ...overrides,
  };
}
