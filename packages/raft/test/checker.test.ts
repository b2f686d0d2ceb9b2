import { nodeId } from '@gregor/common';
import type { Entry, HardState, LogIndex, Ready, Term } from '@gregor/raft';
import { MemoryStorage } from '@gregor/raft';
import type { CheckedNode, RaftView } from '../src/sim/checker';
import { SafetyChecker, SafetyViolation } from '../src/sim/checker';
import { INITIAL_STATE, applyEntry } from '../src/sim/state-machine';

/**
 * The simulator is only as good as its checker: each test here breaks one
 * Raft property by hand and expects the checker to name it.
 */

const ids = [1, 2, 3].map(nodeId);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const entry = (index: number, term: number, data = `e${index}`): Entry => ({
  index: index as LogIndex,
  term: term as Term,
  type: 'normal',
  data: bytes(data),
});
const hs = (term: number, vote: number | null, commit: number): HardState => ({
  term: term as Term,
  vote: vote === null ? null : nodeId(vote),
  commit: commit as LogIndex,
});

interface Fake extends CheckedNode {
  raft: RaftView | null;
}

function cluster(): Fake[] {
  return ids.map((id) => ({ id, storage: new MemoryStorage(ids), raft: null }));
}

/** Persists like a driver would, then tells the checker. */
function persist(checker: SafetyChecker, node: Fake, ready: Partial<Ready>): void {
  const rd: Ready = { entries: [], messages: [], committedEntries: [], ...ready };
  node.storage.persistReady(rd);
  checker.onPersisted(node, rd);
}

function leaderStub(term: number, log: Record<number, number> = {}): RaftView {
  return {
    role: 'leader',
    term: term as Term,
    logTerm: (i: LogIndex) => log[i] as Term | undefined,
    status: () => ({ firstIndex: 1 }) as ReturnType<RaftView['status']>,
  };
}

function violation(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SafetyViolation) return err.kind;
    throw err;
  }
  return 'none';
}

test('a healthy history passes', () => {
  const checker = new SafetyChecker(3);
  const nodes = cluster();
  for (const n of nodes) persist(checker, n, { entries: [entry(1, 1)], hardState: hs(1, 1, 1) });
  nodes[0].raft = leaderStub(1, { 1: 1 });
  expect(violation(() => checker.afterStep(nodes))).toBe('none');
  const after = applyEntry(INITIAL_STATE, entry(1, 1));
  expect(violation(() => checker.onApplied(ids[1], entry(1, 1), after))).toBe('none');
  expect(checker.committedIndex).toBe(1);
});

test('two leaders in one term break Election Safety', () => {
  const checker = new SafetyChecker(3);
  const nodes = cluster();
  nodes[0].raft = leaderStub(3);
  nodes[1].raft = leaderStub(3);
  expect(violation(() => checker.afterStep(nodes))).toBe('election-safety');
});

test('a second vote in the same term is caught', () => {
  const checker = new SafetyChecker(3);
  const [a] = cluster();
  persist(checker, a, { hardState: hs(2, 2, 0) });
  expect(violation(() => persist(checker, a, { hardState: hs(2, 3, 0) }))).toBe('double-vote');
});

test('the same index and term with different data breaks Log Matching', () => {
  const checker = new SafetyChecker(3);
  const [a, b] = cluster();
  persist(checker, a, { entries: [entry(1, 1, 'x')] });
  expect(violation(() => persist(checker, b, { entries: [entry(1, 1, 'y')] }))).toBe('log-matching');
});

test('the same index and term after different predecessors breaks Log Matching', () => {
  const checker = new SafetyChecker(3);
  const [a, b] = cluster();
  persist(checker, a, { entries: [entry(1, 1), entry(2, 2)] });
  expect(violation(() => persist(checker, b, { entries: [entry(1, 2), entry(2, 2)] }))).toBe('log-matching');
});

test('committing a different entry at a committed index is caught', () => {
  const checker = new SafetyChecker(3);
  const [a, b] = cluster();
  persist(checker, a, { entries: [entry(1, 1)], hardState: hs(1, 1, 1) });
  persist(checker, b, { entries: [entry(1, 2)] });
  expect(violation(() => persist(checker, b, { hardState: hs(2, 2, 1) }))).toBe('committed-changed');
});

test('applying what was not committed breaks State Machine Safety', () => {
  const checker = new SafetyChecker(3);
  const e = entry(1, 1);
  expect(violation(() => checker.onApplied(ids[0], e, applyEntry(INITIAL_STATE, e)))).toBe('state-machine-safety');
});

test('a committed entry held by a minority of disks is lost', () => {
  const checker = new SafetyChecker(3);
  const nodes = cluster();
  persist(checker, nodes[0], { entries: [entry(1, 1)], hardState: hs(1, 1, 1) });
  expect(violation(() => checker.afterStep(nodes))).toBe('committed-lost');
  persist(checker, nodes[1], { entries: [entry(1, 1)] });
  expect(violation(() => checker.afterStep(nodes))).toBe('none');
});

test('a new leader without an entry committed in an earlier term breaks Leader Completeness', () => {
  const checker = new SafetyChecker(3);
  const nodes = cluster();
  persist(checker, nodes[0], { entries: [entry(1, 1)], hardState: hs(1, 1, 1) });
  persist(checker, nodes[1], { entries: [entry(1, 1)] });
  nodes[2].raft = leaderStub(2, {});
  expect(violation(() => checker.afterStep(nodes))).toBe('leader-completeness');
});

test('a commit observed in the leader\'s own term does not bind it', () => {
  const checker = new SafetyChecker(3);
  const nodes = cluster();
  persist(checker, nodes[0], { entries: [entry(1, 2)], hardState: hs(2, 1, 1) });
  persist(checker, nodes[1], { entries: [entry(1, 2)] });
  nodes[2].raft = leaderStub(2, {});
  // The commit was observed at term 2, so it may have happened in term 2
  // itself; only commits observed in earlier terms bind a leader of term 2.
  expect(violation(() => checker.afterStep(nodes))).toBe('none');
});

test('diverging application states are caught through the state hash', () => {
  const checker = new SafetyChecker(3);
  const nodes = cluster();
  for (const n of nodes) persist(checker, n, { entries: [entry(1, 1)], hardState: hs(1, 1, 1) });
  const good = applyEntry(INITIAL_STATE, entry(1, 1));
  checker.onApplied(ids[0], entry(1, 1), good);
  expect(violation(() => checker.onStateRestored(ids[1], { index: good.index, hash: good.hash ^ 1 }))).toBe(
    'state-machine-safety',
  );
});
