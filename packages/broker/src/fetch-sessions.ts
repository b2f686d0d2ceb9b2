import { randomInt } from 'node:crypto';
import { FETCH_SESSION_FINAL_EPOCH, FETCH_SESSION_INITIAL_EPOCH, nextFetchSessionEpoch, tpKey, type Clock } from '@gregor/common';
import type { FetchPartitionData, FetchPartitionResponse } from './api/fetch';

/**
 * Incremental fetch sessions (KIP-227), one piece of logic for both
 * fetches that name many partitions: the KAFKA listener's Fetch (v7+) and
 * the follower's FetchFromLeader/FetchStream between brokers (each with
 * its own cache). A fetcher that fetches many partitions names them all
 * once (a full request, session epoch 0); the broker keeps them — offsets,
 * limits and what it last told the fetcher about each — under a session
 * id. Later requests (epoch 1, 2, …) name only the partitions whose
 * position changed and those to forget, and the answer holds only
 * partitions with news (`FetchSessionAnswers`: records, an error, a moved
 * offset). The request and response of an idle consumer of 10,000
 * partitions are then a few bytes instead of ~200 KB; an idle follower's
 * likewise, while the leader still reads every session partition each
 * fetch (its position counts towards the ISR, as in Kafka).
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

export { FETCH_SESSION_FINAL_EPOCH, FETCH_SESSION_INITIAL_EPOCH, nextFetchSessionEpoch };
/** Kafka's min.incremental.fetch.session.eviction.ms (an internal constant there too). */
export const FETCH_SESSION_EVICTION_MS = 120_000;
export const MAX_PARTITIONS_PER_SESSION = 100_000;

/** What makes a partition's answer news: the fetch kind's own rule (Kafka's CachedPartition.maybeUpdateResponseData). */
export interface FetchSessionAnswers<R> {
  /** Whether an incremental answer must carry the partition whatever it said before (records, an error). */
  urgent(r: R): boolean;
  /** The offsets the answer tells, in a fixed order: a change of any since the last answer is news. */
  offsets(r: R): readonly bigint[];
}

/** The least a session needs of one partition of a request. */
export interface SessionPartitionData {
  readonly partition: number;
}

/** The least a session needs of one partition of an answer. */
export interface SessionPartitionAnswer {
  readonly partition: number;
  readonly records: Buffer;
}

/** A consumer Fetch's answer (KAFKA listener): records, an error, or a moved high watermark, last stable or log start offset. */
export const CONSUMER_FETCH_ANSWERS: FetchSessionAnswers<FetchPartitionResponse> = {
  urgent: (p) => p.records.length > 0 || p.error !== null,
  offsets: (p) => [p.highWatermark, p.lastStableOffset, p.logStartOffset],
};

export interface FetchSessionLimits {
  /** max.incremental.fetch.session.cache.slots; 0 turns sessions off (every answer has session id 0). */
  readonly maxSessions: number;
  /** How long a session must have been unused before a new one may take its slot. */
  readonly evictionMs: number;
}

/** The session fields of a Fetch request (v7+; older versions are sessionless: id 0, epoch -1). */
export interface FetchSessionRequest<D extends SessionPartitionData = FetchPartitionData> {
  readonly sessionId: number;
  readonly sessionEpoch: number;
  readonly topics: readonly SessionTopic<D>[];
  readonly forgotten: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

/** A topic's partitions in a request or an answer. */
export interface SessionTopic<P> {
  readonly name: string;
  readonly partitions: readonly P[];
}

interface CachedPartition<D> {
  readonly topic: string;
  readonly data: D;
  /** The offsets the last answer told (undefined: none yet, so the next answer includes the partition). */
  told: readonly bigint[] | undefined;
}

interface FetchSession<D> {
  readonly id: number;
  /** The epoch the next request must carry. */
  epoch: number;
  /** Fetch order; a partition that returned records moves to the end (each gets its turn at maxBytes). */
  readonly partitions: Map<string, CachedPartition<D>>;
  lastUsedMs: number;
}

/**
 * What one Fetch request reads, and how its answer is made (`finish`):
 * an error for the whole request, a sessionless or full fetch (every
 * partition answered), or an incremental one (only partitions with news).
 */
export type FetchSessionPlan<D extends SessionPartitionData = FetchPartitionData> =
  | { readonly kind: 'error'; readonly error: 'FETCH_SESSION_ID_NOT_FOUND' | 'INVALID_FETCH_SESSION_EPOCH' }
  | { readonly kind: 'sessionless'; readonly topics: readonly SessionTopic<D>[] }
  | { readonly kind: 'full'; readonly topics: readonly SessionTopic<D>[] }
  | { readonly kind: 'incremental'; readonly topics: readonly SessionTopic<D>[]; readonly session: FetchSession<D> };

/** The counts an operator sees (gregor_kafka_fetch_sessions…). */
export interface FetchSessionStats {
  sessions: number;
  partitions: number;
  evicted: number;
}

/**
 * The sessions of one kind of fetch: D is what a request says of a
 * partition, R what an answer says (`answers` tells news from repeats).
 * Defaults: the consumer Fetch.
 */
export class FetchSessionCache<D extends SessionPartitionData = FetchPartitionData, R extends SessionPartitionAnswer = FetchPartitionResponse> {
  /** Least recently used first (a used session moves to the end). */
  private readonly sessions = new Map<number, FetchSession<D>>();
  private evicted = 0;

  constructor(
    private readonly answers: FetchSessionAnswers<R>,
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

  /** Drops a session (a follower that opened a newer one); unknown ids are ignored. */
  close(id: number): void {
    this.sessions.delete(id);
  }

  /** Decides which session a request belongs to and what it reads (Kafka's FetchManager.newContext). */
  begin(req: FetchSessionRequest<D>): FetchSessionPlan<D> {
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
        session.partitions.set(key, { topic: t.name, data: p, told: cached?.told });
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
  finish<T extends SessionTopic<R>>(plan: Exclude<FetchSessionPlan<D>, { kind: 'error' }>, res: { readonly topics: readonly T[] }): { sessionId: number; topics: T[] } {
    if (plan.kind === 'sessionless') return { sessionId: 0, topics: [...res.topics] };
    if (plan.kind === 'full') {
      const session = this.maybeCreate(plan.topics, res);
      return { sessionId: session?.id ?? 0, topics: [...res.topics] };
    }
    const session = plan.session;
    const topics: T[] = [];
    const served: string[] = [];
    for (const t of res.topics) {
      const partitions = t.partitions.filter((p) => {
        const key = tpKey(t.name, p.partition);
        const cached = session.partitions.get(key);
        if (cached === undefined) return true; // forgotten by a later request meanwhile: answer it anyway
        if (p.records.length > 0) served.push(key);
        return this.hasNews(cached, p);
      });
      if (partitions.length > 0) topics.push({ ...t, partitions });
    }
    for (const key of served) {
      const cached = session.partitions.get(key)!;
      session.partitions.delete(key);
      session.partitions.set(key, cached);
    }
    return { sessionId: session.id, topics };
  }

  private maybeCreate(topics: readonly SessionTopic<D>[], res: { readonly topics: readonly SessionTopic<R>[] }): FetchSession<D> | undefined {
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
    const partitions = new Map<string, CachedPartition<D>>();
    for (const t of topics) {
      for (const p of t.partitions) partitions.set(tpKey(t.name, p.partition), { topic: t.name, data: p, told: undefined });
    }
    for (const t of res.topics) {
      for (const p of t.partitions) {
        const cached = partitions.get(tpKey(t.name, p.partition));
        if (cached !== undefined) this.hasNews(cached, p);
      }
    }
    const session: FetchSession<D> = { id, epoch: nextFetchSessionEpoch(FETCH_SESSION_INITIAL_EPOCH), partitions, lastUsedMs: now };
    this.sessions.set(id, session);
    return session;
  }

  private touch(session: FetchSession<D>): void {
    session.lastUsedMs = this.clock.monotonicMs();
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
  }

  /**
   * Whether an incremental answer must carry this partition (Kafka's
   * CachedPartition.maybeUpdateResponseData), remembering what it says. An
   * error answers -1 offsets, so the partition is answered again once it
   * recovers.
   */
  private hasNews(cached: CachedPartition<D>, p: R): boolean {
    const offsets = this.answers.offsets(p);
    const told = cached.told;
    cached.told = offsets;
    if (this.answers.urgent(p) || told === undefined) return true;
    for (let i = 0; i < offsets.length; i++) if (offsets[i] !== told[i]) return true;
    return false;
  }
}

/** The session's partitions as fetch topics, in session order (consecutive partitions of one topic share an entry). */
function topicRuns<D>(partitions: Iterable<CachedPartition<D>>): SessionTopic<D>[] {
  const out: { name: string; partitions: D[] }[] = [];
  for (const c of partitions) {
    const last = out[out.length - 1];
    if (last !== undefined && last.name === c.topic) last.partitions.push(c.data);
    else out.push({ name: c.topic, partitions: [c.data] });
  }
  return out;
}
