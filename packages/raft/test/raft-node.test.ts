import { AssertionError, GregorError, nodeId } from '@gregor/common';
import type { LogIndex, RaftConfig, Term } from '@gregor/raft';
import { MemoryStorage, RaftNode, createPrng } from '@gregor/raft';

const voters = [1, 2, 3].map(nodeId);

function node(overrides: Partial<RaftConfig> = {}): RaftNode {
  return new RaftNode({
    id: nodeId(1),
    voters,
    storage: new MemoryStorage(voters),
    prng: createPrng(1),
    ...overrides,
  });
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof GregorError) return err.errorName;
    throw err;
  }
  return 'none';
}

describe('configuration', () => {
  test('bad settings fail with INVALID_CONFIG', () => {
    expect(configError(() => node({ heartbeatIntervalTicks: 10, electionTimeoutTicks: 10 }))).toBe('INVALID_CONFIG');
    expect(configError(() => node({ maxInflightMsgs: 0 }))).toBe('INVALID_CONFIG');
    expect(configError(() => node({ id: nodeId(9) }))).toBe('INVALID_CONFIG');
    expect(configError(() => node({ voters: [nodeId(1), nodeId(1)] }))).toBe('INVALID_CONFIG');
  });

  test('voters must match what storage already holds', () => {
    const storage = new MemoryStorage([1, 2, 3, 4, 5].map(nodeId));
    expect(configError(() => node({ storage }))).toBe('INVALID_CONFIG');
  });
});

describe('ready / advance', () => {
  test('ready() twice without advance() is a driver bug', () => {
    const n = node();
    n.campaign();
    n.ready();
    expect(() => n.ready()).toThrow(AssertionError);
  });

  test('advance() takes only the last Ready', () => {
    const n = node();
    n.campaign();
    n.ready();
    expect(() => n.advance({ entries: [], messages: [], committedEntries: [] })).toThrow(AssertionError);
  });

  test('messages stepped in while a Ready is handled wait for the next one', () => {
    const n = node({ preVote: false });
    n.campaign();
    const rd = n.ready();
    expect(rd.messages.map((m) => m.type)).toEqual(['MsgVote', 'MsgVote']);
    n.step({ type: 'MsgVoteResp', from: nodeId(2), to: nodeId(1), term: n.term, reject: false });
    n.advance(rd);
    expect(n.role).toBe('leader');
    const next = n.ready();
    expect(next.entries.map((e) => e.type)).toEqual(['noop']);
    expect(next.messages.map((m) => m.type)).toEqual(['MsgApp', 'MsgApp']);
  });

  test('entries overwritten while their Ready is being persisted stay unstable', () => {
    const storage = new MemoryStorage(voters);
    const n = node({ id: nodeId(2), storage });
    const e = (index: number, t: number) => ({ index: index as LogIndex, term: t as Term, type: 'normal' as const, data: new Uint8Array([t]) });
    const app = (from: number, t: number, entries: ReturnType<typeof e>[]) =>
      n.step({
        type: 'MsgApp', from: nodeId(from), to: nodeId(2), term: t as Term,
        prevLogIndex: 0 as LogIndex, prevLogTerm: 0 as Term, entries, commit: 0 as LogIndex,
      });
    app(1, 1, [e(1, 1), e(2, 1)]);
    const first = n.ready();
    expect(first.entries.map((x) => `${x.index}/${x.term}`)).toEqual(['1/1', '2/1']);
    // A new leader overwrites both entries before the first Ready is durable.
    app(3, 2, [e(1, 2), e(2, 2)]);
    storage.persistReady(first);
    n.advance(first);
    const second = n.ready();
    expect(second.entries.map((x) => `${x.index}/${x.term}`)).toEqual(['1/2', '2/2']);
    storage.persistReady(second);
    n.advance(second);
    expect([storage.term(1 as LogIndex), storage.term(2 as LogIndex)]).toEqual([2, 2]);
  });

  test('nothing to do means no Ready', () => {
    const n = node();
    expect(n.hasReady()).toBe(false);
    n.tick();
    expect(n.hasReady()).toBe(false);
  });
});

test('the election timeout is drawn from [T, 2T) and differs between draws', () => {
  const waits = new Set<number>();
  for (let seed = 1; seed <= 60; seed++) {
    const n = node({ prng: createPrng(seed), electionTimeoutTicks: 10 });
    let ticks = 0;
    while (n.role === 'follower' && ticks < 100) {
      n.tick();
      ticks++;
    }
    waits.add(ticks);
  }
  expect(Math.min(...waits)).toBeGreaterThanOrEqual(10);
  expect(Math.max(...waits)).toBeLessThan(20);
  expect(waits.size).toBeGreaterThan(5);
});

test('a restarted node resumes its term, vote and commit, and re-applies after `applied`', () => {
  const storage = new MemoryStorage([nodeId(1)]);
  const first = new RaftNode({ id: nodeId(1), voters: [nodeId(1)], storage, prng: createPrng(1) });
  first.campaign();
  first.propose(new Uint8Array([7]));
  const rd = first.ready();
  storage.persistReady(rd);
  first.advance(rd);
  expect(storage.currentHardState()).toEqual({ term: 1, vote: 1, commit: 2 });

  const again = new RaftNode({ id: nodeId(1), voters: [nodeId(1)], storage, prng: createPrng(2), applied: 1 as LogIndex });
  expect(again.status()).toMatchObject({ term: 1, vote: 1, commit: 2, applied: 1, role: 'follower' });
  const replay = again.ready();
  expect(replay.committedEntries.map((e) => e.index)).toEqual([2]);
  expect(replay.hardState).toBeUndefined(); // nothing new to persist
});

test('a follower ignores messages from outside the membership', () => {
  const n = node();
  n.step({ type: 'MsgHeartbeat', from: nodeId(9), to: nodeId(1), term: 5 as never, commit: 0 as LogIndex });
  expect(n.term).toBe(0);
  expect(n.hasReady()).toBe(false);
});
