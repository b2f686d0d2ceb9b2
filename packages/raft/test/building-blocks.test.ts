import fc from 'fast-check';
import { nodeId } from '@gregor/common';
import type { LogIndex } from '@gregor/raft';
import { createPrng } from '@gregor/raft';
import { Inflights } from '../src/inflights';
import { Progress } from '../src/progress';
import { majority, quorumMatchIndex, voteResult } from '../src/quorum';

describe('quorum', () => {
  test('quorumMatchIndex is the highest index a majority has (naive count)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 7 }), (matches) => {
        const naive = Math.max(0, ...matches.filter((x) => matches.filter((m) => m >= x).length >= majority(matches.length)));
        expect(quorumMatchIndex(matches as LogIndex[])).toBe(naive);
      }),
    );
  });

  test('voteResult decides as soon as the outcome is certain', () => {
    const voters = [1, 2, 3, 4, 5].map(nodeId);
    const votes = (entries: [number, boolean][]) => new Map(entries.map(([id, v]) => [nodeId(id), v]));
    expect(voteResult(voters, votes([[1, true], [2, true]]))).toBe('pending');
    expect(voteResult(voters, votes([[1, true], [2, true], [3, true]]))).toBe('won');
    expect(voteResult(voters, votes([[1, true], [2, false], [3, false]]))).toBe('pending');
    expect(voteResult(voters, votes([[1, true], [2, false], [3, false], [4, false]]))).toBe('lost');
  });
});

describe('inflights', () => {
  type Op = { kind: 'add'; step: number; bytes: number } | { kind: 'free'; back: number } | { kind: 'freeFirst' };

  test('behaves like a bounded array of (index, bytes)', () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), step: fc.integer({ min: 1, max: 3 }), bytes: fc.nat(40) }),
      fc.record({ kind: fc.constant('free' as const), back: fc.nat(6) }),
      fc.record({ kind: fc.constant('freeFirst' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 }), fc.array(op, { maxLength: 60 }), (maxMsgs, maxBytes, ops) => {
        const inf = new Inflights(maxMsgs, maxBytes);
        let model: { index: number; bytes: number }[] = [];
        let last = 0;
        const full = () => model.length === maxMsgs || model.reduce((s, m) => s + m.bytes, 0) >= maxBytes;
        for (const o of ops) {
          if (o.kind === 'add') {
            if (full()) {
              expect(() => inf.add((last + o.step) as LogIndex, o.bytes)).toThrow(/full/);
              continue;
            }
            last += o.step;
            inf.add(last as LogIndex, o.bytes);
            model.push({ index: last, bytes: o.bytes });
          } else if (o.kind === 'free') {
            const upTo = last - o.back;
            inf.freeLE(upTo as LogIndex);
            model = model.filter((m) => m.index > upTo);
          } else {
            inf.freeFirstOne();
            model = model.slice(1);
          }
          expect(inf.size()).toBe(model.length);
          expect(inf.sizeBytes()).toBe(model.reduce((s, m) => s + m.bytes, 0));
          expect(inf.full()).toBe(full());
        }
      }),
    );
  });
});

describe('progress', () => {
  test('probe sends one message at a time; an ack switches to replicate', () => {
    const pr = new Progress(0 as LogIndex, 6 as LogIndex, 2, 1000);
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(1, 6 as LogIndex, 25);
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeUpdate(6 as LogIndex)).toBe(true);
    pr.becomeReplicate();
    pr.sentEntries(1, 7 as LogIndex, 25);
    pr.sentEntries(1, 8 as LogIndex, 25);
    expect([pr.next, pr.isPaused()]).toEqual([9, true]);
    expect(pr.maybeUpdate(7 as LogIndex)).toBe(true);
    pr.inflights.freeLE(7 as LogIndex);
    expect(pr.isPaused()).toBe(false);
  });

  test('a stale rejection is ignored, a fresh one backs off to the hint', () => {
    const pr = new Progress(3 as LogIndex, 11 as LogIndex, 4, 1000);
    expect(pr.maybeDecrTo(7 as LogIndex, 5 as LogIndex)).toBe(false); // not the probe at 10
    expect(pr.maybeDecrTo(10 as LogIndex, 5 as LogIndex)).toBe(true);
    expect(pr.next).toBe(6);
    expect(pr.maybeDecrTo(5 as LogIndex, 0 as LogIndex)).toBe(true);
    expect(pr.next).toBe(4); // never below match + 1
  });

  test('after a snapshot, probing resumes past the snapshot', () => {
    const pr = new Progress(2 as LogIndex, 3 as LogIndex, 4, 1000);
    pr.becomeSnapshot(20 as LogIndex);
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe();
    expect(pr.next).toBe(21);
  });
});

describe('prng', () => {
  test('a seed gives the same sequence; different seeds differ', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, ((p) => () => p.nextUint32())(createPrng(seed)));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  test('nextInt stays in range and covers it about evenly', () => {
    const p = createPrng(123);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[p.nextInt(10)]++;
    // Deterministic for this seed; a broken generator (stuck bits, bias)
    // would leave buckets empty or doubled.
    for (const c of counts) expect(c).toBeGreaterThan(850);
    for (const c of counts) expect(c).toBeLessThan(1150);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});
