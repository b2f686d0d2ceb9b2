import { GregorError, ManualClock } from '@gregor/common';
import type { FetchPartitionResponse, FetchResponse, FetchTopicData } from '../src/api/fetch';
import { CONSUMER_FETCH_ANSWERS, FetchSessionCache, MAX_PARTITIONS_PER_SESSION, nextFetchSessionEpoch, type FetchSessionPlan } from '../src/fetch-sessions';

const want = (partition: number, fetchOffset = 0n) => ({ partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 });
const topic = (name: string, ...partitions: number[]): FetchTopicData => ({ name, partitions: partitions.map((p) => want(p)) });

/** A partition's answer: `records` bytes of data, offsets as given. */
function answer(partition: number, o: { hw?: bigint; records?: number; error?: boolean; lso?: bigint; logStart?: bigint } = {}): FetchPartitionResponse {
  const hw = o.error === true ? -1n : (o.hw ?? 10n);
  return {
    partition,
    error: o.error === true ? new GregorError('NOT_LEADER_OR_FOLLOWER', 'moved') : null,
    highWatermark: hw,
    lastStableOffset: o.error === true ? -1n : (o.lso ?? hw),
    logStartOffset: o.error === true ? -1n : (o.logStart ?? 0n),
    abortedTransactions: null,
    records: Buffer.alloc(o.records ?? 0),
  };
}
const response = (...topics: [string, FetchPartitionResponse[]][]): FetchResponse => ({ topics: topics.map(([name, partitions]) => ({ name, partitions })) });
const answered = (r: { topics: { name: string; partitions: { partition: number }[] }[] }) => r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partition}`));

function ok(plan: FetchSessionPlan): Exclude<FetchSessionPlan, { kind: 'error' }> {
  if (plan.kind === 'error') throw new Error(`unexpected ${plan.error}`);
  return plan;
}

describe('FetchSessionCache (KIP-227)', () => {
  let clock: ManualClock;
  let ids: number;
  const cache = (maxSessions = 10) => new FetchSessionCache(CONSUMER_FETCH_ANSWERS, { maxSessions, evictionMs: 1000 }, clock, () => ++ids);
  beforeEach(() => {
    clock = new ManualClock();
    ids = 100;
  });

  /** Opens a session over `topics` whose first answer is `res`; returns its id. */
  function open(c: FetchSessionCache, topics: FetchTopicData[], res: FetchResponse): number {
    const plan = ok(c.begin({ sessionId: 0, sessionEpoch: 0, topics, forgotten: [] }));
    expect(plan.kind).toBe('full');
    return c.finish(plan, res).sessionId;
  }

  it('opens a session on a full fetch at epoch 0 and answers every partition then, only those with news later', () => {
    const c = cache();
    const id = open(c, [topic('a', 0, 1, 2)], response(['a', [answer(0), answer(1), answer(2)]]));
    expect(id).toBe(101);
    expect(c.stats()).toEqual({ sessions: 1, partitions: 3, evicted: 0 });

    // Nothing changed: the session reads every partition, the answer names none.
    const quiet = ok(c.begin({ sessionId: id, sessionEpoch: 1, topics: [], forgotten: [] }));
    expect(quiet.kind).toBe('incremental');
    expect(answered({ topics: quiet.topics.map((t) => ({ name: t.name, partitions: [...t.partitions] })) })).toEqual(['a-0', 'a-1', 'a-2']);
    expect(answered(c.finish(quiet, response(['a', [answer(0), answer(1), answer(2)]])))).toEqual([]);

    // Records on 1, a new high watermark on 2, an error on 0: all three are news.
    const busy = ok(c.begin({ sessionId: id, sessionEpoch: 2, topics: [], forgotten: [] }));
    const out = c.finish(busy, response(['a', [answer(0, { error: true }), answer(1, { records: 5 }), answer(2, { hw: 11n })]]));
    expect(out.sessionId).toBe(id);
    expect(answered(out)).toEqual(['a-0', 'a-1', 'a-2']);

    // The log start moving is news; the recovered partition 0 is answered again (its offsets differ from the error's -1).
    const next = ok(c.begin({ sessionId: id, sessionEpoch: 3, topics: [], forgotten: [] }));
    expect(answered(c.finish(next, response(['a', [answer(0), answer(1, { logStart: 3n }), answer(2, { hw: 11n })]])))).toEqual(['a-0', 'a-1']);
  });

  it('takes new positions and partitions from an incremental request, drops forgotten ones, and moves partitions that returned records to the end', () => {
    const c = cache();
    const id = open(c, [topic('a', 0, 1), topic('b', 0)], response(['a', [answer(0), answer(1)]], ['b', [answer(0)]]));
    const plan = ok(c.begin({ sessionId: id, sessionEpoch: 1, topics: [{ name: 'a', partitions: [want(0, 7n)] }, topic('c', 0)], forgotten: [{ topic: 'b', partitions: [0] }] }));
    const read = plan.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partition, p.fetchOffset]));
    expect(read).toEqual([
      ['a', 0, 7n],
      ['a', 1, 0n],
      ['c', 0, 0n],
    ]);
    // c-0 is new to the session: answered although nothing else changed.
    const out = c.finish(plan, response(['a', [answer(0, { records: 1 }), answer(1)]], ['c', [answer(0)]]));
    expect(answered(out)).toEqual(['a-0', 'c-0']);
    const after = ok(c.begin({ sessionId: id, sessionEpoch: 2, topics: [], forgotten: [] }));
    expect(after.topics.map((t) => `${t.name}:${t.partitions.map((p) => p.partition).join(',')}`)).toEqual(['a:1', 'c:0', 'a:0']);
  });

  it('answers FETCH_SESSION_ID_NOT_FOUND for an unknown session and INVALID_FETCH_SESSION_EPOCH for a wrong epoch', () => {
    const c = cache();
    const id = open(c, [topic('a', 0)], response(['a', [answer(0)]]));
    expect(c.begin({ sessionId: 999, sessionEpoch: 1, topics: [], forgotten: [] })).toEqual({ kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' });
    expect(c.begin({ sessionId: id, sessionEpoch: 2, topics: [], forgotten: [] })).toEqual({ kind: 'error', error: 'INVALID_FETCH_SESSION_EPOCH' });
    // The refused request did not move the epoch: 1 is still the one.
    expect(ok(c.begin({ sessionId: id, sessionEpoch: 1, topics: [], forgotten: [] })).kind).toBe('incremental');
    // A retry of the same epoch (the answer was lost) is refused: the client starts over with a full fetch.
    expect(c.begin({ sessionId: id, sessionEpoch: 1, topics: [], forgotten: [] })).toEqual({ kind: 'error', error: 'INVALID_FETCH_SESSION_EPOCH' });
  });

  it('closes a session named by a full request: epoch -1 fetches without one, epoch 0 opens a new one', () => {
    const c = cache();
    const first = open(c, [topic('a', 0)], response(['a', [answer(0)]]));
    const sessionless = ok(c.begin({ sessionId: first, sessionEpoch: -1, topics: [topic('a', 0)], forgotten: [] }));
    expect(sessionless.kind).toBe('sessionless');
    expect(c.finish(sessionless, response(['a', [answer(0)]])).sessionId).toBe(0);
    expect(c.begin({ sessionId: first, sessionEpoch: 1, topics: [], forgotten: [] })).toEqual({ kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' });
    const second = open(c, [topic('a', 0)], response(['a', [answer(0)]]));
    const third = ok(c.begin({ sessionId: second, sessionEpoch: 0, topics: [topic('a', 0)], forgotten: [] }));
    expect(c.finish(third, response(['a', [answer(0)]])).sessionId).not.toBe(second);
    expect(c.stats().sessions).toBe(1);
  });

  it('holds at most maxSessions: a new one evicts the least recently used only once it has been idle evictionMs, else gets id 0', () => {
    const c = cache(2);
    const s1 = open(c, [topic('a', 0)], response(['a', [answer(0)]]));
    clock.advance(10);
    const s2 = open(c, [topic('a', 0)], response(['a', [answer(0)]]));
    expect(open(c, [topic('a', 0)], response(['a', [answer(0)]]))).toBe(0);
    clock.advance(995);
    // s1 was used last 1005 ms ago, but using it now makes s2 the least recently used (995 ms: not yet evictable).
    ok(c.begin({ sessionId: s1, sessionEpoch: 1, topics: [], forgotten: [] }));
    expect(open(c, [topic('a', 0)], response(['a', [answer(0)]]))).toBe(0);
    clock.advance(5);
    const s3 = open(c, [topic('a', 0)], response(['a', [answer(0)]]));
    expect(s3).not.toBe(0);
    expect(c.begin({ sessionId: s2, sessionEpoch: 1, topics: [], forgotten: [] })).toEqual({ kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' });
    expect(c.stats()).toMatchObject({ sessions: 2, evicted: 1 });
  });

  it('keeps no session with 0 slots, and none over MAX_PARTITIONS_PER_SESSION partitions', () => {
    expect(open(cache(0), [topic('a', 0)], response(['a', [answer(0)]]))).toBe(0);
    const c = cache();
    const many = Array.from({ length: MAX_PARTITIONS_PER_SESSION + 1 }, (_, i) => i);
    expect(open(c, [topic('a', ...many)], response())).toBe(0);
    const id = open(c, [topic('a', 0)], response(['a', [answer(0)]]));
    expect(c.begin({ sessionId: id, sessionEpoch: 1, topics: [topic('b', ...many)], forgotten: [] })).toEqual({ kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' });
    expect(c.stats().sessions).toBe(0);
  });

  it('runs epochs 1 … 2^31-1 and then 1 again', () => {
    expect(nextFetchSessionEpoch(0)).toBe(1);
    expect(nextFetchSessionEpoch(41)).toBe(42);
    expect(nextFetchSessionEpoch(0x7fffffff)).toBe(1);
  });
});
