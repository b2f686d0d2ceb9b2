import { GregorError, toGregorError, tpKey, type TopicPartition } from '@gregor/common';
import type { BrokerConnection } from './broker-connection';
import type { Cluster } from './cluster';
import { errorFromWire } from './errors';
import { int64, int64Wire } from './wire';

/** Kafka's ListOffsets special timestamps. */
export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

export interface OffsetQuery {
  topic: string;
  partition: number;
  /** -2 earliest, -1 latest, otherwise ms: the first offset with a timestamp at or after it. */
  timestamp: bigint;
}

export interface OffsetAnswer {
  topic: string;
  partition: number;
  /** -1n when no record has a timestamp at or after the one asked for. */
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

export interface OffsetResults {
  answers: Map<string, OffsetAnswer>;
  errors: Map<string, GregorError>;
}

/**
 * One round of ListOffsets: one request per leader, sent in parallel.
 * Every query ends up in `answers` or `errors` (keyed by tpKey); callers
 * decide about retries, since the consumer and the admin retry differently.
 */
export async function listOffsetsOnce(cluster: Cluster, queries: readonly OffsetQuery[], signal?: AbortSignal, isolationLevel: 0 | 1 = 0): Promise<OffsetResults> {
  return perLeaderOnce<OffsetQuery, OffsetAnswer>(cluster, queries, async (conn, list) => {
    const res = await conn.call('ListOffsets', { topics: byTopic(list, (q) => ({ partition: q.partition, timestamp: int64Wire(q.timestamp) })), isolationLevel }, { signal });
    const out = new Map<string, OffsetAnswer | GregorError>();
    for (const t of res.topics) {
      for (const p of t.partitions) {
        const err = errorFromWire(p.error, { topic: t.name, partition: p.partition });
        out.set(tpKey(t.name, p.partition), err ?? { topic: t.name, partition: p.partition, offset: int64(p.offset), timestamp: int64(p.timestamp), leaderEpoch: p.leaderEpoch });
      }
    }
    return out;
  });
}

/** Items of one request grouped per topic, as every per-partition request carries them. */
export function byTopic<T extends TopicPartition, P>(items: readonly T[], partition: (item: T) => P): { name: string; partitions: P[] }[] {
  const topics = new Map<string, { name: string; partitions: P[] }>();
  for (const item of items) {
    let t = topics.get(item.topic);
    if (t === undefined) topics.set(item.topic, (t = { name: item.topic, partitions: [] }));
    t.partitions.push(partition(item));
  }
  return [...topics.values()];
}

/**
 * One round of a per-partition request that only leaders answer
 * (ListOffsets, DeleteRecords): items are grouped by their leader in the
 * client's metadata, one request per leader goes out in parallel, and
 * every item ends up in `answers` or `errors` (keyed by tpKey) — a
 * partition without a known leader, a failed call or a missing answer is
 * an error of that item. Callers decide about retries.
 */
export async function perLeaderOnce<T extends TopicPartition, A>(
  cluster: Cluster,
  items: readonly T[],
  call: (conn: BrokerConnection, items: readonly T[]) => Promise<Map<string, A | GregorError>>,
): Promise<{ answers: Map<string, A>; errors: Map<string, GregorError> }> {
  const answers = new Map<string, A>();
  const errors = new Map<string, GregorError>();
  const byLeader = new Map<number, T[]>();
  for (const q of items) {
    const leader = cluster.leaderOf(q.topic, q.partition);
    if (leader === undefined) {
      const known = cluster.metadata.topic(q.topic);
      const exists = known !== undefined && cluster.metadata.partition(q.topic, q.partition) !== undefined;
      const name = exists ? 'LEADER_NOT_AVAILABLE' : 'UNKNOWN_TOPIC_OR_PARTITION';
      const why =
        known === undefined
          ? `topic "${q.topic}" is not in metadata`
          : exists
            ? `partition ${q.topic}-${q.partition} has no leader`
            : `topic "${q.topic}" has no partition ${q.partition}`;
      errors.set(tpKey(q.topic, q.partition), cluster.metadata.topicError(q.topic) ?? new GregorError(name, why, { topic: q.topic, partition: q.partition }));
      continue;
    }
    let list = byLeader.get(leader);
    if (list === undefined) byLeader.set(leader, (list = []));
    list.push(q);
  }
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      try {
        const conn = cluster.connectionForNode(leader);
        if (conn === undefined) throw new GregorError('LEADER_NOT_AVAILABLE', `node ${leader} is not in metadata`, { transport: true });
        const results = await call(conn, list);
        for (const q of list) {
          const key = tpKey(q.topic, q.partition);
          const r = results.get(key);
          if (r === undefined) errors.set(key, new GregorError('UNKNOWN_SERVER_ERROR', `the leader's response has no result for ${key}`, { topic: q.topic, partition: q.partition }));
          else if (r instanceof GregorError) errors.set(key, r);
          else answers.set(key, r);
        }
      } catch (err) {
        for (const q of list) errors.set(tpKey(q.topic, q.partition), toGregorError(err, { topic: q.topic, partition: q.partition }));
      }
    }),
  );
  return { answers, errors };
}
