import {
  ConfigError,
  GregorError,
  parseConfigEntries,
  type ConfigSchema,
  type ConfigValue,
} from '@gregor/common';

/**
 * Per-topic configs (Kafka's names). A topic stores only the keys that were
 * set explicitly (its overrides); everything else follows the broker-level
 * default, so changing `log.retention.ms` on the broker changes every topic
 * that did not override `retention.ms` — as in Kafka.
 */
export const TOPIC_CONFIG_SCHEMA: ConfigSchema = {
  'retention.ms': { type: 'long', min: -1, default: 604_800_000, doc: 'Time to keep records; -1 keeps them forever.' },
  'retention.bytes': { type: 'long', min: -1, default: -1, doc: 'Size per partition before old batches go; -1 is unlimited.' },
  'max.message.bytes': { type: 'int', min: 0, default: 1_048_588, doc: 'Largest record batch the topic accepts.' },
  'cleanup.policy': {
    type: 'list',
    oneOf: ['delete', 'compact'],
    default: ['delete'],
    check: (v) => ((v as readonly string[]).length === 0 ? 'must name at least one policy' : undefined),
    doc: 'delete (retention) and/or compact (keep the latest record per key; both: compact, then trim by retention).',
  },
  'delete.retention.ms': {
    type: 'long',
    min: 0,
    default: 86_400_000,
    doc: 'On compacted topics, how long a tombstone (null value) stays after its timestamp, so consumers that are reading see the delete.',
  },
  'min.cleanable.dirty.ratio': {
    type: 'double',
    min: 0,
    max: 1,
    default: 0.5,
    doc: 'On compacted topics, a compaction pass runs once the bytes written since the last one are at least this share of the log.',
  },
  'min.insync.replicas': { type: 'int', min: 1, default: 1, doc: 'ISR size needed for acks=all.' },
  'message.timestamp.type': { type: 'string', oneOf: ['CreateTime', 'LogAppendTime'], default: 'CreateTime', doc: 'Which timestamp the log keeps.' },
  'unclean.leader.election.enable': { type: 'boolean', default: false, doc: 'Stored for the controller (issue 3).' },
};

export type TopicConfigOverrides = Readonly<Record<string, string>>;

/** The effective, typed configuration of one topic. */
export interface TopicConfig {
  retentionMs: number;
  retentionBytes: number;
  maxMessageBytes: number;
  cleanupPolicy: readonly string[];
  deleteRetentionMs: number;
  minCleanableDirtyRatio: number;
  minInsyncReplicas: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  uncleanLeaderElectionEnable: boolean;
}

function invalidConfig(err: unknown): never {
  if (err instanceof ConfigError) throw new GregorError('INVALID_CONFIG', err.message, { configKey: err.key });
  throw err;
}

function normalize(value: ConfigValue | null): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/**
 * Checks explicit topic configs and returns them normalised (trimmed,
 * canonical numbers). Unknown keys and bad values are INVALID_CONFIG naming
 * the key.
 */
export function validateTopicConfigOverrides(raw: Readonly<Record<string, string>>): Record<string, string> {
  try {
    const parsed = parseConfigEntries(TOPIC_CONFIG_SCHEMA, raw);
    const out: Record<string, string> = {};
    for (const key of Object.keys(parsed).sort()) out[key] = normalize(parsed[key] ?? null);
    return out;
  } catch (err) {
    return invalidConfig(err);
  }
}

/** The broker-level defaults as topic keys; built once from node config. */
export function checkTopicDefaults(defaults: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, def] of Object.entries(TOPIC_CONFIG_SCHEMA)) out[key] = normalize(def.default ?? null);
  return { ...out, ...validateTopicConfigOverrides(defaults) };
}

export function effectiveTopicConfig(
  defaults: Readonly<Record<string, string>>,
  overrides: TopicConfigOverrides,
): TopicConfig {
  let v;
  try {
    v = parseConfigEntries(TOPIC_CONFIG_SCHEMA, { ...defaults, ...overrides });
  } catch (err) {
    return invalidConfig(err);
  }
  return {
    retentionMs: v['retention.ms'] as number,
    retentionBytes: v['retention.bytes'] as number,
    maxMessageBytes: v['max.message.bytes'] as number,
    cleanupPolicy: v['cleanup.policy'] as readonly string[],
    deleteRetentionMs: v['delete.retention.ms'] as number,
    minCleanableDirtyRatio: v['min.cleanable.dirty.ratio'] as number,
    minInsyncReplicas: v['min.insync.replicas'] as number,
    messageTimestampType: v['message.timestamp.type'] as TopicConfig['messageTimestampType'],
    uncleanLeaderElectionEnable: v['unclean.leader.election.enable'] as boolean,
  };
}

/**
 * Incremental alter (KIP-339): `set` keys take new values, `remove` keys go
 * back to the default, the rest stay. A key in both is INVALID_REQUEST, as
 * Kafka rejects duplicate operations on one key.
 */
export function alterTopicConfigOverrides(
  current: TopicConfigOverrides,
  set: Readonly<Record<string, string>>,
  remove: readonly string[],
): Record<string, string> {
  for (const key of remove) {
    if (TOPIC_CONFIG_SCHEMA[key] === undefined) {
      throw new GregorError('INVALID_CONFIG', `invalid config "${key}": unknown configuration key`, { configKey: key });
    }
    if (Object.prototype.hasOwnProperty.call(set, key)) {
      throw new GregorError('INVALID_REQUEST', `config "${key}" is both set and deleted`, { configKey: key });
    }
  }
  const next: Record<string, string> = { ...current, ...validateTopicConfigOverrides(set) };
  for (const key of remove) delete next[key];
  return Object.fromEntries(Object.entries(next).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export interface TopicConfigEntry {
  name: string;
  value: string;
  isDefault: boolean;
  readOnly: boolean;
}

/** Every known key (or only `names`, skipping unknown ones, as Kafka does). */
export function describeTopicConfig(
  defaults: Readonly<Record<string, string>>,
  overrides: TopicConfigOverrides,
  names: readonly string[] = [],
): TopicConfigEntry[] {
  const keys = names.length > 0 ? names.filter((n) => TOPIC_CONFIG_SCHEMA[n] !== undefined) : Object.keys(TOPIC_CONFIG_SCHEMA);
  return keys.map((name) => {
    const isDefault = !Object.prototype.hasOwnProperty.call(overrides, name);
    return { name, value: isDefault ? (defaults[name] ?? '') : overrides[name]!, isDefault, readOnly: false };
  });
}
