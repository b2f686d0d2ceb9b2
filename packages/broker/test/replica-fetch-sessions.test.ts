import fc from 'fast-check';
import { GregorError, ManualClock, tpKey } from '@gregor/common';
import { FollowerFetchSession, type ReplicaFetchPartitionRequest } from '@gregor/replication-fetcher';
import type { ReplicaFetchPartitionResponse, ReplicaFetchRequest, ReplicaFetchResponse } from '../src/api/replication';
import { ReplicaFetchSessions, type ReplicaFetchPlan } from '../src/replica/replica-fetch-sessions';

/**
 * The follower's end of an incremental fetch session (replication-fetcher's
 * FollowerFetchSession) against the leader's (ReplicaFetchSessions over the
 * shared FetchSessionCache), as the gRPC client and the replica fetch
 * handler drive them, minus the wire.
 */

const PARTITIONS = 6;
const REPLICA = 2;

function want(partition: number, fetchOffset: bigint, leaderEpoch = 1): ReplicaFetchPartitionRequest {
  return { topic: 't', partition, fetchOffset, lastFetchedEpoch: 0, currentLeaderEpoch: leaderEpoch, partitionMaxBytes: 1 << 20, logStartOffset: 0n };
}

function answer(partition: number, hw: bigint, records = 0, error = false): ReplicaFetchPartitionResponse {
  return {
    partition,
    error: error ? new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved') : null,
    highWatermark: error ? -1n : hw,
    logStartOffset: error ? -1n : 0n,
    logEndOffset: error ? -1n : hw,
    divergingEpoch: null,
    records: Buffer.alloc(records),
  };
}

/** What the leader reads for a plan: partition → fetch offset and leader epoch. */
function readSet(plan: ReplicaFetchPlan): Map<string, string> {
  const out = new Map<string, string>();
  if (plan.kind === 'error') return out;
  for (const t of plan.topics) for (const p of t.partitions) out.set(tpKey(t.name, p.partition), `${p.fetchOffset}/${p.currentLeaderEpoch}`);
  return out;
}

/** One fetch as the client does it: build, send (the leader begins), and the request-level outcome. */
function send(follower: FollowerFetchSession, leader: ReplicaFetchSessions, partitions: ReplicaFetchPartitionRequest[]) {
  const planned = follower.next(partitions);
  const req: ReplicaFetchRequest = {
    replicaId: REPLICA,
    brokerEpoch: 1n,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    topics: planned.partitions.length === 0 ? [] : [{ name: 't', partitions: planned.partitions }],
    session: planned.session,
  };
  return { planned, plan: leader.begin(req) };
}

const respond = (partitions: ReplicaFetchPartitionResponse[]): ReplicaFetchResponse => ({ topics: [{ name: 't', partitions }] });
const answered = (res: ReplicaFetchResponse) => res.topics.flatMap((t) => t.partitions.map((p) => p.partition));

describe('replica fetch sessions (KIP-227 between brokers)', () => {
  let ids: number;
  const newLeader = (maxSessions = 10) => new ReplicaFetchSessions({ maxSessions, evictionMs: 1000 }, new ManualClock(), () => ++ids);
  beforeEach(() => {
    ids = 0;
  });

  it('an idle follower sends no partitions and gets none back, while the leader still reads every one', () => {
    const leader = newLeader();
    const follower = new FollowerFetchSession();
    const all = [0, 1, 2].map((p) => want(p, 5n));

    const first = send(follower, leader, all);
    expect(first.planned.full).toBe(true);
    if (first.plan.kind === 'error') throw new Error('unexpected error');
    const opened = leader.finish(REPLICA, first.plan, respond(all.map((p) => answer(p.partition, 5n))));
    expect(opened.sessionId).toBe(1);
    expect(answered(opened)).toEqual([0, 1, 2]);
    follower.answered(opened.sessionId!);

    const idle = send(follower, leader, all);
    expect(idle.planned.full).toBe(false);
    expect(idle.planned.partitions).toEqual([]);
    expect(idle.planned.session).toEqual({ id: 1, epoch: 1, forgotten: [] });
    expect([...readSet(idle.plan).keys()]).toEqual(['t-0', 't-1', 't-2']);
    if (idle.plan.kind === 'error') throw new Error('unexpected error');
    const quiet = leader.finish(REPLICA, idle.plan, respond(all.map((p) => answer(p.partition, 5n))));
    expect(answered(quiet)).toEqual([]);
    follower.answered(quiet.sessionId!);

    // Partition 1 got records and moved on; partition 2 sits out a backoff (forgotten).
    const moved = [want(0, 5n), want(1, 9n)];
    const busy = send(follower, leader, moved);
    expect(busy.planned.partitions.map((p) => p.partition)).toEqual([1]);
    expect(busy.planned.session.forgotten).toEqual([{ topic: 't', partitions: [2] }]);
    expect(readSet(busy.plan)).toEqual(new Map([['t-0', '5/1'], ['t-1', '9/1']]));
  });

  it('a follower whose session the leader lost starts over with a full fetch, closing its old session', () => {
    let leader = newLeader();
    const follower = new FollowerFetchSession();
    const all = [want(0, 1n), want(1, 1n)];
    const first = send(follower, leader, all);
    if (first.plan.kind === 'error') throw new Error('unexpected error');
    follower.answered(leader.finish(REPLICA, first.plan, respond([answer(0, 1n), answer(1, 1n)])).sessionId!);

    leader = newLeader(); // the leader restarted
    const lost = send(follower, leader, all);
    expect(lost.plan).toEqual({ kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' });
    follower.failed();
    const again = send(follower, leader, all);
    expect(again.planned.full).toBe(true);
    expect(again.planned.session.epoch).toBe(0);
    expect(readSet(again.plan).size).toBe(2);
  });

  it('holds one session per follower: a new full fetch closes the one it had', () => {
    const leader = newLeader();
    const open = () => {
      const f = new FollowerFetchSession(); // a restarted follower: it knows no session id
      const s = send(f, leader, [want(0, 1n)]);
      if (s.plan.kind === 'error') throw new Error('unexpected error');
      return leader.finish(REPLICA, s.plan, respond([answer(0, 1n)])).sessionId;
    };
    expect(open()).toBe(1);
    expect(open()).toBe(2);
    expect(open()).toBe(3);
    expect(leader.stats()).toEqual({ sessions: 1, partitions: 1, evicted: 0 });
  });

  type Step =
    | { kind: 'fetch'; wanted: boolean[]; advance: number[]; hw: number[]; records: boolean[]; errors: boolean[]; delivered: boolean }
    | { kind: 'leader-restart' };

  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 9, arbitrary: fc.record({
      kind: fc.constant('fetch' as const),
      wanted: fc.array(fc.boolean(), { minLength: PARTITIONS, maxLength: PARTITIONS }),
      advance: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: PARTITIONS, maxLength: PARTITIONS }),
      hw: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: PARTITIONS, maxLength: PARTITIONS }),
      records: fc.array(fc.boolean(), { minLength: PARTITIONS, maxLength: PARTITIONS }),
      errors: fc.array(fc.boolean(), { minLength: PARTITIONS, maxLength: PARTITIONS }),
      delivered: fc.boolean(),
    }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'leader-restart' as const }) },
  );

  it('property: the leader reads exactly what the follower wants, and the follower never misses a high watermark', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        ids = 0;
        let leader = newLeader();
        const follower = new FollowerFetchSession();
        const offsets = new Array<bigint>(PARTITIONS).fill(0n);
        /** The high watermark the follower last heard per partition, and what the leader last said. */
        const heard = new Map<number, bigint>();
        for (const s of steps) {
          if (s.kind === 'leader-restart') {
            leader = newLeader();
            continue;
          }
          s.advance.forEach((a, p) => (offsets[p] = offsets[p]! + BigInt(a)));
          const wanted = s.wanted.flatMap((w, p) => (w ? [want(p, offsets[p]!)] : []));
          let { planned, plan } = send(follower, leader, wanted);
          if (plan.kind === 'error') {
            // As the client: the session is gone or out of step, one full fetch at once.
            follower.failed();
            ({ planned, plan } = send(follower, leader, wanted));
            expect(planned.full).toBe(true);
          }
          if (plan.kind === 'error') throw new Error(`a full fetch failed: ${plan.error}`);
          expect(readSet(plan)).toEqual(new Map(wanted.map((p) => [tpKey(p.topic, p.partition), `${p.fetchOffset}/1`])));
          const leaderSays = wanted.map((p) => answer(p.partition, BigInt(s.hw[p.partition]!), s.records[p.partition] ? 10 : 0, s.errors[p.partition]));
          const res = leader.finish(REPLICA, plan, respond(leaderSays));
          if (!s.delivered) {
            follower.failed(); // cut short: the answer never arrived
            continue;
          }
          follower.answered(res.sessionId ?? 0);
          for (const t of res.topics) for (const p of t.partitions) heard.set(p.partition, p.highWatermark);
          for (const said of leaderSays) expect(heard.get(said.partition)).toBe(said.highWatermark);
          // Whatever has records or an error is always in the answer.
          const got = new Set(answered(res));
          for (const said of leaderSays) if (said.records.length > 0 || said.error !== null) expect(got.has(said.partition)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
