import { GregorError } from '@gregor/common';
import { KafkaReader, KafkaWriter } from '@gregor/record-batch';
import type { ConnectAssignment, IncrementalAssignment, OwnedUnits } from './connect-assignment';

/**
 * Kafka Connect's group protocol bytes (ConnectProtocol v0 for `default`,
 * the eager protocol; IncrementalCooperativeConnectProtocol v1 for
 * `compatible`), so the members of a Gregor Connect group look like Kafka
 * Connect workers on the wire. Classic non-flexible encoding, big-endian:
 *
 *   metadata   v0: version INT16, url STRING, config_offset INT64
 *              v1: … + allocation NULLABLE_BYTES (the worker's current assignment, v1 bytes; null = none)
 *   assignment v0: version INT16, error INT16, leader STRING, leader_url STRING, config_offset INT64,
 *                  assignment ARRAY(connector STRING, tasks ARRAY(INT32))
 *              v1: … + revoked ARRAY(same) + delay INT32
 *
 * Task id -1 stands for the connector itself. In v1 `assignment` holds only
 * what is NEW for the worker and `revoked` what it must stop (KIP-415);
 * `toWire`/`fromWire` convert from and to the complete sets the runtime
 * works with. v2 (`sessioned`) has v1's layout; newer versions are read as
 * v1, as Kafka does.
 */
export const CONNECTOR_TASK = -1;
/** Kafka's assignment error codes: 0 none, 1 CONFIG_MISMATCH (the leader could not read the config topic far enough). */
export const CONFIG_MISMATCH = 1;
const MALFORMED = 'INCONSISTENT_GROUP_PROTOCOL';

/** 0 `default` (eager), 1 `compatible`, 2 `sessioned` (v1's layout; KIP-507's session key lives in the config topic). */
export type ConnectProtocolVersion = 0 | 1 | 2;

export interface WorkerState {
  url: string;
  configOffset: bigint;
  /** v1: what the worker runs now. */
  owned: OwnedUnits;
}

export interface WireAssignment {
  version: number;
  error: number;
  leader: string;
  leaderUrl: string;
  configOffset: bigint;
  assigned: OwnedUnits;
  revoked: OwnedUnits;
  delay: number;
}

const EMPTY: OwnedUnits = { connectors: [], tasks: [] };
const isEmpty = (u: OwnedUnits): boolean => u.connectors.length === 0 && u.tasks.length === 0;

/** Kafka's grouping: per connector, its task ids, -1 for the connector instance. */
function byConnector(u: OwnedUnits): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (c: string, t: number): void => {
    let list = out.get(c);
    if (list === undefined) out.set(c, (list = []));
    list.push(t);
  };
  for (const c of u.connectors) add(c, CONNECTOR_TASK);
  for (const t of u.tasks) add(t.connector, t.task);
  return out;
}

function unitsSize(grouped: ReadonlyMap<string, number[]>): number {
  let size = 4;
  for (const [c, tasks] of grouped) size += KafkaWriter.stringSize(c) + 4 + 4 * tasks.length;
  return size;
}

function writeUnits(w: KafkaWriter, grouped: ReadonlyMap<string, number[]>): void {
  w.int32(grouped.size);
  for (const [c, tasks] of grouped) {
    w.string(c).int32(tasks.length);
    for (const t of tasks) w.int32(t);
  }
}

function readUnits(r: KafkaReader): OwnedUnits {
  const out: OwnedUnits = { connectors: [], tasks: [] };
  const n = r.arrayLength(6);
  for (let i = 0; i < n; i++) {
    const connector = r.string();
    const m = r.arrayLength(4);
    for (let j = 0; j < m; j++) {
      const task = r.int32();
      if (task === CONNECTOR_TASK) out.connectors.push(connector);
      else out.tasks.push({ connector, task });
    }
  }
  return out;
}

export function encodeMetadata(version: ConnectProtocolVersion, s: WorkerState): Buffer {
  const allocation = version === 0 || isEmpty(s.owned) ? null : encodeAssignment({ version, error: 0, leader: '', leaderUrl: '', configOffset: -1n, assigned: s.owned, revoked: EMPTY, delay: 0 });
  const size = 2 + KafkaWriter.stringSize(s.url) + 8 + (version === 0 ? 0 : KafkaWriter.bytesSize(allocation));
  const w = new KafkaWriter(size).int16(version).string(s.url).int64(s.configOffset);
  if (version !== 0) w.bytes(allocation);
  return w.done();
}

export function decodeMetadata(buf: Buffer): WorkerState & { version: number } {
  const r = new KafkaReader(buf, 'connect protocol metadata', MALFORMED);
  const version = r.int16();
  if (version < 0) throw new GregorError(MALFORMED, `connect protocol metadata: version ${version}`);
  const url = r.string();
  const configOffset = r.int64();
  const allocation = version >= 1 && r.remaining > 0 ? r.nullableBytes() : null;
  return { version, url, configOffset, owned: allocation === null ? { connectors: [], tasks: [] } : decodeAssignment(allocation).assigned };
}

export function encodeAssignment(a: WireAssignment): Buffer {
  const assigned = byConnector(a.assigned);
  const revoked = byConnector(a.revoked);
  const v1 = a.version >= 1;
  const size = 2 + 2 + KafkaWriter.stringSize(a.leader) + KafkaWriter.stringSize(a.leaderUrl) + 8 + unitsSize(assigned) + (v1 ? unitsSize(revoked) + 4 : 0);
  const w = new KafkaWriter(size).int16(a.version).int16(a.error).string(a.leader).string(a.leaderUrl).int64(a.configOffset);
  writeUnits(w, assigned);
  if (v1) {
    writeUnits(w, revoked);
    w.int32(a.delay);
  }
  return w.done();
}

export function decodeAssignment(buf: Buffer): WireAssignment {
  const r = new KafkaReader(buf, 'connect protocol assignment', MALFORMED);
  const version = r.int16();
  if (version < 0) throw new GregorError(MALFORMED, `connect protocol assignment: version ${version}`);
  const error = r.int16();
  const leader = r.string();
  const leaderUrl = r.string();
  const configOffset = r.int64();
  const assigned = readUnits(r);
  // v1 fields are read when present (Kafka tolerates them missing, with defaults).
  const revoked = version >= 1 && r.remaining > 0 ? readUnits(r) : { connectors: [], tasks: [] };
  const delay = version >= 1 && r.remaining >= 4 ? r.int32() : 0;
  return { version, error, leader, leaderUrl, configOffset, assigned, revoked, delay };
}

const keyOf = (c: string, t: number): string => `${c}\u0000${t}`;
function minus(a: OwnedUnits, b: OwnedUnits): OwnedUnits {
  const drop = new Set([...b.connectors.map((c) => keyOf(c, CONNECTOR_TASK)), ...b.tasks.map((t) => keyOf(t.connector, t.task))]);
  return { connectors: a.connectors.filter((c) => !drop.has(keyOf(c, CONNECTOR_TASK))), tasks: a.tasks.filter((t) => !drop.has(keyOf(t.connector, t.task))) };
}

/** The leader's complete assignment for one member → the wire form (v1: new units and revoked ones against what the member reported). */
export function toWire(version: ConnectProtocolVersion, full: ConnectAssignment & { delay?: number }, owned: OwnedUnits, configOffset: bigint): WireAssignment {
  const units = { connectors: full.connectors, tasks: full.tasks };
  return {
    version,
    error: 0,
    leader: full.leader,
    leaderUrl: full.leaderUrl,
    configOffset,
    assigned: version === 0 ? units : minus(units, owned),
    revoked: version === 0 ? EMPTY : minus(owned, units),
    delay: full.delay ?? 0,
  };
}

/**
 * A member's view of what it received: the complete set it runs from now
 * (v0: the assignment; v1: what it owned minus revoked plus assigned),
 * `rejoin` when something was revoked (the next generation places it, as
 * Kafka's workers do), and the scheduled rebalance delay.
 */
export function fromWire(w: WireAssignment, owned: OwnedUnits): IncrementalAssignment {
  if (w.version === 0) return { leader: w.leader, leaderUrl: w.leaderUrl, connectors: w.assigned.connectors, tasks: w.assigned.tasks, rejoin: false };
  const kept = minus(owned, w.revoked);
  const added = minus(w.assigned, kept);
  return {
    leader: w.leader,
    leaderUrl: w.leaderUrl,
    connectors: [...kept.connectors, ...added.connectors],
    tasks: [...kept.tasks, ...added.tasks],
    rejoin: !isEmpty(w.revoked),
    ...(w.delay > 0 ? { delay: w.delay } : {}),
  };
}
