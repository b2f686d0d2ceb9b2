import type { Clock } from '@gregor/common';
import type { ReplicaFetchPartitionData, ReplicaFetchPartitionResponse, ReplicaFetchRequest, ReplicaFetchResponse } from '../api/replication';
import { FETCH_SESSION_FINAL_EPOCH, FetchSessionCache, type FetchSessionAnswers, type FetchSessionLimits, type FetchSessionPlan, type FetchSessionStats } from '../fetch-sessions';

/**
 * A follower's answer is news when it has records, an error or a diverging
 * epoch, or tells a new high watermark or log start offset (Kafka's
 * CachedPartition for replica fetches). The leader's log end offset alone
 * is not: the follower needs it only with OFFSET_OUT_OF_RANGE, an error.
 */
export const REPLICA_FETCH_ANSWERS: FetchSessionAnswers<ReplicaFetchPartitionResponse> = {
  urgent: (p) => p.records.length > 0 || p.error !== null || p.divergingEpoch !== null,
  offsets: (p) => [p.highWatermark, p.logStartOffset],
};

export type ReplicaFetchPlan = FetchSessionPlan<ReplicaFetchPartitionData>;

/**
 * The leader's incremental fetch sessions (KIP-227) for follower fetches:
 * the shared FetchSessionCache (its own instance, so followers never
 * compete with consumers for slots — Kafka privileges them in its one
 * cache) plus one rule: a follower holds at most one session here. Its
 * fetcher loop for this leader keeps one session; when it opens a new one
 * (after an error, a cut fetch or its own restart, which forgets the old
 * id) the old one is closed, so sessions stay ≤ followers and a restarted
 * follower leaves nothing behind. Bounded also by the cache's slots.
 */
export class ReplicaFetchSessions {
  private readonly cache: FetchSessionCache<ReplicaFetchPartitionData, ReplicaFetchPartitionResponse>;
  /** The session each follower (node id) last opened. */
  private readonly byReplica = new Map<number, number>();

  private readonly maxSessions: number;

  constructor(limits: FetchSessionLimits, clock: Clock, newId?: () => number) {
    this.maxSessions = limits.maxSessions;
    this.cache = new FetchSessionCache(REPLICA_FETCH_ANSWERS, limits, clock, newId);
  }

  stats(): FetchSessionStats {
    return this.cache.stats();
  }

  /** Which partitions the request reads (every partition of its session), or a session error. */
  begin(req: ReplicaFetchRequest): ReplicaFetchPlan {
    const session = req.session ?? { id: 0, epoch: FETCH_SESSION_FINAL_EPOCH, forgotten: [] };
    return this.cache.begin({ sessionId: session.id, sessionEpoch: session.epoch, topics: req.topics, forgotten: session.forgotten });
  }

  /** The answer to send: only partitions with news on an incremental fetch; a full one may open a session. */
  finish(replicaId: number, plan: Exclude<ReplicaFetchPlan, { kind: 'error' }>, res: ReplicaFetchResponse): ReplicaFetchResponse {
    const answer = this.cache.finish(plan, res);
    if (plan.kind === 'full' && answer.sessionId !== 0) {
      const previous = this.byReplica.get(replicaId);
      if (previous !== undefined && previous !== answer.sessionId) this.cache.close(previous);
      this.byReplica.delete(replicaId);
      this.byReplica.set(replicaId, answer.sessionId);
      // Bounded like the cache (a replica id is checked per partition, not per request): the oldest entry goes first.
      if (this.byReplica.size > this.maxSessions) this.byReplica.delete(this.byReplica.keys().next().value!);
    }
    return answer;
  }
}
