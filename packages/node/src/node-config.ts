import type { LevelDbTuning } from '@gregor/storage';
import * as os from 'node:os';
import {
  ConfigError,
  FAILURE_DETECTION_DEFAULTS,
  LOG_LEVELS,
  loadConfig,
  parseConfigEntries,
  withDefaults,
  type ConfigSchema,
  type ConfigSources,
  type ConfigValue,
  type ConfigValues,
  type LogLevel,
} from '@gregor/common';
import { parseListeners, parseQuorumVoters, type Listener } from './listeners';
import { RECORDS_CONFIG_SCHEMA, recordsSettings, type RecordsSettings } from './records-config';

const check = (fn: (text: string) => unknown) => (value: ConfigValue) => {
  try {
    fn(String(value));
    return undefined;
  } catch (err) {
    return err instanceof ConfigError ? err.message.replace(/^invalid config "[^"]+": /, '') : String(err);
  }
};

/** Node settings, with Kafka's key names where Kafka has the setting. */
export const NODE_CONFIG_SCHEMA: ConfigSchema = {
  'node.id': { type: 'int', min: 0, max: 2_147_483_647, default: 1, doc: 'This node; unique in the cluster.' },
  'process.roles': {
    type: 'list',
    oneOf: ['broker', 'controller'],
    default: ['broker', 'controller'],
    check: (v) => ((v as readonly string[]).length === 0 ? 'must name at least one role' : undefined),
    doc: 'broker and/or controller; the controller runs when controller.quorum.voters is set.',
  },
  'log.dirs': {
    type: 'string',
    default: '/tmp/gregor-logs',
    check: (v) => (String(v) === '' ? 'must name a directory' : String(v).includes(',') ? 'only one data directory is supported' : undefined),
    doc: 'Data directory: partition logs and metadata.',
  },
  listeners: {
    type: 'string',
    default: 'CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9192,HTTP://127.0.0.1:9292',
    check: check((t) => parseListeners('listeners', t)),
    doc: 'NAME://host:port,… for CLIENT, INTERNAL (a second gRPC listener, e.g. for replication), CONTROLLER, HTTP and KAFKA (Kafka\'s binary protocol).',
  },
  'advertised.listeners': {
    type: 'string',
    default: '',
    check: check((t) => parseListeners('advertised.listeners', t)),
    doc: 'What other nodes and clients are told for each gRPC listener; a listener not named here advertises its bound address (0.0.0.0 becomes the hostname).',
  },
  'inter.broker.listener.name': {
    type: 'string',
    oneOf: ['CLIENT', 'INTERNAL'],
    default: 'CLIENT',
    doc: 'The listener followers fetch from the leader on. INTERNAL where clients and brokers reach a node by different addresses (docker compose).',
  },
  'controller.quorum.voters': {
    type: 'string',
    default: '',
    check: check((t) => parseQuorumVoters('controller.quorum.voters', t)),
    doc: 'id@host:port,… of the Raft controller quorum. Empty: single-node mode with a local metadata file (no controller).',
  },
  'controller.quorum.election.timeout.ms': {
    type: 'int',
    min: 10,
    default: FAILURE_DETECTION_DEFAULTS.controllerElectionTimeoutMs,
    doc:
      'Base Raft election timeout; each wait is drawn from [T, 2T) as in KRaft (KRaft: 1000). 500 ms = 10 Raft heartbeats: a dead active ' +
      'controller is replaced in well under a second; a voter stalled for longer than this (GC, an overloaded host) causes an election.',
  },
  'controller.quorum.tick.interval.ms': {
    type: 'int',
    min: 1,
    default: FAILURE_DETECTION_DEFAULTS.controllerTickIntervalMs,
    doc:
      'Gregor: the Raft driver tick, which is also the Raft heartbeat interval: the leader heartbeats its followers every tick ' +
      '(there is no separate heartbeat key). Election timeouts are counted in ticks, so controller.quorum.election.timeout.ms ' +
      'must be at least two ticks.',
  },
  'broker.heartbeat.interval.ms': {
    type: 'int',
    min: 1,
    default: FAILURE_DETECTION_DEFAULTS.brokerHeartbeatIntervalMs,
    doc: 'How often a broker heartbeats to the active controller (Kafka: 2000). 125 ms = 6 heartbeats per session, so a few lost or slow ones do not fence a broker.',
  },
  'broker.session.timeout.ms': {
    type: 'int',
    min: 1,
    default: FAILURE_DETECTION_DEFAULTS.brokerSessionTimeoutMs,
    doc:
      'A broker without a heartbeat for this long is fenced and its leaderships move (Kafka: 9000). 750 ms = 6 missed heartbeats: ' +
      'partitions of a dead leader are writable elsewhere within about a second, and acks=all stops waiting for a dead follower as soon; ' +
      'a stalled controller or broker forgives its own stall, so a GC pause does not fence healthy brokers. ' +
      'A broker whose heartbeats have gone unanswered this long stops claiming leadership (NOT_LEADER_OR_FOLLOWER) until contact is back.',
  },
  'metadata.snapshot.interval.entries': {
    type: 'int',
    min: 1,
    default: 1000,
    doc: 'Gregor: applied metadata entries between snapshots of the metadata image (the log behind them is compacted).',
  },
  'cluster.id': { type: 'string', default: null, doc: 'Must match the id stored in the data dir; generated on first start when absent.' },
  'num.partitions': { type: 'int', min: 1, max: 10_000, default: 1, doc: 'Partitions of a topic created with -1 or auto-created.' },
  'default.replication.factor': { type: 'int', min: 1, max: 32_767, default: 1, doc: 'Replication factor for -1 and auto-created topics.' },
  'min.insync.replicas': { type: 'int', min: 1, default: 1, doc: 'Default min.insync.replicas of topics.' },
  'auto.create.topics.enable': { type: 'boolean', default: false, doc: 'Metadata requests may create missing topics.' },
  'message.max.bytes': { type: 'int', min: 0, default: 1_048_588, doc: 'Default max.message.bytes of topics.' },
  'socket.request.max.bytes': { type: 'int', min: 1024, max: 2_147_483_647, default: 104_857_600, doc: 'Largest request message (gRPC and KAFKA).' },
  'max.connections': {
    type: 'int',
    min: 1,
    max: 1_000_000,
    default: 1000,
    doc: 'KAFKA connections open at once; more are closed at once (Kafka: unbounded; bounded here so a client opening thousands of sockets cannot exhaust memory or file descriptors).',
  },
  'queued.max.request.bytes': {
    type: 'long',
    min: -1,
    default: 104_857_600,
    doc: 'Bytes of client requests read and not yet answered, KAFKA and gRPC together; at the bound the node stops reading requests (TCP / HTTP/2 back-pressure) until answers free bytes. A request is admitted whenever the node is below it, so one may pass it by its own size. -1 or 0: unbounded (Kafka\'s default is -1).',
  },
  'max.incremental.fetch.session.cache.slots': {
    type: 'int',
    min: 0,
    max: 1_000_000,
    default: 1000,
    doc: 'Incremental fetch sessions (KIP-227) the KAFKA listener keeps; at the bound a new session takes the slot of one idle for 2 minutes, else the client fetches without one (0: no sessions).',
  },
  'connections.max.idle.ms': { type: 'long', min: 1, max: 2_147_483_647, default: 600_000, doc: 'A KAFKA connection with nothing in flight and no traffic this long is closed.' },
  'log.retention.ms': { type: 'long', min: -1, default: 604_800_000, doc: 'Default retention.ms of topics.' },
  'log.retention.bytes': { type: 'long', min: -1, default: -1, doc: 'Default retention.bytes of topics.' },
  'log.retention.check.interval.ms': { type: 'long', min: 1, default: 300_000, doc: 'How often retention runs.' },
  'log.sync.writes': { type: 'boolean', default: false, doc: 'fsync every append (survives power loss; slower).' },
  'log.tail.cache.bytes': {
    type: 'long',
    min: 0,
    default: 67_108_864,
    doc: 'Memory for the newest batches of all partitions, so followers and consumers at the log end are served without reading LevelDB (0: off).',
  },
  'log.write.queue.max.bytes': {
    type: 'long',
    min: 1_048_576,
    default: 67_108_864,
    doc: 'Memory for appends waiting behind the LevelDB write in flight; beyond it produce requests fail with the retriable REQUEST_TIMED_OUT (back-pressure).',
  },
  'log.store.write.buffer.bytes': {
    type: 'long',
    min: 1_048_576,
    max: 1_073_741_824,
    default: 67_108_864,
    doc: 'LevelDB memtable size: writes gather in memory up to this before they become a table file; up to two are in memory (one filling, one being written).',
  },
  'log.store.block.cache.bytes': {
    type: 'long',
    min: 0,
    max: 1_073_741_824,
    default: 8_388_608,
    doc: 'LevelDB block cache (mostly idle: uncompressed tables are read through mmap, i.e. the page cache).',
  },
  'log.store.max.open.files': {
    type: 'int',
    min: 74,
    max: 50_000,
    default: 1000,
    doc: 'LevelDB table files kept open (and mmapped); more are opened and closed as reads need them.',
  },
  'log.store.max.file.bytes': {
    type: 'long',
    min: 1_048_576,
    max: 1_073_741_824,
    default: 33_554_432,
    doc: 'LevelDB table file size: larger tables mean fewer files and compactions, but each compaction rewrites more at once.',
  },
  'log.cleaner.backoff.ms': { type: 'long', min: 1, default: 15_000, doc: 'How often compaction of cleanup.policy=compact topics runs.' },
  'log.cleaner.min.cleanable.ratio': {
    type: 'double',
    min: 0,
    max: 1,
    default: 0.5,
    doc: 'Default min.cleanable.dirty.ratio of topics: a compaction pass runs once the bytes written since the last one are this share of the log.',
  },
  'log.cleaner.delete.retention.ms': { type: 'long', min: 0, default: 86_400_000, doc: 'Default delete.retention.ms of topics: how long compaction keeps tombstones.' },
  'producer.id.expiration.ms': {
    type: 'long',
    min: 1,
    default: 86_400_000,
    doc: 'Idempotent-producer state of a partition is forgotten once the producer has been silent this long (checked with retention).',
  },
  'debug.latency.trace': {
    type: 'boolean',
    default: false,
    doc:
      'Gregor: trace latency — per-stage timings of every produce on its leader, event-loop delay and GC pauses — served (and reset) ' +
      'at the HTTP listener\'s /debug/latency, for pnpm bench. Off: nothing is recorded; on: a 10 ms timer and a few timestamps per produce.',
  },
  'debug.latency.timeline.dir': {
    type: 'string',
    default: '',
    doc:
      'Gregor: an existing directory where the node writes its debug timeline (timeline-<pid>.jsonl: replication messages, storage writes, ' +
      'high-watermark moves, on the host monotonic clock; see @gregor/common debug-timeline.ts), for pnpm bench --timeline. Empty: off.',
  },
  'log.level': { type: 'string', oneOf: LOG_LEVELS, default: 'info', doc: 'Log level.' },
  'fetch.max.waiting.requests': { type: 'int', min: 0, default: 1000, doc: 'Bound on long-polling fetches; beyond it fetches answer at once.' },
  'replica.lag.time.max.ms': {
    type: 'int',
    min: 1,
    default: 5000,
    doc: 'A follower not caught up for this long leaves the ISR (Kafka: 30000; shorter so acks=all stops waiting for a dead follower sooner).',
  },
  'replica.fetch.max.bytes': { type: 'int', min: 1, default: 1_048_576, doc: 'Follower fetch budget per partition.' },
  'replica.fetch.response.max.bytes': { type: 'int', min: 1, default: 10_485_760, doc: 'Follower fetch budget per response.' },
  'replica.fetch.wait.max.ms': { type: 'int', min: 0, default: 500, doc: 'How long a leader holds a follower fetch with nothing new.' },
  'replica.fetch.min.bytes': { type: 'int', min: 0, default: 1, doc: 'Bytes a follower fetch waits for.' },
  'replica.fetch.backoff.ms': { type: 'int', min: 1, default: 50, doc: 'First delay after a follower fetch error, doubling to 1 s (Kafka: 1000 flat).' },
  'replica.fetch.transport': {
    type: 'string',
    oneOf: ['grpc', 'kafka'],
    // gRPC by default: 'kafka' fetches from the address the KAFKA listener advertises to clients, which
    // need not be reachable between brokers (docker compose maps it to host ports) — see docs/DESIGN.md §7.
    default: 'grpc',
    doc: "How followers fetch: 'grpc' (FetchStream on the inter-broker listener) or 'kafka' (Fetch with replica_id on the leader's KAFKA listener over raw TCP, as Kafka does; gRPC where the leader has none).",
  },
  'replica.socket.timeout.ms': { type: 'int', min: 1, default: 10_000, doc: 'A follower fetch unanswered this long past its wait is retried.' },
  'unclean.leader.election.enable': { type: 'boolean', default: false, doc: 'Default unclean.leader.election.enable of topics.' },
  'offsets.topic.num.partitions': {
    type: 'int',
    min: 1,
    max: 1000,
    default: 10,
    doc: 'Partitions of __consumer_offsets, fixed once it exists (Kafka: 50; fewer here since every partition costs replica and failover work on small clusters).',
  },
  'offsets.topic.replication.factor': { type: 'int', min: 1, default: 3, doc: 'Replication factor of __consumer_offsets, capped at the live brokers when it is created.' },
  'offsets.commit.timeout.ms': { type: 'int', min: 1, default: 5000, doc: 'How long an offset commit waits for acks=all.' },
  'transaction.state.log.num.partitions': {
    type: 'int',
    min: 1,
    max: 1000,
    default: 10,
    doc: 'Partitions of __transaction_state, fixed once it exists (Kafka: 50; fewer for the reasons of offsets.topic.num.partitions).',
  },
  'transaction.state.log.replication.factor': { type: 'int', min: 1, default: 3, doc: 'Replication factor of __transaction_state, capped at the live brokers when it is created.' },
  'transaction.max.timeout.ms': { type: 'int', min: 1, default: 900_000, doc: 'Largest transaction.timeout.ms a transactional producer may ask for.' },
  'transactional.id.expiration.ms': { type: 'long', min: 1, default: 604_800_000, doc: 'A transactional id without a transaction for this long is forgotten.' },
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': {
    type: 'int',
    min: 1,
    default: 10_000,
    doc: 'How often open transactions are checked against their timeout (and aborted by the coordinator past it).',
  },
  'transaction.partition.verification.enable': {
    type: 'boolean',
    default: true,
    doc: 'KIP-890: a leader checks a producer\'s first transactional batch on a partition with the transaction coordinator (refused with INVALID_TXN_STATE when the partition is not in the transaction). Off: one round trip less per partition and transaction, no defence against hanging transactions.',
  },
  'offsets.retention.minutes': { type: 'int', min: 1, default: 10_080, doc: 'Offsets of a group without members are dropped this long after it emptied.' },
  'offsets.retention.check.interval.ms': { type: 'long', min: 1, default: 600_000, doc: 'How often expired offsets are looked for.' },
  'offset.metadata.max.bytes': { type: 'int', min: 0, default: 4096, doc: 'Longest metadata string of an offset commit.' },
  'group.min.session.timeout.ms': { type: 'int', min: 1, default: 6000, doc: 'Smallest session.timeout.ms a consumer may ask for.' },
  'group.max.session.timeout.ms': { type: 'int', min: 1, default: 1_800_000, doc: 'Largest session.timeout.ms a consumer may ask for.' },
  'group.initial.rebalance.delay.ms': { type: 'int', min: 0, default: 3000, doc: 'How long a new group waits for more members before its first rebalance (0 for development).' },
  'group.max.size': { type: 'int', min: 1, default: 1000, doc: 'Members per group (Kafka: unbounded).' },
  'auto.leader.rebalance.enable': {
    type: 'boolean',
    default: true,
    doc: 'The active controller gives leadership back to each partition\'s preferred replica once it is unfenced and in the ISR.',
  },
  'leader.imbalance.check.interval.seconds': {
    type: 'int',
    min: 1,
    max: 86_400,
    default: 10,
    doc: 'How often the active controller looks for partitions not led by their preferred replica (Kafka: 300; short so leaders spread again soon after a restart).',
  },
  ...RECORDS_CONFIG_SCHEMA,
};

export interface NodeConfig {
  nodeId: number;
  roles: readonly ('broker' | 'controller')[];
  dataDir: string;
  listeners: readonly Listener[];
  /** One per listener: the advertised.listeners entry, else the bound address. */
  advertisedListeners: readonly Listener[];
  interBrokerListenerName: 'CLIENT' | 'INTERNAL';
  quorumVoters: readonly { id: number; host: string; port: number }[];
  controllerElectionTimeoutMs: number;
  controllerTickIntervalMs: number;
  brokerHeartbeatIntervalMs: number;
  brokerSessionTimeoutMs: number;
  metadataSnapshotIntervalEntries: number;
  clusterId: string | undefined;
  numPartitions: number;
  defaultReplicationFactor: number;
  minInsyncReplicas: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicReplicationFactor: number;
  transactionStateLogNumPartitions: number;
  transactionStateLogReplicationFactor: number;
  transactionMaxTimeoutMs: number;
  transactionalIdExpirationMs: number;
  transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  transactionPartitionVerificationEnable: boolean;
  offsetsCommitTimeoutMs: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;
  autoCreateTopicsEnable: boolean;
  messageMaxBytes: number;
  socketRequestMaxBytes: number;
  maxConnections: number;
  fetchSessionCacheSlots: number;
  queuedMaxRequestBytes: number;
  connectionsMaxIdleMs: number;
  logRetentionMs: number;
  logRetentionBytes: number;
  logRetentionCheckIntervalMs: number;
  logCleanerBackoffMs: number;
  logCleanerDeleteRetentionMs: number;
  logCleanerMinCleanableRatio: number;
  logSyncWrites: boolean;
  logTailCacheBytes: number;
  logWriteQueueMaxBytes: number;
  /** LevelDB's share of the memory budget (log.store.*). */
  logStore: LevelDbTuning;
  producerIdExpirationMs: number;
  logLevel: LogLevel;
  debugLatencyTrace: boolean;
  /** '' when off. */
  debugLatencyTimelineDir: string;
  fetchMaxWaitingRequests: number;
  replicaLagTimeMaxMs: number;
  replicaFetchMaxBytes: number;
  replicaFetchResponseMaxBytes: number;
  replicaFetchWaitMaxMs: number;
  replicaFetchMinBytes: number;
  replicaFetchBackoffMs: number;
  replicaSocketTimeoutMs: number;
  replicaFetchTransport: 'grpc' | 'kafka';
  uncleanLeaderElectionEnable: boolean;
  autoLeaderRebalanceEnable: boolean;
  leaderImbalanceCheckIntervalSeconds: number;
  /** gregor.v1.Records' bounds and defaults (records.*). */
  records: RecordsSettings;
  /** Every key with its effective value, for logging and DescribeConfigs. */
  raw: Readonly<Record<string, string>>;
}

/** Typed view of validated values; cross-key checks name the key too. */
export function toNodeConfig(v: ConfigValues): NodeConfig {
  const roles = v['process.roles'] as NodeConfig['roles'];
  const listeners = parseListeners('listeners', v['listeners'] as string);
  if (roles.includes('broker') && !listeners.some((l) => l.name === 'CLIENT')) {
    throw new ConfigError('listeners', 'process.roles includes broker but there is no CLIENT listener');
  }
  const voters = parseQuorumVoters('controller.quorum.voters', v['controller.quorum.voters'] as string);
  const nodeId = v['node.id'] as number;
  if (new Set(voters.map((x) => x.id)).size !== voters.length) throw new ConfigError('controller.quorum.voters', 'a voter id is listed twice');
  if (voters.length > 0 && roles.includes('controller')) {
    const self = voters.find((x) => x.id === nodeId);
    if (self === undefined) throw new ConfigError('controller.quorum.voters', `process.roles includes controller but node.id ${nodeId} is not a voter`);
    const listener = listeners.find((l) => l.name === 'CONTROLLER');
    if (listener === undefined) throw new ConfigError('listeners', 'process.roles includes controller but there is no CONTROLLER listener');
    if (listener.port !== 0 && listener.port !== self.port) {
      throw new ConfigError('listeners', `the CONTROLLER listener port ${listener.port} differs from this node's voter port ${self.port} in controller.quorum.voters`);
    }
  }
  if ((v['group.min.session.timeout.ms'] as number) > (v['group.max.session.timeout.ms'] as number)) {
    throw new ConfigError('group.min.session.timeout.ms', 'must not exceed group.max.session.timeout.ms');
  }
  const tick = v['controller.quorum.tick.interval.ms'] as number;
  if ((v['controller.quorum.election.timeout.ms'] as number) < 2 * tick) {
    throw new ConfigError('controller.quorum.election.timeout.ms', `must be at least two ticks (controller.quorum.tick.interval.ms=${tick})`);
  }
  const interBrokerListenerName = v['inter.broker.listener.name'] as 'CLIENT' | 'INTERNAL';
  if (roles.includes('broker') && !listeners.some((l) => l.name === interBrokerListenerName)) {
    throw new ConfigError('inter.broker.listener.name', `there is no ${interBrokerListenerName} listener in listeners`);
  }
  // Kafka: an advertised listener must be one that is bound.
  const given = parseListeners('advertised.listeners', v['advertised.listeners'] as string);
  for (const a of given) {
    if (!listeners.some((l) => l.name === a.name)) throw new ConfigError('advertised.listeners', `${a.name} is advertised but not in listeners`);
  }
  const advertised = listeners.map(
    (l) => given.find((a) => a.name === l.name) ?? { ...l, host: l.host === '' || l.host === '0.0.0.0' || l.host === '::' ? os.hostname() : l.host },
  );
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    if (value !== null) raw[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  const clusterId = v['cluster.id'];
  return {
    nodeId,
    roles,
    dataDir: v['log.dirs'] as string,
    listeners,
    advertisedListeners: advertised,
    interBrokerListenerName,
    quorumVoters: voters,
    controllerElectionTimeoutMs: v['controller.quorum.election.timeout.ms'] as number,
    controllerTickIntervalMs: tick,
    brokerHeartbeatIntervalMs: v['broker.heartbeat.interval.ms'] as number,
    brokerSessionTimeoutMs: v['broker.session.timeout.ms'] as number,
    metadataSnapshotIntervalEntries: v['metadata.snapshot.interval.entries'] as number,
    clusterId: typeof clusterId === 'string' && clusterId !== '' ? clusterId : undefined,
    numPartitions: v['num.partitions'] as number,
    defaultReplicationFactor: v['default.replication.factor'] as number,
    minInsyncReplicas: v['min.insync.replicas'] as number,
    offsetsTopicNumPartitions: v['offsets.topic.num.partitions'] as number,
    offsetsTopicReplicationFactor: v['offsets.topic.replication.factor'] as number,
    transactionStateLogNumPartitions: v['transaction.state.log.num.partitions'] as number,
    transactionStateLogReplicationFactor: v['transaction.state.log.replication.factor'] as number,
    transactionMaxTimeoutMs: v['transaction.max.timeout.ms'] as number,
    transactionalIdExpirationMs: v['transactional.id.expiration.ms'] as number,
    transactionAbortTimedOutTransactionCleanupIntervalMs: v['transaction.abort.timed.out.transaction.cleanup.interval.ms'] as number,
    transactionPartitionVerificationEnable: v['transaction.partition.verification.enable'] as boolean,
    offsetsCommitTimeoutMs: v['offsets.commit.timeout.ms'] as number,
    offsetsRetentionMs: (v['offsets.retention.minutes'] as number) * 60_000,
    offsetsRetentionCheckIntervalMs: v['offsets.retention.check.interval.ms'] as number,
    offsetMetadataMaxBytes: v['offset.metadata.max.bytes'] as number,
    groupMinSessionTimeoutMs: v['group.min.session.timeout.ms'] as number,
    groupMaxSessionTimeoutMs: v['group.max.session.timeout.ms'] as number,
    groupInitialRebalanceDelayMs: v['group.initial.rebalance.delay.ms'] as number,
    groupMaxSize: v['group.max.size'] as number,
    autoCreateTopicsEnable: v['auto.create.topics.enable'] as boolean,
    messageMaxBytes: v['message.max.bytes'] as number,
    socketRequestMaxBytes: v['socket.request.max.bytes'] as number,
    maxConnections: v['max.connections'] as number,
    fetchSessionCacheSlots: v['max.incremental.fetch.session.cache.slots'] as number,
    queuedMaxRequestBytes: v['queued.max.request.bytes'] as number,
    connectionsMaxIdleMs: v['connections.max.idle.ms'] as number,
    logRetentionMs: v['log.retention.ms'] as number,
    logRetentionBytes: v['log.retention.bytes'] as number,
    logRetentionCheckIntervalMs: v['log.retention.check.interval.ms'] as number,
    logCleanerBackoffMs: v['log.cleaner.backoff.ms'] as number,
    logCleanerDeleteRetentionMs: v['log.cleaner.delete.retention.ms'] as number,
    logCleanerMinCleanableRatio: v['log.cleaner.min.cleanable.ratio'] as number,
    logSyncWrites: v['log.sync.writes'] as boolean,
    logTailCacheBytes: v['log.tail.cache.bytes'] as number,
    logWriteQueueMaxBytes: v['log.write.queue.max.bytes'] as number,
    logStore: {
      writeBufferBytes: v['log.store.write.buffer.bytes'] as number,
      blockCacheBytes: v['log.store.block.cache.bytes'] as number,
      maxOpenFiles: v['log.store.max.open.files'] as number,
      maxFileBytes: v['log.store.max.file.bytes'] as number,
    },
    producerIdExpirationMs: v['producer.id.expiration.ms'] as number,
    logLevel: v['log.level'] as LogLevel,
    debugLatencyTrace: v['debug.latency.trace'] as boolean,
    debugLatencyTimelineDir: v['debug.latency.timeline.dir'] as string,
    fetchMaxWaitingRequests: v['fetch.max.waiting.requests'] as number,
    replicaLagTimeMaxMs: v['replica.lag.time.max.ms'] as number,
    replicaFetchMaxBytes: v['replica.fetch.max.bytes'] as number,
    replicaFetchResponseMaxBytes: v['replica.fetch.response.max.bytes'] as number,
    replicaFetchWaitMaxMs: v['replica.fetch.wait.max.ms'] as number,
    replicaFetchMinBytes: v['replica.fetch.min.bytes'] as number,
    replicaFetchBackoffMs: v['replica.fetch.backoff.ms'] as number,
    replicaSocketTimeoutMs: v['replica.socket.timeout.ms'] as number,
    replicaFetchTransport: v['replica.fetch.transport'] as 'grpc' | 'kafka',
    uncleanLeaderElectionEnable: v['unclean.leader.election.enable'] as boolean,
    autoLeaderRebalanceEnable: v['auto.leader.rebalance.enable'] as boolean,
    leaderImbalanceCheckIntervalSeconds: v['leader.imbalance.check.interval.seconds'] as number,
    records: recordsSettings(v),
    raw,
  };
}

/** file < GREGOR_* env < flags; throws ConfigError naming the key. */
export function loadNodeConfig(sources: ConfigSources): NodeConfig {
  return toNodeConfig(loadConfig(NODE_CONFIG_SCHEMA, sources));
}

/** For in-process use: Kafka-named settings, validated like the file. */
export function nodeConfig(settings: Readonly<Record<string, string | number | boolean>>): NodeConfig {
  const raw = Object.fromEntries(Object.entries(settings).map(([k, val]) => [k, String(val)]));
  return toNodeConfig(withDefaults(NODE_CONFIG_SCHEMA, parseConfigEntries(NODE_CONFIG_SCHEMA, raw)));
}
