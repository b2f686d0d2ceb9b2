import { GregorError, toGregorError, tpKey } from '@gregor/common';
import type { ListOffsetsTopic } from '@gregor/proto';
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
  const answers = new Map<string, OffsetAnswer>();
  const errors = new Map<string, GregorError>();
  const byLeader = new Map<number, OffsetQuery[]>();
  for (const q of queries) {
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
      const topics = new Map<string, ListOffsetsTopic>();
      for (const q of list) {
        let t = topics.get(q.topic);
        if (t === undefined) topics.set(q.topic, (t = { name: q.topic, partitions: [] }));
        t.partitions!.push({ partition: q.partition, timestamp: int64Wire(q.timestamp) });
      }
      try {
        const conn = cluster.connectionForNode(leader);
        if (conn === undefined) throw new GregorError('LEADER_NOT_AVAILABLE', `node ${leader} is not in metadata`, { transport: true });
        const res = await conn.call('ListOffsets', { topics: [...topics.values()], isolationLevel }, { signal });
        for (const t of res.topics) {
          for (const p of t.partitions) {
            const key = tpKey(t.name, p.partition);
            const err = errorFromWire(p.error, { topic: t.name, partition: p.partition });
            if (err !== undefined) errors.set(key, err);
            else answers.set(key, { topic: t.name, partition: p.partition, offset: int64(p.offset), timestamp: int64(p.timestamp), leaderEpoch: p.leaderEpoch });
          }
        }
        for (const q of list) {
          const key = tpKey(q.topic, q.partition);
          if (!answers.has(key) && !errors.has(key)) {
            errors.set(key, new GregorError('UNKNOWN_SERVER_ERROR', `ListOffsets response has no result for ${key}`, { topic: q.topic, partition: q.partition }));
          }
        }
      } catch (err) {
        for (const q of list) errors.set(tpKey(q.topic, q.partition), toGregorError(err, { topic: q.topic, partition: q.partition }));
      }
    }),
  );
  return { answers, errors };
}
