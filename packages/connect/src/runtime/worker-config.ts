import { ConfigError, LOG_LEVELS, type LogLevel } from '@gregor/common';
import { ConfigDef, cfg } from '../api/config-def';
import type { Props } from '../api/connector';
import type { RestartPolicy } from './restart-policy';
import { HMAC_ALGORITHMS, type HmacAlgorithm, type InterWorkerSettings } from './session-key';

/**
 * The worker's own settings, with Kafka Connect's key names where one exists
 * (`bootstrap.servers` lists Gregor's client listeners). Keys not defined here
 * (e.g. `key.converter.schemas.enable`, `producer.*`) are passed on.
 */
export const WORKER_CONFIG = new ConfigDef({
  'bootstrap.servers': { type: 'list', default: ['127.0.0.1:9092'], importance: 'HIGH', doc: 'Gregor client listeners (host:port, comma-separated).' },
  'key.converter': { type: 'string', default: 'org.apache.kafka.connect.json.JsonConverter', importance: 'HIGH', doc: 'Default key converter.' },
  'value.converter': { type: 'string', default: 'org.apache.kafka.connect.json.JsonConverter', importance: 'HIGH', doc: 'Default value converter.' },
  'metadata.max.age.ms': {
    type: 'long', default: 30000, min: 100, importance: 'LOW',
    doc: "How often metadata is refreshed, which is also how soon a sink notices a topic created after it subscribed (Kafka's default is 300000; 30000 here so a sink started before its source's first record does not wait 5 minutes).",
  },
  'offset.storage.file.filename': { type: 'string', default: '', importance: 'HIGH', doc: 'Standalone mode: the file source offsets are kept in ("" keeps them in memory only).' },
  'offset.flush.interval.ms': { type: 'long', default: 60000, min: 1, importance: 'LOW', doc: 'How often source offsets are stored and sink offsets committed (after flush).' },
  listeners: { type: 'list', default: ['http://:8083'], importance: 'LOW', doc: 'REST listener(s); the first is used. Port 0 picks a free port.' },
  'rest.advertised.host.name': { type: 'string', default: '', importance: 'LOW', doc: 'The host name in worker ids (default: the listener host or 127.0.0.1).' },
  'task.restart.backoff.initial.ms': { type: 'long', default: 1000, min: 1, importance: 'LOW', doc: 'First wait before a failed task or connector is restarted automatically.' },
  'task.restart.backoff.max.ms': { type: 'long', default: 60000, min: 1, importance: 'LOW', doc: 'Longest wait between automatic restarts.' },
  'task.restart.max.attempts': { type: 'int', default: 10, min: 0, importance: 'LOW', doc: 'Consecutive automatic restarts before a task stays FAILED (0: never restart automatically).' },
  'task.shutdown.graceful.timeout.ms': { type: 'long', default: 5000, min: 0, importance: 'LOW', doc: 'How long stopping a task may take before it is abandoned.' },
  'log.level': { type: 'string', default: 'info', oneOf: LOG_LEVELS, importance: 'LOW', doc: 'Log level.' },
});

export interface WorkerSettings {
  readonly props: Props;
  readonly bootstrap: string[];
  readonly offsetFile: string | undefined;
  readonly offsetFlushIntervalMs: number;
  readonly metadataMaxAgeMs: number;
  readonly listener: { host: string; port: number };
  readonly advertisedHost: string;
  readonly restart: RestartPolicy;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** Exactly-once source (KIP-618, distributed only): each source task's transactional.id is `<prefix><connector>-<task>`. */
  readonly exactlyOnceSource?: { readonly transactionalIdPrefix: string };
}

/** Parses worker properties; throws ConfigValidationError naming every problem. */
export function parseWorkerConfig(props: Props): WorkerSettings {
  const v = WORKER_CONFIG.parse(props);
  const listener = parseListener(cfg.list(v, 'listeners')[0] ?? 'http://:8083');
  const max = cfg.int(v, 'task.restart.backoff.max.ms');
  return {
    props,
    bootstrap: cfg.list(v, 'bootstrap.servers'),
    offsetFile: cfg.optStr(v, 'offset.storage.file.filename'),
    offsetFlushIntervalMs: cfg.int(v, 'offset.flush.interval.ms'),
    metadataMaxAgeMs: cfg.int(v, 'metadata.max.age.ms'),
    listener,
    advertisedHost: cfg.optStr(v, 'rest.advertised.host.name') ?? (listener.host === '' || listener.host === '0.0.0.0' ? '127.0.0.1' : listener.host),
    restart: {
      initialMs: cfg.int(v, 'task.restart.backoff.initial.ms'),
      maxMs: max,
      maxAttempts: cfg.int(v, 'task.restart.max.attempts'),
      healthyAfterMs: max,
    },
    shutdownTimeoutMs: cfg.int(v, 'task.shutdown.graceful.timeout.ms'),
    logLevel: cfg.str(v, 'log.level') as WorkerSettings['logLevel'],
  };
}

function parseListener(text: string): { host: string; port: number } {
  const m = /^(?:https?:\/\/)?([^:/]*):(\d+)\/?$/i.exec(text.trim());
  if (m === null) throw new Error(`listeners: expected http://host:port, got "${text}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Distributed mode's extra keys (Kafka's names and defaults, except the 3 s session timeout Connect also uses for workers: 10 s). */
export const DISTRIBUTED_CONFIG = new ConfigDef({
  'group.id': { type: 'string', importance: 'HIGH', doc: 'The Connect cluster: workers with the same group.id share connectors and tasks.' },
  'config.storage.topic': { type: 'string', default: 'connect-configs', importance: 'HIGH', doc: 'Compacted topic (1 partition) with connector and task configs and target states.' },
  'offset.storage.topic': { type: 'string', default: 'connect-offsets', importance: 'HIGH', doc: 'Compacted topic with source offsets.' },
  'offset.storage.partitions': { type: 'int', default: 25, min: 1, importance: 'LOW', doc: 'Partitions of the offset topic when it is created.' },
  'status.storage.topic': { type: 'string', default: 'connect-status', importance: 'HIGH', doc: 'Compacted topic with connector and task states.' },
  'status.storage.partitions': { type: 'int', default: 5, min: 1, importance: 'LOW', doc: 'Partitions of the status topic when it is created.' },
  'config.storage.replication.factor': { type: 'int', default: -1, importance: 'LOW', doc: 'Replication factor of the config topic when created (-1: min(3, brokers)).' },
  'offset.storage.replication.factor': { type: 'int', default: -1, importance: 'LOW', doc: 'Replication factor of the offset topic when created (-1: min(3, brokers)).' },
  'status.storage.replication.factor': { type: 'int', default: -1, importance: 'LOW', doc: 'Replication factor of the status topic when created (-1: min(3, brokers)).' },
  'session.timeout.ms': { type: 'int', default: 10000, min: 1, importance: 'HIGH', doc: "A worker that does not heartbeat for this long leaves the group and its connectors and tasks move." },
  'heartbeat.interval.ms': { type: 'int', default: 3000, min: 1, importance: 'HIGH', doc: 'How often a worker heartbeats to the group coordinator.' },
  'connect.protocol': {
    type: 'string', default: 'compatible', oneOf: ['eager', 'compatible', 'sessioned'], importance: 'LOW',
    doc: "compatible: incremental cooperative rebalancing (a rebalance moves only what must move); sessioned: the same, plus KIP-507's session key (config topic) signing the internal requests that carry task configs to the leader; eager: every rebalance stops every connector and task first (Kafka's names).",
  },
  'inter.worker.key.generation.algorithm': { type: 'string', default: 'HmacSHA256', oneOf: HMAC_ALGORITHMS, importance: 'LOW', doc: 'sessioned: the algorithm of the session keys the leader generates.' },
  'inter.worker.key.size': { type: 'int', default: 256, min: 8, max: 4096, importance: 'LOW', doc: 'sessioned: session key size in bits (a multiple of 8).', check: (v) => (Number(v) % 8 === 0 ? undefined : 'must be a multiple of 8') },
  'inter.worker.key.ttl.ms': { type: 'int', default: 3600000, min: 0, importance: 'LOW', doc: 'sessioned: how long a session key is used before the leader writes a new one.' },
  'inter.worker.signature.algorithm': { type: 'string', default: 'HmacSHA256', oneOf: HMAC_ALGORITHMS, importance: 'LOW', doc: 'sessioned: the algorithm that signs internal requests.' },
  'inter.worker.verification.algorithms': {
    type: 'list', default: ['HmacSHA256'], importance: 'LOW', doc: 'sessioned: the algorithms accepted on signed internal requests.',
    check: (v) => {
      const bad = (v as string[]).filter((a) => !(HMAC_ALGORITHMS as readonly string[]).includes(a));
      return bad.length === 0 ? undefined : `unknown algorithm ${bad.join(', ')} (expected ${HMAC_ALGORITHMS.join(', ')})`;
    },
  },
  'exactly.once.source.support': {
    type: 'string', default: 'disabled', oneOf: ['disabled', 'preparing', 'enabled'], importance: 'HIGH',
    doc: "enabled: each source task writes a poll's records and their offsets in one transaction (transactional.id <group.id>-<connector>-<task>; a new instance fences the old) and the offset topic is read committed (KIP-618). preparing acts as disabled here (Kafka's rolling-upgrade step).",
  },
  'scheduled.rebalance.max.delay.ms': {
    type: 'int', default: 0, min: 0, importance: 'MEDIUM',
    doc: "compatible protocol: how long a departed worker's connectors and tasks wait for it to come back before they move to others (KIP-415). 0 (the default here) moves them once its session expires; Kafka's default, 300000, would leave a dead worker's tasks stopped for 5 minutes — set it when quick restarts matter more than failover.",
  },
  'rebalance.timeout.ms': { type: 'int', default: 60000, min: 1, importance: 'LOW', doc: 'How long the coordinator waits for every worker to rejoin in a rebalance.' },
});

export interface DistributedSettings extends WorkerSettings {
  readonly groupId: string;
  readonly configTopic: InternalTopic;
  readonly offsetTopic: InternalTopic;
  readonly statusTopic: InternalTopic;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly connectProtocol: 'eager' | 'compatible' | 'sessioned';
  /** sessioned (KIP-507): session keys and request signatures. */
  readonly interWorker: InterWorkerSettings;
  readonly scheduledRebalanceMaxDelayMs: number;
}

export interface InternalTopic {
  name: string;
  partitions: number;
  /** -1: min(3, brokers) at creation. */
  replicationFactor: number;
}

/** Parses a distributed worker's properties; throws ConfigValidationError naming every problem of either key set. */
export function parseDistributedConfig(props: Props): DistributedSettings {
  const base = parseWorkerConfig({ ...props, 'offset.storage.file.filename': '' });
  const v = DISTRIBUTED_CONFIG.parse(props);
  // Kafka's check: a worker must accept the signatures it makes itself.
  const signature = cfg.str(v, 'inter.worker.signature.algorithm');
  if (!cfg.list(v, 'inter.worker.verification.algorithms').includes(signature)) {
    throw new ConfigError('inter.worker.verification.algorithms', `must include the signature algorithm ${signature} (inter.worker.signature.algorithm)`);
  }
  return {
    ...base,
    groupId: cfg.str(v, 'group.id'),
    configTopic: { name: cfg.str(v, 'config.storage.topic'), partitions: 1, replicationFactor: cfg.int(v, 'config.storage.replication.factor') },
    offsetTopic: { name: cfg.str(v, 'offset.storage.topic'), partitions: cfg.int(v, 'offset.storage.partitions'), replicationFactor: cfg.int(v, 'offset.storage.replication.factor') },
    statusTopic: { name: cfg.str(v, 'status.storage.topic'), partitions: cfg.int(v, 'status.storage.partitions'), replicationFactor: cfg.int(v, 'status.storage.replication.factor') },
    sessionTimeoutMs: cfg.int(v, 'session.timeout.ms'),
    heartbeatIntervalMs: cfg.int(v, 'heartbeat.interval.ms'),
    rebalanceTimeoutMs: cfg.int(v, 'rebalance.timeout.ms'),
    connectProtocol: cfg.str(v, 'connect.protocol') as DistributedSettings['connectProtocol'],
    scheduledRebalanceMaxDelayMs: cfg.int(v, 'scheduled.rebalance.max.delay.ms'),
    interWorker: {
      keyAlgorithm: cfg.str(v, 'inter.worker.key.generation.algorithm') as HmacAlgorithm,
      keySizeBits: cfg.int(v, 'inter.worker.key.size'),
      keyTtlMs: cfg.int(v, 'inter.worker.key.ttl.ms'),
      signatureAlgorithm: cfg.str(v, 'inter.worker.signature.algorithm') as HmacAlgorithm,
      verificationAlgorithms: cfg.list(v, 'inter.worker.verification.algorithms') as HmacAlgorithm[],
    },
    ...(cfg.str(v, 'exactly.once.source.support') === 'enabled' ? { exactlyOnceSource: { transactionalIdPrefix: `${cfg.str(v, 'group.id')}-` } } : {}),
  };
}
