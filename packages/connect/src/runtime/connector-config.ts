import { ConfigDef, type ConfigKeyInfo, type ConfigValues, type ConnectConfigKey } from '../api/config-def';
import type { ConnectorPlugin, ConnectorType, Props } from '../api/connector';
import { findConverter } from '../converters/registry';
import { validateTransforms } from '../transforms/chain';

/**
 * The keys every connector has (Kafka's ConnectorConfig / SinkConnectorConfig),
 * and validation of a whole connector config into the body Kafka Connect's
 * `PUT /connector-plugins/{p}/config/validate` answers with.
 */
const converterKey = (doc: string): ConnectConfigKey => ({
  type: 'string',
  default: null,
  importance: 'LOW',
  group: 'Common',
  doc,
  check: (v) => (v === '' || findConverter(String(v)) !== undefined ? undefined : `Class ${String(v)} could not be found.`),
});

export const COMMON_CONNECTOR_CONFIG = new ConfigDef({
  name: {
    type: 'string', importance: 'HIGH', group: 'Common', displayName: 'Connector name',
    doc: 'Globally unique name to use for this connector.',
    check: (v) => (String(v).trim() === '' ? 'String must be non-empty' : /[\u0000-\u001f\u007f]/.test(String(v)) ? 'String may not contain control characters' : undefined),
  },
  'connector.class': {
    type: 'string', importance: 'HIGH', group: 'Common', displayName: 'Connector class',
    doc: 'Name or alias of the class for this connector.',
  },
  'tasks.max': { type: 'int', default: 1, min: 1, importance: 'HIGH', group: 'Common', displayName: 'Tasks max', doc: 'Maximum number of tasks to use for this connector.' },
  'key.converter': converterKey('Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka (keys).'),
  'value.converter': converterKey('Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka (values).'),
  transforms: { type: 'list', default: [], importance: 'LOW', group: 'Transforms', doc: 'Aliases of the single message transforms to apply, in order.' },
  predicates: { type: 'list', default: [], importance: 'LOW', group: 'Predicates', doc: 'Aliases of the predicates transforms can use.' },
  'errors.tolerance': {
    type: 'string', default: 'none', oneOf: ['none', 'all'], importance: 'MEDIUM', group: 'Error Handling',
    doc: 'none: any error fails the task; all: records that cannot be converted or delivered are skipped (and dead-lettered for sinks).',
  },
  'errors.retry.timeout': {
    type: 'long', default: 0, min: -1, importance: 'MEDIUM', group: 'Error Handling',
    doc: 'How long (ms) a failed operation that may succeed later is retried; -1 means a bounded 5 minutes here, 0 no retries.',
  },
  'errors.retry.delay.max.ms': { type: 'long', default: 60000, min: 1, importance: 'MEDIUM', group: 'Error Handling', doc: 'The longest wait (ms) between two retries.' },
  'errors.log.enable': { type: 'boolean', default: false, importance: 'MEDIUM', group: 'Error Handling', doc: 'Log every tolerated error.' },
});

export const SINK_CONNECTOR_CONFIG = COMMON_CONNECTOR_CONFIG.merge(
  new ConfigDef({
    topics: {
      type: 'list', default: [], importance: 'HIGH', group: 'Common', displayName: 'Topics',
      doc: 'List of topics to consume, separated by commas.',
      validateWith: (v, all) => {
        const topics = (v as string[] | null) ?? [];
        const regex = all['topics.regex'] === null ? '' : String(all['topics.regex']);
        if (topics.length > 0 && regex !== '') return 'topics and topics.regex are mutually exclusive options, but both are set.';
        if (topics.length === 0 && regex === '') return 'Must configure one of topics or topics.regex';
        const dlq = all['errors.deadletterqueue.topic.name'];
        if (typeof dlq === 'string' && dlq !== '' && topics.includes(dlq)) return `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=${topics.join(',')}') to be consumed.`;
        return undefined;
      },
    },
    'topics.regex': {
      type: 'string', default: '', importance: 'HIGH', group: 'Common', displayName: 'Topics regex',
      doc: 'Regular expression giving topics to consume.',
      check: (v) => {
        try {
          new RegExp(String(v));
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    },
    'errors.deadletterqueue.topic.name': { type: 'string', default: '', importance: 'MEDIUM', group: 'Error Handling', doc: 'The topic records go to when they cannot be converted or delivered.' },
    'errors.deadletterqueue.topic.replication.factor': { type: 'int', default: -1, importance: 'MEDIUM', group: 'Error Handling', doc: 'Replication factor of the dead-letter topic when it is created (-1: the broker default).' },
    'errors.deadletterqueue.context.headers.enable': { type: 'boolean', default: false, importance: 'MEDIUM', group: 'Error Handling', doc: 'Add __connect.errors.* headers with the error context to dead-lettered records.' },
  }),
);

/** KIP-618's source keys; they act only on a distributed worker with exactly.once.source.support=enabled. */
export const SOURCE_CONNECTOR_CONFIG = COMMON_CONNECTOR_CONFIG.merge(
  new ConfigDef({
    'exactly.once.support': {
      type: 'string', default: 'requested', oneOf: ['requested', 'required'], importance: 'MEDIUM', group: 'Exactly Once Support',
      doc: 'requested: exactly-once delivery when the worker has it enabled; required: the same (no connector here declares it unsupported).',
    },
    'transaction.boundary': {
      type: 'string', default: 'poll', importance: 'MEDIUM', group: 'Exactly Once Support',
      doc: "Where a source task's transactions end: poll (every batch poll() returns is one transaction with its offsets). Kafka's interval and connector are not supported yet.",
      check: (v) => (v === 'poll' ? undefined : v === 'interval' || v === 'connector' ? 'not supported yet (only poll)' : 'must be poll, interval or connector'),
    },
  }),
);

export function baseConfigFor(type: ConnectorType): ConfigDef {
  return type === 'sink' ? SINK_CONNECTOR_CONFIG : SOURCE_CONNECTOR_CONFIG;
}

/** Kafka's ConfigInfos: the validate endpoint's body. */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: { definition: ConfigKeyInfo; value: { name: string; value: string | null; recommended_values: string[]; errors: string[]; visible: boolean } }[];
}

/** Finds a plugin by Kafka's rules: full class name, simple name, or simple name without "Connector". */
export function findPlugin(plugins: readonly ConnectorPlugin[], name: string): ConnectorPlugin | undefined {
  return plugins.find((p) => {
    const simple = p.className.slice(p.className.lastIndexOf('.') + 1);
    return name === p.className || name === simple || (simple.endsWith('Connector') && name === simple.slice(0, -'Connector'.length));
  });
}

export function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1);
}

/**
 * Validates a connector config against the common keys and the plugin's own;
 * every problem per key. Then, when those are fine and `external` is not
 * false, the connector's own checks (which may reach outside: a database).
 */
export async function validateConnectorConfig(plugin: ConnectorPlugin, props: Props, opts: { external?: boolean } = {}): Promise<{ infos: ConfigInfos; values: ConfigValues }> {
  const connector = plugin.create();
  const def = baseConfigFor(plugin.type).merge(connector.config());
  const validation = def.validate(props);
  const errors = new Map<string, string[]>([...validation.errors].map(([k, v]) => [k, [...v]]));
  if (validation.errorCount === 0 && opts.external !== false && connector.validate !== undefined) {
    for (const [key, problems] of Object.entries(await connector.validate(props))) {
      if (problems.length > 0) errors.set(key, [...(errors.get(key) ?? []), ...problems]);
    }
  }
  if (connector.type === 'source' && props['exactly.once.support'] === 'required' && !errors.has('exactly.once.support')) {
    const support = connector.exactlyOnceSupport?.(props);
    if (support !== 'SUPPORTED') {
      errors.set('exactly.once.support', [
        support === undefined
          ? 'The connector does not implement the API required for preflight validation of exactly-once source support; use "requested" if it supports exactly-once semantics.'
          : 'The connector does not support exactly-once semantics with the provided configuration.',
      ]);
    }
  }
  const chain = validateTransforms(props);
  for (const [key, problems] of chain.errors) errors.set(key, [...(errors.get(key) ?? []), ...problems]);
  const definitions = [...def.describe(), ...chain.definitions];
  for (const key of chain.errors.keys()) {
    if (!definitions.some((d) => d.name === key)) {
      definitions.push({ name: key, type: 'STRING', required: true, default_value: null, importance: 'HIGH', documentation: 'The class of this transform or predicate.', group: 'Transforms', order: definitions.length + 1, width: 'NONE', display_name: key, dependents: [] });
    }
  }
  const groups = [...new Set(definitions.map((d) => d.group).filter((g): g is string => g !== null))];
  let errorCount = 0;
  const configs = definitions.map((definition) => {
    const keyErrors = errors.get(definition.name) ?? [];
    errorCount += keyErrors.length;
    const raw = props[definition.name];
    const shown = raw === undefined ? definition.default_value : definition.type === 'PASSWORD' ? '[hidden]' : raw;
    return { definition, value: { name: definition.name, value: shown, recommended_values: [], errors: keyErrors, visible: true } };
  });
  return { infos: { name: simpleName(plugin.className), error_count: errorCount, groups, configs }, values: validation.values };
}

/** The 400 message Kafka Connect gives for an invalid config: every problem, one per line. */
export function invalidConfigMessage(infos: ConfigInfos, pluginName: string): string {
  const lines = infos.configs.flatMap((c) => c.value.errors);
  return (
    `Connector configuration is invalid and contains the following ${lines.length} error(s):\n${lines.join('\n')}\n` +
    `You can also find the above list of errors at the endpoint \`/connector-plugins/${pluginName}/config/validate\``
  );
}
