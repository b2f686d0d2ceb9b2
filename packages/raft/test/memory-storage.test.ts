import fc from 'fast-check';
import { nodeId } from '@gregor/common';
import type { Entry, LogIndex, Term } from '@gregor/raft';
import { MemoryStorage } from '@gregor/raft';

const voters = [1, 2, 3].map(nodeId);
const entry = (index: number, term: number): Entry => ({
  index: index as LogIndex,
  term: term as Term,
  type: 'normal',
  data: new Uint8Array([index & 0xff, term & 0xff]),
});
const range = (lo: number, hi: number, term: number): Entry[] =>
  Array.from({ length: hi - lo + 1 }, (_, i) => entry(lo + i, term));

test('append drops the conflicting suffix and keeps what precedes it', () => {
  const st = new MemoryStorage(voters);
  st.append(range(1, 5, 1));
  st.append([entry(3, 2), entry(4, 2)]);
  expect(st.lastIndex()).toBe(4);
  expect(st.entries(1 as LogIndex, 5 as LogIndex, Infinity).map((e) => e.term)).toEqual([1, 1, 2, 2]);
});

test('a gap after the last index is a programming error', () => {
  const st = new MemoryStorage(voters);
  st.append(range(1, 2, 1));
  expect(() => st.append([entry(4, 1)])).toThrow(/gap/);
});

test('compaction keeps the term of the last compacted entry and needs a snapshot first', () => {
  const st = new MemoryStorage(voters);
  st.append([...range(1, 3, 1), ...range(4, 6, 2)]);
  expect(() => st.compact(4 as LogIndex)).toThrow(/past the snapshot/);
  st.createSnapshot(5 as LogIndex, new Uint8Array([9]));
  st.compact(4 as LogIndex);
  expect(st.firstIndex()).toBe(5);
  expect(st.term(4 as LogIndex)).toBe(2);
  expect(() => st.term(3 as LogIndex)).toThrow();
  expect(st.snapshot().metadata).toEqual({ index: 5, term: 2, confState: { voters } });
});

test('entries respect the byte limit but always return at least one', () => {
  const st = new MemoryStorage(voters);
  st.append(range(1, 4, 1));
  // Each entry is 2 payload bytes + 24 bytes of overhead.
  expect(st.entries(1 as LogIndex, 5 as LogIndex, 1)).toHaveLength(1);
  expect(st.entries(1 as LogIndex, 5 as LogIndex, 52)).toHaveLength(2);
  expect(st.entries(1 as LogIndex, 5 as LogIndex, 77)).toHaveLength(2);
});

test('applySnapshot replaces the log', () => {
  const st = new MemoryStorage(voters);
  st.append(range(1, 3, 1));
  st.applySnapshot({ metadata: { index: 10 as LogIndex, term: 4 as Term, confState: { voters } }, data: new Uint8Array() });
  expect([st.firstIndex(), st.lastIndex(), st.term(10 as LogIndex)]).toEqual([11, 10, 4]);
});

type Op = { kind: 'append'; at: number; count: number; term: number } | { kind: 'compact'; back: number };

/** Property: MemoryStorage behaves like a plain array of every entry ever kept. */
test('matches a naive model under random appends and compactions', () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('append' as const), at: fc.nat(30), count: fc.integer({ min: 1, max: 5 }), term: fc.integer({ min: 1, max: 9 }) }),
    fc.record({ kind: fc.constant('compact' as const), back: fc.nat(5) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const st = new MemoryStorage(voters);
      // model[i] is the term at index i; entries below `first` are compacted.
      const model: number[] = [0];
      let first = 1;
      for (const o of ops) {
        const last = model.length - 1;
        if (o.kind === 'append') {
          const at = first + (o.at % (last - first + 2));
          const term = Math.max(o.term, model[at - 1] ?? 0);
          st.append(range(at, at + o.count - 1, term));
          model.length = at;
          for (let i = 0; i < o.count; i++) model.push(term);
        } else if (last >= first) {
          const snapAt = Math.max(first, last - o.back);
          if (snapAt > st.snapshot().metadata.index) st.createSnapshot(snapAt as LogIndex, new Uint8Array());
          st.compact(Math.min(snapAt, st.snapshot().metadata.index) as LogIndex);
          first = Math.max(first, st.snapshot().metadata.index + 1);
        }
        expect(st.firstIndex()).toBe(first);
        expect(st.lastIndex()).toBe(model.length - 1);
        for (let i = first - 1; i < model.length; i++) expect(st.term(i as LogIndex)).toBe(model[i]);
      }
    }),
    { numRuns: 200 },
  );
});
