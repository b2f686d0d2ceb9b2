import { PartitionTailCache, TailCacheBudget } from '../src/tail-cache';

/** `n` back-to-back fake batches of `size` bytes starting at `base`, each holding `perBatch` offsets. */
function batches(base: bigint, n: number, size: number, perBatch = 10): { buf: Buffer; frames: { pos: number; size: number; baseOffset: bigint; lastOffsetDelta: number }[] } {
  const buf = Buffer.alloc(n * size);
  const frames = Array.from({ length: n }, (_, i) => {
    buf.fill(Number((base + BigInt(i * perBatch)) % 251n), i * size, (i + 1) * size);
    return { pos: i * size, size, baseOffset: base + BigInt(i * perBatch), lastOffsetDelta: perBatch - 1 };
  });
  return { buf, frames };
}

const firstBytes = (out: Buffer[] | undefined): number[] | undefined => out?.map((b) => b[0]!);

describe('tail cache', () => {
  it('answers reads inside the cached range with whole batches, like readBatches', () => {
    const budget = new TailCacheBudget(1 << 20);
    const cache = new PartitionTailCache(budget);
    const { buf, frames } = batches(100n, 5, 50); // offsets 100..149, batches at 100,110,...,140
    cache.add(buf, frames);
    expect(cache.size).toBe(5);
    // From the batch holding 115, up to 120 bytes: the holding batch and the next that fits.
    expect(firstBytes(cache.read(115n, 150n, 120))).toEqual([110, 120]);
    // At least one batch even when it is bigger than maxBytes (KIP-74).
    expect(firstBytes(cache.read(130n, 150n, 1))).toEqual([130]);
    // None starting at or past the upper offset.
    expect(firstBytes(cache.read(100n, 125n, 1 << 20))).toEqual([100, 110, 120]);
    // Outside the cache: the caller reads LevelDB.
    expect(cache.read(99n, 150n, 1000)).toBeUndefined();
    expect(cache.read(150n, 160n, 1000)).toBeUndefined();
    // The bytes are the appended bytes, not copies.
    expect(cache.read(100n, 150n, 50)![0]!.buffer).toBe(buf.buffer);
  });

  it('restarts when an append does not continue the cached batches', () => {
    const cache = new PartitionTailCache(new TailCacheBudget(1 << 20));
    const a = batches(0n, 2, 40);
    cache.add(a.buf, a.frames);
    const gap = batches(100n, 1, 40); // offsets 20..99 never cached
    cache.add(gap.buf, gap.frames);
    expect(cache.size).toBe(1);
    expect(cache.read(5n, 200n, 1000)).toBeUndefined();
    expect(firstBytes(cache.read(100n, 200n, 1000))).toEqual([100]);
  });

  it('spends one budget oldest-first across partitions and releases what it drops', () => {
    const budget = new TailCacheBudget(400);
    const p1 = new PartitionTailCache(budget);
    const p2 = new PartitionTailCache(budget);
    /** One buffer per batch, so that each can go on its own. */
    const addEach = (cache: PartitionTailCache, base: bigint, n: number): void => {
      for (let i = 0; i < n; i++) {
        const one = batches(base + BigInt(i * 10), 1, 100);
        cache.add(one.buf, one.frames);
      }
    };
    addEach(p1, 0n, 4); // 400 bytes: exactly the budget
    expect(budget.usedBytes).toBe(400);
    addEach(p2, 0n, 2); // evicts p1's two oldest
    expect(budget.usedBytes).toBe(400);
    expect([p1.size, p2.size]).toEqual([2, 2]);
    expect(p1.read(0n, 40n, 1000)).toBeUndefined();
    expect(firstBytes(p1.read(20n, 40n, 1000))).toEqual([20, 30]);
    p1.dropBelow(30n);
    expect([p1.size, budget.usedBytes]).toEqual([1, 300]);
    p2.clear();
    expect([p2.size, budget.usedBytes]).toEqual([0, 100]);
    // Evicting entries already dropped costs nothing and breaks nothing.
    addEach(p1, 40n, 3);
    expect([p1.size, budget.usedBytes]).toEqual([4, 400]);
    expect(firstBytes(p1.read(30n, 70n, 1000))).toEqual([30, 40, 50, 60]);
  });

  it('charges a buffer shared by several partitions once, until its last cached batch goes', () => {
    const budget = new TailCacheBudget(1000);
    const p1 = new PartitionTailCache(budget);
    const p2 = new PartitionTailCache(budget);
    // One produce request: 600 bytes holding a 100-byte batch for each partition and more.
    const request = Buffer.alloc(600);
    p1.add(request.subarray(0, 100), [{ pos: 0, size: 100, baseOffset: 0n, lastOffsetDelta: 0 }]);
    p2.add(request.subarray(100, 200), [{ pos: 0, size: 100, baseOffset: 0n, lastOffsetDelta: 0 }]);
    expect([budget.usedBytes, budget.pinnedBuffers]).toEqual([600, 1]);
    p1.clear();
    expect(budget.usedBytes).toBe(600); // p2 still pins the request
    // A second request that does not fit beside it evicts p2's batch, and with it the first request.
    const next = Buffer.alloc(600);
    p1.add(next.subarray(0, 100), [{ pos: 0, size: 100, baseOffset: 1n, lastOffsetDelta: 0 }]);
    expect([budget.usedBytes, budget.pinnedBuffers, p2.size]).toEqual([600, 1, 0]);
  });

  it('a batch that leaves the cache lets go of its buffer at once, though its slot is swept later', () => {
    const budget = new TailCacheBudget(100);
    const cache = new PartitionTailCache(budget);
    const first = batches(0n, 1, 100);
    cache.add(first.buf, first.frames);
    const evicted = (cache as unknown as { batches: { bytes: Buffer }[] }).batches[0]!;
    expect(evicted.bytes.buffer).toBe(first.buf.buffer);
    const second = batches(10n, 1, 100);
    cache.add(second.buf, second.frames); // evicts the first
    expect(cache.size).toBe(1);
    expect(evicted.bytes.length).toBe(0);
    expect(evicted.bytes.buffer).not.toBe(first.buf.buffer);
    expect([budget.usedBytes, budget.pinnedBuffers]).toEqual([100, 1]);
  });

  it('charges a batch that pins a larger buffer for all of it, and a zero budget caches nothing', () => {
    const budget = new TailCacheBudget(10_000);
    const cache = new PartitionTailCache(budget);
    const big = Buffer.alloc(4000);
    cache.add(big.subarray(0, 100), [{ pos: 0, size: 100, baseOffset: 0n, lastOffsetDelta: 0 }]);
    expect(budget.usedBytes).toBe(4000);
    const off = new PartitionTailCache(new TailCacheBudget(0));
    const a = batches(0n, 1, 10);
    off.add(a.buf, a.frames);
    expect(off.size).toBe(0);
  });
});

describe('tail cache budget bookkeeping', () => {
  it('does not keep dropped batches when the cache is cleared often but never fills (a compacted topic)', () => {
    const budget = new TailCacheBudget(1 << 30);
    const cache = new PartitionTailCache(budget);
    for (let i = 0; i < 20_000; i++) {
      const { buf, frames } = batches(BigInt(i * 10), 1, 10);
      cache.add(buf, frames);
      if (i % 3 === 2) cache.clear();
    }
    expect(budget.trackedEntries).toBeLessThanOrEqual(2 * cache.size + 1024);
    expect(budget.usedBytes).toBe(cache.size * 10);
    expect(budget.pinnedBuffers).toBe(cache.size);
  });
});
