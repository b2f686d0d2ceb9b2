import type { TopicConfigOverrides } from './topic-config';

/**
 * The broker's only view of cluster metadata: which topics exist, which
 * partitions this node leads, with which replicas, leader epoch and ISR, and
 * each topic's config overrides. Here it is answered by LocalMetadataStore;
 * issue 3 answers it from the Raft controller's metadata log, so the broker
 * must not assume anything the controller could not provide (in particular:
 * writes are asynchronous and notifications may arrive later). The broker
 * treats events as hints: on each it re-reads the current view, so a missed
 * or repeated event costs nothing but latency.
 */
/** One advertised listener of a broker, e.g. `INTERNAL://gregor-2:19092`. */
export interface ListenerEndpoint {
  name: string;
  host: string;
  port: number;
}

/** The listener clients connect to, and the default for everything else. */
export const CLIENT_LISTENER = 'CLIENT';

export interface BrokerEndpoint {
  nodeId: number;
  /** The CLIENT listener's advertised address. */
  host: string;
  port: number;
  /**
   * Every gRPC listener the broker advertises (Kafka's advertised.listeners),
   * CLIENT included. Each serves the whole API; a Metadata or
   * FindCoordinator answer names brokers by the listener the request came in
   * on, and followers fetch on `inter.broker.listener.name`. Absent: the
   * broker has the one listener above, which serves everything.
   */
  listeners?: readonly ListenerEndpoint[];
  rack?: string;
  /**
   * The broker epoch of its current registration (KRaft: the metadata offset
   * of its BrokerRegistration record), when known. A leader compares it with
   * the one a follower sends in FetchFromLeader and does not let a stale
   * incarnation into the ISR (KIP-903).
   */
  brokerEpoch?: bigint;
}

/**
 * Broker `b`'s address on `listener`; undefined when it does not advertise
 * that listener (Kafka leaves such brokers out of the Metadata answer).
 */
export function listenerEndpoint(b: BrokerEndpoint, listener: string): { host: string; port: number } | undefined {
  if (b.listeners === undefined) return b;
  return b.listeners.find((l) => l.name === listener);
}

export interface PartitionAssignment {
  partition: number;
  /** -1 when no leader is available. */
  leaderId: number;
  /** Bumped by the controller on every leader change (and only then). */
  leaderEpoch: number;
  replicas: readonly number[];
  /** Always in `replicas` order; contains the leader while there is one. */
  isr: readonly number[];
  /**
   * Bumped by the controller on every change of this partition's leader,
   * ISR or replicas (KIP-497). An AlterPartition names the partition epoch
   * it was computed from; the controller rejects it if that is not current.
   */
  partitionEpoch: number;
}

/** What a partition leader asks the controller to commit (AlterPartition, KIP-497). */
export interface AlterPartitionRequest {
  /** The epoch this broker leads in; must be the current one. */
  leaderEpoch: number;
  /** The partition epoch the new ISR was computed from; must be the current one. */
  partitionEpoch: number;
  /** The whole new ISR, including the leader. */
  isr: readonly number[];
}

export interface TopicMetadataView {
  name: string;
  /** UUID, stable for the topic's life; a re-created topic gets a new one. */
  topicId: string;
  replicationFactor: number;
  partitions: readonly PartitionAssignment[];
  /** Explicitly set topic configs; defaults are the broker's. */
  configs: TopicConfigOverrides;
}

/** A validated creation request: every default already resolved. */
export interface NewTopicSpec {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs: TopicConfigOverrides;
}

export type MetadataEvent =
  | { type: 'topic-created'; topic: TopicMetadataView }
  | { type: 'topic-deleted'; name: string; topicId: string }
  | { type: 'configs-changed'; topic: TopicMetadataView }
  /**
   * The leader, leader epoch, ISR or replicas of `partitions` changed (or
   * partitions were added); `topic` is the view after the change. The broker
   * re-reads those partitions' assignments and moves to the role they say
   * (leader, follower of a new leader, or neither).
   */
  | { type: 'partition-changed'; topic: TopicMetadataView; partitions: readonly number[] };

export interface MetadataSource {
  readonly clusterId: string;
  /** The active controller's node id (-1 when unknown). */
  controllerId(): number;
  /**
   * The active controller's last answer to this broker's heartbeat: how
   * long ago it arrived and whether it said this broker is fenced;
   * undefined before the first answer of the current registration. The
   * broker stops claiming leadership when it has had no unfenced answer
   * for `brokerSessionTimeoutMs` (see replica/quorum-contact.ts). Absent
   * where there is no quorum (a single node's local metadata): such a
   * broker is never cut off.
   */
  lastHeartbeatAnswer?(): { ageMs: number; fenced: boolean; controllerOffset?: number } | undefined;
  /**
   * The metadata offset the local image has applied; with the answer's
   * `controllerOffset` (the active controller's offset when it answered)
   * it tells a broker its metadata is stale (replica/metadata-freshness.ts).
   * Absent without a quorum.
   */
  appliedOffset?(): number;
  /** Registers this broker's client endpoint (KRaft: BrokerRegistration). */
  registerBroker(endpoint: BrokerEndpoint): Promise<void>;
  /** Registered, unfenced brokers: the ones that may lead or join an ISR. */
  liveBrokers(): readonly BrokerEndpoint[];
  /**
   * How many brokers are registered, fenced or not: the cluster's size as
   * opposed to what is up right now. __consumer_offsets is sized by it, so
   * a broker that happens to be down at first use does not shrink the
   * topic's replication factor forever.
   */
  registeredBrokerCount(): number;
  topic(name: string): TopicMetadataView | undefined;
  topics(): readonly TopicMetadataView[];
  /** Throws GregorError TOPIC_ALREADY_EXISTS / INVALID_REPLICATION_FACTOR. */
  createTopic(spec: NewTopicSpec): Promise<TopicMetadataView>;
  /** Throws GregorError UNKNOWN_TOPIC_OR_PARTITION. */
  deleteTopic(name: string): Promise<void>;
  /** Replaces the topic's overrides (already validated). */
  setTopicConfigs(name: string, configs: TopicConfigOverrides): Promise<void>;
  /**
   * Kafka's CreatePartitions for one topic: grows it to `totalCount`
   * partitions (the new total, not the number to add), placed with the
   * topic's replication factor, every replica in the ISR (the new logs are
   * empty). Resolves once `topic()` shows them, after the
   * 'partition-changed' event naming the new partitions, on which each
   * replica opens its log and takes its role. With `validateOnly`, checks
   * and changes nothing. Throws GregorError UNKNOWN_TOPIC_OR_PARTITION,
   * INVALID_PARTITIONS (`totalCount` not larger than the current count, or
   * above the limit), INVALID_REPLICATION_FACTOR (fewer live brokers than
   * the replication factor), retriable NOT_CONTROLLER / REQUEST_TIMED_OUT.
   */
  createPartitions(name: string, totalCount: number, opts?: { validateOnly?: boolean }): Promise<void>;
  /** Returns an unsubscribe function. Listeners must not throw. */
  subscribe(listener: (event: MetadataEvent) => void): () => void;

  // ---- replication (issue 4) ----

  /**
   * The registered endpoint of broker `nodeId`, fenced or not; undefined if
   * it never registered. Followers find their leader's address with it (the
   * replication service is on the CLIENT listener), and look again after a
   * connection failure, since a restarted broker may come back elsewhere.
   */
  brokerEndpoint(nodeId: number): BrokerEndpoint | undefined;
  /** This broker's epoch from its registration; -1n when there is none (single node). */
  localBrokerEpoch(): bigint;
  /**
   * AlterPartition for a partition this broker leads: asks the controller,
   * the only writer of ISR and leadership, to make `request.isr` the ISR.
   * Resolves with the assignment as committed once `topic()` shows it
   * (implementations may batch concurrent calls into one RPC). Rejects with
   * a GregorError, after which the broker drops its proposal and decides
   * again on the next 'partition-changed' event or after a backoff:
   * - FENCED_LEADER_EPOCH: leaderEpoch is not current (leadership moved);
   * - NOT_LEADER_OR_FOLLOWER: this broker does not lead the partition;
   * - INVALID_UPDATE_VERSION: stale partitionEpoch;
   * - INVALID_REQUEST: an ISR without the leader, with non-replicas, or adding a fenced
   *   broker (Kafka's INELIGIBLE_REPLICA);
   * - STALE_BROKER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION;
   * - retriable NOT_CONTROLLER / REQUEST_TIMED_OUT / NETWORK_EXCEPTION.
   */
  alterPartition(topic: string, partition: number, request: AlterPartitionRequest): Promise<PartitionAssignment>;

  // ---- idempotent producers (issue 4) ----

  /**
   * A block of producer ids for this broker to hand out (KIP-730): ids are
   * allocated by the controller, durably, so no id is ever given twice —
   * not across brokers, restarts or controller failovers. The controller
   * decides the block size (Kafka's is 1000). Rejects with a GregorError
   * (retriable NOT_CONTROLLER / REQUEST_TIMED_OUT / NETWORK_EXCEPTION when
   * the controller cannot be reached; STALE_BROKER_EPOCH before this broker
   * is registered).
   */
  allocateProducerIds(): Promise<ProducerIdBlock>;
}

export interface ProducerIdBlock {
  firstProducerId: bigint;
  size: number;
}
