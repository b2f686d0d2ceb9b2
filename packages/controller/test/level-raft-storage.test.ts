import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeId } from '@gregor/common';
import type { Entry, LogIndex, Term } from '@gregor/raft';
import { LevelRaftStorage } from '../src/level-raft-storage';

const voters = [nodeId(1), nodeId(2), nodeId(3)];
const entry = (index: number, term: number, text = `e${index}`): Entry => ({
  index: index as LogIndex,
  term: term as Term,
  type: text === '' ? 'noop' : 'normal',
  data: Buffer.from(text),
});
const texts = (s: LevelRaftStorage): string[] =>
  s.entries(s.firstIndex(), (s.lastIndex() + 1) as LogIndex, Infinity).map((e) => `${e.index}@${e.term}:${Buffer.from(e.data).toString()}`);

describe('LevelRaftStorage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gregor-raft-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('persists hard state and entries, truncates a conflicting suffix, and reloads them', async () => {
    let s = await LevelRaftStorage.open(dir, voters);
    await s.persist({ entries: [entry(1, 1, ''), entry(2, 1), entry(3, 1), entry(4, 1)], hardState: { term: 1 as Term, vote: nodeId(2), commit: 2 as LogIndex } });
    // A new leader overwrote index 3 on: 4 must go even though it is not rewritten.
    await s.persist({ entries: [entry(3, 2, 'x')], hardState: { term: 2 as Term, vote: nodeId(3), commit: 3 as LogIndex } });
    expect(texts(s)).toEqual(['1@1:', '2@1:e2', '3@2:x']);
    await s.close();

    s = await LevelRaftStorage.open(dir, voters);
    expect(texts(s)).toEqual(['1@1:', '2@1:e2', '3@2:x']);
    expect(s.entries(1 as LogIndex, 2 as LogIndex, Infinity)[0]!.type).toBe('noop');
    expect(s.initialState().hardState).toEqual({ term: 2, vote: 3, commit: 3 });
    await s.close();
  });

  it('compacts behind a snapshot and restarts from snapshot + remaining log', async () => {
    let s = await LevelRaftStorage.open(dir, voters);
    await s.persist({ entries: [1, 2, 3, 4, 5, 6].map((i) => entry(i, 1)), hardState: { term: 1 as Term, vote: null, commit: 6 as LogIndex } });
    await s.createSnapshot(5 as LogIndex, Buffer.from('image@5'), 2);
    expect(s.firstIndex()).toBe(4);
    expect(s.snapshot().metadata).toMatchObject({ index: 5, term: 1 });
    await s.close();

    s = await LevelRaftStorage.open(dir, voters);
    expect(s.firstIndex()).toBe(4);
    expect(texts(s)).toEqual(['4@1:e4', '5@1:e5', '6@1:e6']);
    expect(Buffer.from(s.snapshot().data).toString()).toBe('image@5');
    expect(s.term(3 as LogIndex)).toBe(1);
    await s.close();
  });

  it('replaces the whole log with a snapshot from the leader', async () => {
    let s = await LevelRaftStorage.open(dir, voters);
    await s.persist({ entries: [entry(1, 1), entry(2, 1)] });
    const snapshot = { metadata: { index: 10 as LogIndex, term: 3 as Term, confState: { voters } }, data: Buffer.from('image@10') };
    await s.persist({ snapshot, entries: [entry(11, 3)] });
    expect(s.firstIndex()).toBe(11);
    await s.close();
    s = await LevelRaftStorage.open(dir, voters);
    expect(texts(s)).toEqual(['11@3:e11']);
    expect(s.snapshot().metadata.index).toBe(10);
    await s.close();
  });

  it('refuses to start with a different voter set than the stored snapshot', async () => {
    const s = await LevelRaftStorage.open(dir, voters);
    await s.persist({ entries: [entry(1, 1), entry(2, 1)] });
    await s.createSnapshot(2 as LogIndex, Buffer.from('x'), 0);
    await s.close();
    await expect(LevelRaftStorage.open(dir, [nodeId(1), nodeId(2)])).rejects.toThrow(/INVALID_CONFIG/);
  });
});
