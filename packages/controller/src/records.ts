import { assert } from '@gregor/common';

/**
 * The records of the cluster metadata log (KIP-631's record types, trimmed to
 * what Gregor uses). The log is the only source of truth: the MetadataImage is
 * a fold over these records, so every field a decision needs must be here.
 *
 * One Raft entry carries one batch of records, applied atomically (KRaft's
 * atomic batches): a topic and all its partitions appear together or not at
 * all.
 */

/** A listener a broker advertises, e.g. `CLIENT://127.0.0.1:9092`. */
export interface BrokerListener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/**
 * A broker (re-)registers. Its broker epoch is the metadata offset of the
 * batch holding this record (as in KRaft), so it is assigned by applying, not
 * by the proposer, and is the same on every replica. A registered broker
 * starts fenced.
 */
export interface RegisterBrokerRecord {
  readonly type: 'register-broker';
  readonly brokerId: number;
  /** Random per process start: tells a restart apart from a retried request. */
  readonly incarnationId: string;
  readonly listeners: readonly BrokerListener[];
  readonly rack: string | null;
}

export interface FenceBrokerRecord {
  readonly type: 'fence-broker';
  readonly brokerId: number;
  readonly brokerEpoch: number;
  /** Why (session expired, controlled shutdown, …): for the one log line. */
  readonly reason?: string;
}

export interface UnfenceBrokerRecord {
  readonly type: 'unfence-broker';
  readonly brokerId: number;
  readonly brokerEpoch: number;
}

export interface TopicRecord {
  readonly type: 'topic';
  readonly name: string;
  readonly topicId: string;
}

/** A new partition, with its full initial state. */
export interface PartitionRecord {
  readonly type: 'partition';
  readonly topicId: string;
  readonly partition: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** -1: no leader. */
  readonly leader: number;
}

/**
 * A change to an existing partition. Absent fields are unchanged. Applying it
 * bumps the partition epoch always, and the leader epoch when `leader` is
 * present and differs (KIP-631: the leader epoch counts leader changes, the
 * partition epoch counts every change, so AlterPartition can detect a stale
 * view of either).
 */
export interface PartitionChangeRecord {
  readonly type: 'partition-change';
  readonly topicId: string;
  readonly partition: number;
  readonly leader?: number;
  readonly isr?: readonly number[];
  /** Why, when it is not the usual (e.g. preferred leader election): for the one log line. */
  readonly reason?: string;
}

export interface RemoveTopicRecord {
  readonly type: 'remove-topic';
  readonly topicId: string;
}

/** Sets (value is a string) or removes (null) one topic config override. */
export interface ConfigRecord {
  readonly type: 'config';
  readonly topic: string;
  readonly key: string;
  readonly value: string | null;
}

/** A block of producer ids handed to one broker (KIP-730). */
export interface ProducerIdsRecord {
  readonly type: 'producer-ids';
  readonly brokerId: number;
  readonly brokerEpoch: number;
  /** The first id after the block: the next block starts here. */
  readonly nextProducerId: bigint;
}

/**
 * Written by a newly elected leader before it serves writes (KRaft's
 * LeaderChangeMessage). When it is applied, the leader's image holds every
 * record committed before its term, so decisions made on that image are
 * sound.
 */
export interface LeaderChangeRecord {
  readonly type: 'leader-change';
  readonly leaderId: number;
  readonly term: number;
}

export type MetadataRecord =
  | RegisterBrokerRecord
  | FenceBrokerRecord
  | UnfenceBrokerRecord
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | RemoveTopicRecord
  | ConfigRecord
  | ProducerIdsRecord
  | LeaderChangeRecord;

export type MetadataRecordType = MetadataRecord['type'];

/**
 * The payload of one Raft entry. `origin` lets the active controller match a
 * committed entry to the request that proposed it.
 */
export interface RecordBatch {
  readonly origin: string | null;
  readonly records: readonly MetadataRecord[];
}

/** Bumped on any incompatible change; a node refuses batches it cannot read. */
export const RECORD_BATCH_VERSION = 1;

/*
 * Encoding: JSON (the control plane is small and JSON is easy to inspect with
 * a LevelDB dump). bigints are written as {"$bigint":"123"} so they survive
 * the round trip exactly.
 *
 * Decoding parses without a reviver and turns the few bigint fields back by
 * name (`decodeBigint`): a reviver is a call from the parser into JS for every
 * value, 5–10× the parse itself — ~150 ms for a 10,000-partition topic's
 * batch (1 MB) on an idle core, all of it in one event-loop task.
 */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $bigint: value.toString() } : value;
}

export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value, replacer), 'utf8');
}

/** Parses JSON written by encodeJson; bigint fields are left as {"$bigint":"…"} for decodeBigint. */
export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
}

/** A bigint field as encodeJson wrote it ({"$bigint":"123"}); also takes a bigint, or a safe integer from hand-written JSON. */
export function decodeBigint(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  const big = value !== null && typeof value === 'object' ? (value as { $bigint?: unknown }).$bigint : undefined;
  assert(typeof big === 'string' && /^-?[0-9]+$/.test(big), `${what} is not an encoded bigint: ${JSON.stringify(value)}`);
  return BigInt(big);
}

export function encodeRecordBatch(batch: RecordBatch): Uint8Array {
  return encodeJson({ v: RECORD_BATCH_VERSION, origin: batch.origin, records: batch.records });
}

const KNOWN_TYPES: ReadonlySet<string> = new Set<MetadataRecordType>([
  'register-broker',
  'fence-broker',
  'unfence-broker',
  'topic',
  'partition',
  'partition-change',
  'remove-topic',
  'config',
  'producer-ids',
  'leader-change',
]);

/**
 * Decodes one entry's payload. A batch this code cannot read means the log
 * was written by a newer version or is corrupt: the node must not skip it
 * (its image would silently diverge), so this asserts.
 */
export function decodeRecordBatch(data: Uint8Array): RecordBatch {
  const raw = decodeJson(data) as { v?: unknown; origin?: unknown; records?: unknown };
  assert(raw !== null && typeof raw === 'object', 'metadata batch is not an object');
  assert(raw.v === RECORD_BATCH_VERSION, `metadata batch version ${String(raw.v)} is not ${RECORD_BATCH_VERSION}`);
  assert(Array.isArray(raw.records), 'metadata batch has no records array');
  const records = raw.records as { type?: unknown; nextProducerId?: unknown }[];
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (typeof r?.type !== 'string' || !KNOWN_TYPES.has(r.type)) assert(false, `unknown metadata record type ${String(r?.type)}`);
    if (r.type === 'producer-ids') records[i] = { ...r, nextProducerId: decodeBigint(r.nextProducerId, 'producer-ids nextProducerId') };
  }
  return { origin: typeof raw.origin === 'string' ? raw.origin : null, records: records as MetadataRecord[] };
}
