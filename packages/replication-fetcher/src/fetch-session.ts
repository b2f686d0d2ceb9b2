import { FETCH_SESSION_INITIAL_EPOCH, nextFetchSessionEpoch, tpKey } from '@gregor/common';
import type { ReplicaFetchPartitionRequest } from './replication-client';

/** The session fields of one follower fetch (replication.proto ReplicaFetchSession). */
export interface FetchSessionFields {
  readonly id: number;
  readonly epoch: number;
  readonly forgotten: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

/** What one fetch sends: its session fields and the partitions to name. */
export interface SessionFetch {
  readonly session: FetchSessionFields;
  /** Every partition on a full fetch; on an incremental one only those the leader's session does not hold as they are. */
  readonly partitions: readonly ReplicaFetchPartitionRequest[];
  /** Whether this is a full fetch (epoch 0). */
  readonly full: boolean;
}

function samePosition(a: ReplicaFetchPartitionRequest, b: ReplicaFetchPartitionRequest): boolean {
  return (
    a.fetchOffset === b.fetchOffset &&
    a.lastFetchedEpoch === b.lastFetchedEpoch &&
    a.currentLeaderEpoch === b.currentLeaderEpoch &&
    a.partitionMaxBytes === b.partitionMaxBytes &&
    a.logStartOffset === b.logStartOffset
  );
}

/**
 * The follower's end of one incremental fetch session with one leader
 * (KIP-227, Kafka's FetchSessionHandler; the leader's end is the broker's
 * FetchSessionCache). Pure bookkeeping, no I/O: `next` builds a fetch from
 * every partition the loop wants now, `answered`/`failed` say how it went.
 *
 * Without a session (or after any failure) a fetch is full: every
 * partition, epoch 0, naming the old session so that the leader closes it
 * and opens a new one. With one, a fetch names only partitions whose fields
 * changed since the session last saw them (an idle follower names none),
 * forgets those the loop no longer wants (removed, or sitting out a
 * backoff), and the answer carries only partitions with news. Any failure
 * — a session error, a transport error, a fetch cut short — leaves the
 * leader's view unknown, so the next fetch is full again. A leader that
 * does not know sessions answers id 0: every fetch stays full.
 *
 * Bounded: `held` holds at most the partitions of the last fetch sent.
 */
export class FollowerFetchSession {
  private id = 0;
  private epoch = FETCH_SESSION_INITIAL_EPOCH;
  /** What the leader's session holds of each partition (valid while epoch > 0). */
  private held = new Map<string, ReplicaFetchPartitionRequest>();
  /** The partitions of the fetch in flight, taken as held once it is answered. */
  private sending: Map<string, ReplicaFetchPartitionRequest> | undefined;

  /** The session id the next fetch names (0: none). */
  get sessionId(): number {
    return this.id;
  }

  /** Builds the fetch for `partitions`: every partition this fetch wants, in the loop's order. */
  next(partitions: readonly ReplicaFetchPartitionRequest[]): SessionFetch {
    const wanted = new Map<string, ReplicaFetchPartitionRequest>();
    for (const p of partitions) wanted.set(tpKey(p.topic, p.partition), p);
    this.sending = wanted;
    if (this.id === 0 || this.epoch === FETCH_SESSION_INITIAL_EPOCH) {
      return { session: { id: this.id, epoch: FETCH_SESSION_INITIAL_EPOCH, forgotten: [] }, partitions, full: true };
    }
    const changed = partitions.filter((p) => {
      const held = this.held.get(tpKey(p.topic, p.partition));
      return held === undefined || !samePosition(held, p);
    });
    const forgotten = new Map<string, number[]>();
    for (const [key, p] of this.held) {
      if (wanted.has(key)) continue;
      let list = forgotten.get(p.topic);
      if (list === undefined) forgotten.set(p.topic, (list = []));
      list.push(p.partition);
    }
    return {
      session: { id: this.id, epoch: this.epoch, forgotten: [...forgotten].map(([topic, ps]) => ({ topic, partitions: ps })) },
      partitions: changed,
      full: false,
    };
  }

  /** The leader answered the fetch `next` built, naming `sessionId` (0: no session, the next fetch is full again). */
  answered(sessionId: number): void {
    const sent = this.sending ?? new Map<string, ReplicaFetchPartitionRequest>();
    this.sending = undefined;
    if (this.epoch === FETCH_SESSION_INITIAL_EPOCH || this.id === 0) {
      this.id = sessionId;
      this.epoch = sessionId === 0 ? FETCH_SESSION_INITIAL_EPOCH : nextFetchSessionEpoch(FETCH_SESSION_INITIAL_EPOCH);
      this.held = sessionId === 0 ? new Map() : sent;
      return;
    }
    this.held = sent;
    this.epoch = nextFetchSessionEpoch(this.epoch);
  }

  /** The fetch failed or was cut short: whatever the leader made of it, the next fetch is full (closing this session). */
  failed(): void {
    this.sending = undefined;
    this.epoch = FETCH_SESSION_INITIAL_EPOCH;
    this.held = new Map();
  }
}
