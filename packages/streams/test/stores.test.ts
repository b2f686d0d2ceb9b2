import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { CachingStore, InMemoryBytesStore, LevelBytesStore, punctuationDue } from '../src';

const b = (s: string): Buffer => Buffer.from(s);
const entries = (it: Iterable<[Buffer, Buffer]>): string[] => [...it].map(([k, v]) => `${k.toString()}=${v.toString()}`);

describe('LevelBytesStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gregor-streams-level-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads its own writes before flush, keeps flushed data across reopen, drops unflushed data of a crash', async () => {
    const store = await LevelBytesStore.open('s', dir);
    store.put(b('b'), b('2'));
    store.put(b('a'), b('1'));
    store.put(b('c'), b('3'));
    store.delete(b('c'));
    expect(store.get(b('a'))?.toString()).toBe('1');
    expect(entries(store.range())).toEqual(['a=1', 'b=2']);
    await store.close(); // flushes
    const again = await LevelBytesStore.open('s', dir);
    expect(entries(again.range(b('a'), b('b')))).toEqual(['a=1']);
    expect(again.size()).toBe(2);
    expect(again.get(b('c'))).toBeUndefined();
    await again.close();
  });
});

describe('CachingStore', () => {
  it('collapses writes per key until flush and reports new and old values once', () => {
    const inner = new InMemoryBytesStore('s');
    inner.put(b('k'), b('old'));
    const cache = new CachingStore(inner, 100, () => 42);
    const flushed: string[] = [];
    cache.setFlushListener((k, nv, ov, ts) => flushed.push(`${k}:${nv?.toString() ?? 'null'}<-${ov?.toString() ?? 'null'}@${ts}`));
    cache.put(b('k'), b('1'));
    cache.put(b('k'), b('2'));
    cache.put(b('n'), b('x'));
    cache.delete(b('n')); // never reached the store: nothing to write or report
    expect(inner.get(b('k'))?.toString()).toBe('old');
    expect(cache.get(b('k'))?.toString()).toBe('2');
    cache.flushCache();
    expect(flushed).toEqual(['k:2<-old@42']);
    expect(inner.get(b('k'))?.toString()).toBe('2');
    expect(inner.get(b('n'))).toBeUndefined();
  });

  it('discard drops dirty entries without writing them or telling the listener (a task closed dirty)', () => {
    const inner = new InMemoryBytesStore('s');
    const cache = new CachingStore(inner, 10, () => 0);
    const flushed: string[] = [];
    cache.setFlushListener((k) => flushed.push(k.toString()));
    cache.put(b('k'), b('v'));
    cache.discard();
    cache.flushCache();
    expect(flushed).toEqual([]);
    expect(inner.size()).toBe(0);
    expect(cache.get(b('k'))).toBeUndefined();
  });

  it('evicts least recently used dirty entries past maxEntries, writing them down first', () => {
    const inner = new InMemoryBytesStore('s');
    const cache = new CachingStore(inner, 2, () => 0);
    cache.put(b('a'), b('1'));
    cache.put(b('b'), b('2'));
    cache.get(b('a')); // a is now most recently used
    cache.put(b('c'), b('3'));
    expect(inner.get(b('b'))?.toString()).toBe('2');
    expect(inner.get(b('a'))).toBeUndefined();
  });

  it('property: after flush the inner store equals a plain map of the same writes; reads always agree', () => {
    const op = fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), value: fc.option(fc.string({ maxLength: 3 }), { nil: null }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (ops, max) => {
        const inner = new InMemoryBytesStore('s');
        const cache = new CachingStore(inner, max, () => 0);
        const model = new Map<string, string>();
        for (const { key, value } of ops) {
          if (value === null) {
            cache.delete(b(key));
            model.delete(key);
          } else {
            cache.put(b(key), b(value));
            model.set(key, value);
          }
          for (const k of ['a', 'b', 'c', 'd', 'e']) expect(cache.get(b(k))?.toString()).toBe(model.get(k));
        }
        expect(entries(cache.range())).toEqual([...model].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${k}=${v}`));
        cache.flushCache();
        expect(entries(inner.range())).toEqual(entries(cache.range()));
      }),
    );
  });
});

describe('InMemoryBytesStore', () => {
  it('property: range(from, to) equals filtering and sorting a plain map', () => {
    const key = fc.uint8Array({ maxLength: 3 }).map((a) => Buffer.from(a));
    const op = fc.record({ key, del: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.option(key, { nil: undefined }), fc.option(key, { nil: undefined }), (ops, from, to) => {
        const store = new InMemoryBytesStore('s');
        const model = new Map<string, Buffer>();
        for (const { key: k, del } of ops) {
          if (del) {
            store.delete(k);
            model.delete(k.toString('hex'));
          } else {
            store.put(k, k);
            model.set(k.toString('hex'), k);
          }
        }
        const expected = [...model.values()]
          .filter((k) => (from === undefined || Buffer.compare(k, from) >= 0) && (to === undefined || Buffer.compare(k, to) < 0))
          .sort(Buffer.compare)
          .map((k) => k.toString('hex'));
        expect([...store.range(from, to)].map(([k]) => k.toString('hex'))).toEqual(expected);
        expect(store.size()).toBe(model.size);
      }),
    );
  });
});

describe('punctuationDue', () => {
  it('fires at the first time, then on its grid, once however many intervals were skipped', () => {
    expect(punctuationDue({ intervalMs: 100, nextMs: undefined }, 30)).toEqual({ fire: true, nextMs: 130 });
    expect(punctuationDue({ intervalMs: 100, nextMs: 130 }, 129)).toEqual({ fire: false, nextMs: 130 });
    expect(punctuationDue({ intervalMs: 100, nextMs: 130 }, 130)).toEqual({ fire: true, nextMs: 230 });
    expect(punctuationDue({ intervalMs: 100, nextMs: 130 }, 545)).toEqual({ fire: true, nextMs: 630 });
  });
});
