import { randomInt } from 'node:crypto';
import { tpKey, type Clock } from '@gregor/common';
import type { FetchPartitionData, FetchPartitionResponse, FetchResponse, FetchTopicData, FetchTopicResponse } from '../api/fetch';

/**
 * Incremental fetch sessions (KIP-227) for the KAFKA listener's Fetch
 * (v7+). A consumer that fetches many partitions names them all once (a
 * full request, session epoch 0); the broker keeps them — offsets, limits
 * and what it last told the client about each — under a session id. Later
 * requests (epoch 1, 2, …) name only the partitions whose position changed
 * and those to forget, and the answer holds only partitions with news:
 * records, a moved high watermark, last stable offset or log start offset,
 * or an error. The request and response of an idle consumer of 10,000
 * partitions are then a few bytes instead of ~200 KB.
 *
 * Kafka's rules (FetchManager.newContext):
 * - epoch -1 (FINAL): a sessionless full fetch; a session named is closed.
 * - epoch 0 (INITIAL): a full fetch; a session named is closed and a new one
 *   created from the answer (id 0 in the answer when there is no slot:
 *   the client goes on with full fetches).
 * - epoch > 0: an incremental fetch on the session; unknown id →
 *   FETCH_SESSION_ID_NOT_FOUND, wrong epoch → INVALID_FETCH_SESSION_EPOCH
 *   (the client then starts a new session with a full fetch).
 *
 * Bounds: at most `maxSessions` sessions (`max.incremental.fetch.session.cache.slots`,
 * Kafka's default 1,000). At the bound a new session takes the slot of the
 * least recently used one if that one has been idle for `evictionMs` (Kafka:
 * 120 s), else it is not created. A session holds at most
 * MAX_PARTITIONS_PER_SESSION partitions: an incremental request that would
 * pass it closes the session (FETCH_SESSION_ID_NOT_FOUND), and a full
 * request that names more gets no session.
 */

export const FETCH_SESSION_FINAL_EPOCH = -1;
export const FETCH_SESSION_INITIAL_EPOCH = 0;
/** Kafka's min.incremental.fetch.session.eviction.ms (an internal constant there too). */
export const FETCH_SESSION_EVICTION_MS = 120_000;
export const MAX_PARTITIONS_PER_SESSION = 100_000;

export interface FetchSessionLimits {
  /** max.incremental.fetch.session.cache.slots; 0 turns sessions off (every answer has session id 0). */
  readonly maxSessions: number;
  /** How long a session must have been unused before a new one may take its slot. */
  readonly evictionMs: number;
}

/** The session fields of a Fetch request (v7+; older versions are sessionless: id 0, epoch -1). */
export interface FetchSessionRequest {
  readonly sessionId: number;
  readonly sessionEpoch: number;
  readonly topics: readonly FetchTopicData[];
  readonly forgotten: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

interface CachedPartition {
  readonly topic: string;
  readonly data: FetchPartitionData;
  /** What the last answer said (-1: nothing yet, so the next answer includes the partition). */
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
}

interface FetchSession {
  readonly id: number;
  /** The epoch the next request must carry. */
  epoch: number;
  /** Fetch order; a partition that returned records moves to the end (each gets its turn at maxBytes). */
  readonly partitions: Map<string, CachedPartition>;
  lastUsedMs: number;
}

/**
 * What one Fetch request reads, and how its answer is made (`finish`):
 * an error for the whole request, a sessionless or full fetch (every
 * partition answered), or an incremental one (only partitions with news).
 */
export type FetchSessionPlan =
  | { readonly kind: 'error'; readonly error: 'FETCH_SESSION_ID_NOT_FOUND' | 'INVALID_FETCH_SESSION_EPOCH' }
  | { readonly kind: 'sessionless'; readonly topics: readonly FetchTopicData[] }
  | { readonly kind: 'full'; readonly topics: readonly FetchTopicData[] }
  | { readonly kind: 'incremental'; readonly topics: readonly FetchTopicData[]; readonly session: FetchSession };

/** The counts an operator sees (gregor_kafka_fetch_sessions…). */
export interface FetchSessionStats {
  sessions: number;
  partitions: number;
  evicted: number;
}

/** Kafka's nextEpoch: epochs run 1 … 2^31-1, then 1 again. */
export function nextFetchSessionEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}

export class FetchSessionCache {
  /** Least recently used first (a used session moves to the end). */
  private readonly sessions = new Map<number, FetchSession>();
  private evicted = 0;

  constructor(
    private readonly limits: FetchSessionLimits,
    private readonly clock: Clock,
    /** A candidate session id (1 … 2^31-1); tests make it deterministic. */
    private readonly newId: () => number = () => randomInt(1, 0x7fffffff),
  ) {}

  stats(): FetchSessionStats {
    let partitions = 0;
    for (const s of this.sessions.values()) partitions += s.partitions.size;
    return { sessions: this.sessions.size, partitions, evicted: this.evicted };
  }

  /** Decides which session a request belongs to and what it reads (Kafka's FetchManager.newContext). */
  begin(req: FetchSessionRequest): FetchSessionPlan {
    const full = req.sessionEpoch === FETCH_SESSION_INITIAL_EPOCH || req.sessionEpoch === FETCH_SESSION_FINAL_EPOCH;
    if (full) {
      if (req.sessionId !== 0) this.sessions.delete(req.sessionId);
      return { kind: req.sessionEpoch === FETCH_SESSION_FINAL_EPOCH ? 'sessionless' : 'full', topics: req.topics };
    }
    const session = this.sessions.get(req.sessionId);
    if (session === undefined) return { kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' };
    if (session.epoch !== req.sessionEpoch) return { kind: 'error', error: 'INVALID_FETCH_SESSION_EPOCH' };
    for (const t of req.forgotten) for (const p of t.partitions) session.partitions.delete(tpKey(t.topic, p));
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const key = tpKey(t.name, p.partition);
        const cached = session.partitions.get(key);
        session.partitions.set(key, { topic: t.name, data: p, highWatermark: cached?.highWatermark ?? -1n, lastStableOffset: cached?.lastStableOffset ?? -1n, logStartOffset: cached?.logStartOffset ?? -1n });
      }
    }
    if (session.partitions.size > MAX_PARTITIONS_PER_SESSION) {
      this.sessions.delete(session.id);
      return { kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' };
    }
    session.epoch = nextFetchSessionEpoch(session.epoch);
    this.touch(session);
    return { kind: 'incremental', topics: topicRuns(session.partitions.values()), session };
  }

  /**
   * The answer's session id and partitions. A full fetch at epoch 0 creates
   * its session here, from what the answer says (id 0 without a slot); an
   * incremental one keeps only the partitions with news. Not called for a
   * request whose client went away (the caller drops that answer).
   */
  finish(plan: Exclude<FetchSessionPlan, { kind: 'error' }>, res: FetchResponse): { sessionId: number; topics: FetchTopicResponse[] } {
    if (plan.kind === 'sessionless') return { sessionId: 0, topics: res.topics };
    if (plan.kind === 'full') {
      const session = this.maybeCreate(plan.topics, res);
      return { sessionId: session?.id ?? 0, topics: res.topics };
    }
    const session = plan.session;
    const topics: FetchTopicResponse[] = [];
    const served: string[] = [];
    for (const t of res.topics) {
      const partitions = t.partitions.filter((p) => {
        const key = tpKey(t.name, p.partition);
        const cached = session.partitions.get(key);
        if (cached === undefined) return true; // forgotten by a later request meanwhile: answer it anyway
        if (p.records.length > 0) served.push(key);
        return hasNews(cached, p);
      });
      if (partitions.length > 0) topics.push({ name: t.name, partitions });
    }
    for (const key of served) {
      const cached = session.partitions.get(key)!;
      session.partitions.delete(key);
      session.partitions.set(key, cached);
    }
    return { sessionId: session.id, topics };
  }

  private maybeCreate(topics: readonly FetchTopicData[], res: FetchResponse): FetchSession | undefined {
    if (this.limits.maxSessions <= 0) return undefined;
    let count = 0;
    for (const t of topics) count += t.partitions.length;
    if (count > MAX_PARTITIONS_PER_SESSION) return undefined;
    const now = this.clock.monotonicMs();
    if (this.sessions.size >= this.limits.maxSessions) {
      const [oldest] = this.sessions.values();
      if (oldest === undefined || now - oldest.lastUsedMs < this.limits.evictionMs) return undefined;
      this.sessions.delete(oldest.id);
      this.evicted++;
    }
    let id = this.newId();
    for (let tries = 0; this.sessions.has(id) || id <= 0; tries++) {
      if (tries >= 16) return undefined; // ids come from 2^31: only a broken generator gets here
      id = this.newId();
    }
    const partitions = new Map<string, CachedPartition>();
    for (const t of topics) {
      for (const p of t.partitions) partitions.set(tpKey(t.name, p.partition), { topic: t.name, data: p, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n });
    }
    for (const t of res.topics) {
      for (const p of t.partitions) {
        const cached = partitions.get(tpKey(t.name, p.partition));
        if (cached !== undefined) hasNews(cached, p);
      }
    }
    const session: FetchSession = { id, epoch: nextFetchSessionEpoch(FETCH_SESSION_INITIAL_EPOCH), partitions, lastUsedMs: now };
    this.sessions.set(id, session);
    return session;
  }

  private touch(session: FetchSession): void {
    session.lastUsedMs = this.clock.monotonicMs();
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
  }
}

/**
 * Whether an incremental answer must carry this partition (Kafka's
 * CachedPartition.maybeUpdateResponseData), remembering what it says. An
 * error answers -1 offsets, so the partition is answered again once it
 * recovers.
 */
function hasNews(cached: CachedPartition, p: FetchPartitionResponse): boolean {
  let news = p.records.length > 0 || p.error !== null;
  if (cached.highWatermark !== p.highWatermark) news = true;
  if (cached.lastStableOffset !== p.lastStableOffset) news = true;
  if (cached.logStartOffset !== p.logStartOffset) news = true;
  cached.highWatermark = p.highWatermark;
  cached.lastStableOffset = p.lastStableOffset;
  cached.logStartOffset = p.logStartOffset;
  return news;
}

/** The session's partitions as fetch topics, in session order (consecutive partitions of one topic share an entry). */
function topicRuns(partitions: Iterable<CachedPartition>): FetchTopicData[] {
  const out: { name: string; partitions: FetchPartitionData[] }[] = [];
  for (const c of partitions) {
    const last = out[out.length - 1];
    if (last !== undefined && last.name === c.topic) last.partitions.push(c.data);
    else out.push({ name: c.topic, partitions: [c.data] });
  }
  return out;
}
