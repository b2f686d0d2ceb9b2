import type { Props } from '../api/connector';
import type { SessionKey } from './session-key';
import type { ConnectorState, StateInfo, TargetState } from './status';

/**
 * The records of the config and status topics in Kafka Connect's own format
 * (pure), so the topics read the same to Kafka's tools and Java workers.
 * Kafka's KafkaConfigBackingStore / KafkaStatusBackingStore keep string keys
 * and write values with the worker's internal JsonConverter, which has
 * `schemas.enable=false` since Kafka 3.0 (KIP-174 removed the internal
 * converter settings): a value is the plain JSON of its struct, fields in the
 * schema's order, no `{schema, payload}` envelope. Values written by older
 * workers that did use the envelope are still read (the payload is taken).
 *
 * Config topic (one partition, compacted):
 *   connector-<c>      {"properties": {…}}            null = deleted
 *   task-<c>-<n>       {"properties": {…}}            applied only by a commit
 *   commit-<c>         {"tasks": N}
 *   target-state-<c>   {"state": …, "state.v2": …}    TARGET_STATE_V1: STOPPED is written as
 *                                                      state PAUSED (older workers) + state.v2 STOPPED
 *   session-key        {"key": base64, "algorithm": …, "creation-timestamp": ms}   SESSION_KEY_V0 (KIP-507)
 * Kafka's other keys (tasks-fencing-<c>, restart-connector-<c>,
 * logger-cluster-<ns>) are recognised and not acted on here.
 * Status topic (STATUS_SCHEMA_V0): status-connector-<c>, status-task-<c>-<n> →
 *   {"state": …, "trace": …|null, "worker_id": …, "generation": N}.
 */
export type ConfigRecord =
  | { kind: 'connector'; name: string; props: Props | null }
  | { kind: 'task'; name: string; task: number; props: Props }
  | { kind: 'commit'; name: string; tasks: number }
  | { kind: 'target'; name: string; state: TargetState | null }
  | { kind: 'session-key'; key: SessionKey }
  /** One of Kafka's records this runtime does not act on (session keys, fencing counts, restart requests, logger levels). */
  | { kind: 'other'; key: string }
  /** Not a record of Kafka's format: named in a log line and skipped, as Kafka does. */
  | { kind: 'invalid'; key: string; reason: string };

export const configKeys = {
  connector: (name: string): string => `connector-${name}`,
  task: (name: string, task: number): string => `task-${name}-${task}`,
  commit: (name: string): string => `commit-${name}`,
  targetState: (name: string): string => `target-state-${name}`,
  sessionKey: 'session-key',
};

const TARGET_STATES: readonly TargetState[] = ['STARTED', 'PAUSED', 'STOPPED'];
const CONNECTOR_STATES: readonly ConnectorState[] = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'RESTARTING', 'STOPPED'];
/** Kafka's config keys this runtime leaves alone. */
const OTHER_KEYS = /^(tasks-fencing-|restart-connector-|logger-cluster-)/;

export function encodeConnectorConfig(props: Props): string {
  return JSON.stringify({ properties: props });
}

export const encodeTaskConfig = encodeConnectorConfig;

export function encodeTaskCommit(tasks: number): string {
  return JSON.stringify({ tasks });
}

/** TARGET_STATE_V1: workers older than STOPPED (Kafka < 3.5) read `state`, so STOPPED goes there as PAUSED. */
export function encodeTargetState(state: TargetState): string {
  return JSON.stringify({ state: state === 'STOPPED' ? 'PAUSED' : state, 'state.v2': state });
}

export function encodeSessionKey(k: SessionKey): string {
  return JSON.stringify({ key: k.key.toString('base64'), algorithm: k.algorithm, 'creation-timestamp': k.creationTimestampMs });
}

export function encodeStatus(info: StateInfo, generation: number): string {
  return JSON.stringify({ state: info.state, trace: info.trace ?? null, worker_id: info.worker_id, generation });
}

/** The JSON object of a value: plain, or the payload of a `{schema, payload}` envelope. */
function jsonObject(value: Buffer): Record<string, unknown> | string {
  let doc: unknown;
  try {
    doc = JSON.parse(value.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (isObject(doc) && 'schema' in doc && 'payload' in doc) doc = doc['payload'];
  return isObject(doc) ? doc : 'not a JSON object';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `properties`: a map of strings; null values (allowed by Kafka's schema) are left out. */
function properties(doc: Record<string, unknown>): Props | string {
  const p = doc['properties'];
  if (!isObject(p)) return 'no "properties" map';
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(p)) {
    if (v === null) continue;
    if (typeof v !== 'string') return `property ${k} is not a string`;
    entries.push([k, v]);
  }
  return Object.fromEntries(entries); // own properties even for a key like __proto__
}

export function decodeConfigRecord(key: string, value: Buffer | null): ConfigRecord {
  const invalid = (reason: string): ConfigRecord => ({ kind: 'invalid', key, reason });
  if (OTHER_KEYS.test(key)) return { kind: 'other', key };
  let m: RegExpExecArray | null;
  const doc = value === null ? null : jsonObject(value);
  if (typeof doc === 'string') return invalid(doc);
  if (key === configKeys.sessionKey) {
    if (doc === null) return { kind: 'other', key };
    const { key: k, algorithm, 'creation-timestamp': created } = doc;
    if (typeof k !== 'string' || typeof algorithm !== 'string' || typeof created !== 'number') return invalid('a session key needs "key", "algorithm" and "creation-timestamp"');
    return { kind: 'session-key', key: { key: Buffer.from(k, 'base64'), algorithm, creationTimestampMs: created } };
  }
  if ((m = /^connector-(.+)$/s.exec(key)) !== null) {
    if (doc === null) return { kind: 'connector', name: m[1]!, props: null };
    const props = properties(doc);
    return typeof props === 'string' ? invalid(props) : { kind: 'connector', name: m[1]!, props };
  }
  if ((m = /^task-(.+)-(\d+)$/s.exec(key)) !== null) {
    if (doc === null) return { kind: 'other', key }; // Kafka never deletes task configs; a commit decides which count
    const props = properties(doc);
    return typeof props === 'string' ? invalid(props) : { kind: 'task', name: m[1]!, task: Number(m[2]), props };
  }
  if ((m = /^commit-(.+)$/s.exec(key)) !== null) {
    if (doc === null) return { kind: 'other', key };
    const tasks = doc['tasks'];
    return typeof tasks === 'number' && Number.isInteger(tasks) && tasks >= 0 ? { kind: 'commit', name: m[1]!, tasks } : invalid('"tasks" is not a count');
  }
  if ((m = /^target-state-(.+)$/s.exec(key)) !== null) {
    if (doc === null) return { kind: 'target', name: m[1]!, state: null };
    // Kafka reads state.v2 first (TARGET_STATE_V1), then state (V0).
    const state = doc['state.v2'] ?? doc['state'];
    return TARGET_STATES.includes(state as TargetState) ? { kind: 'target', name: m[1]!, state: state as TargetState } : invalid(`unknown target state ${String(state)}`);
  }
  return invalid('not a key of the config topic');
}

/**
 * A status record: the state, null = deleted (a tombstone, or Kafka's
 * DESTROYED), undefined = a key this runtime does not keep (Kafka's active
 * topic records, status-topic-<t>:connector-<c>), or a reason it is invalid.
 */
export function decodeStatus(key: string, value: Buffer | null): StateInfo | null | undefined | string {
  if (!/^status-(connector|task)-/.test(key)) return undefined;
  if (value === null) return null;
  const doc = jsonObject(value);
  if (typeof doc === 'string') return doc;
  const state = doc['state'];
  if (state === 'DESTROYED') return null; // Kafka's last word on a deleted connector
  if (!CONNECTOR_STATES.includes(state as ConnectorState)) return `unknown state ${String(state)}`;
  if (typeof doc['worker_id'] !== 'string') return 'no "worker_id"';
  const trace = doc['trace'];
  return { state: state as ConnectorState, worker_id: doc['worker_id'], ...(typeof trace === 'string' ? { trace } : {}) };
}
