import { GregorError, silentLogger } from '@gregor/common';
import { ProducerIdManager, type ProducerIdBlock } from '@gregor/broker';

/** An allocator the test answers by hand. */
function scriptedAllocator(): { allocate: () => Promise<ProducerIdBlock>; calls: number; answer(block: ProducerIdBlock | Error): void } {
  const pending: { resolve: (b: ProducerIdBlock) => void; reject: (e: Error) => void }[] = [];
  const s = {
    calls: 0,
    allocate: () => {
      s.calls++;
      return new Promise<ProducerIdBlock>((resolve, reject) => pending.push({ resolve, reject }));
    },
    answer(block: ProducerIdBlock | Error) {
      const p = pending.shift()!;
      if (block instanceof Error) p.reject(block);
      else p.resolve(block);
    },
  };
  return s;
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ProducerIdManager', () => {
  test('concurrent callers share one allocation; ids are consecutive within a block', async () => {
    const a = scriptedAllocator();
    const m = new ProducerIdManager(a.allocate, silentLogger());
    const ids = [m.nextProducerId(), m.nextProducerId(), m.nextProducerId()];
    await flush();
    expect(a.calls).toBe(1);
    a.answer({ firstProducerId: 100n, size: 10 });
    expect((await Promise.all(ids)).sort()).toEqual([100n, 101n, 102n]);
  });

  test('the next block is fetched at 90% use, so the switch does not wait', async () => {
    const a = scriptedAllocator();
    const m = new ProducerIdManager(a.allocate, silentLogger());
    const first = m.nextProducerId();
    await flush();
    a.answer({ firstProducerId: 0n, size: 10 });
    expect(await first).toBe(0n);
    for (let i = 1; i < 9; i++) expect(await m.nextProducerId()).toBe(BigInt(i));
    await flush();
    expect(a.calls).toBe(2); // prefetch started with one id left
    a.answer({ firstProducerId: 50n, size: 10 });
    await flush();
    expect(await m.nextProducerId()).toBe(9n);
    expect(await m.nextProducerId()).toBe(50n);
    expect(a.calls).toBe(2);
  });

  test('a failed allocation is retriable COORDINATOR_LOAD_IN_PROGRESS; the next call tries again', async () => {
    const a = scriptedAllocator();
    const m = new ProducerIdManager(a.allocate, silentLogger());
    const failing = m.nextProducerId();
    await flush();
    a.answer(new GregorError('NOT_CONTROLLER', 'no active controller'));
    await expect(failing).rejects.toMatchObject({ errorName: 'COORDINATOR_LOAD_IN_PROGRESS', retriable: true });
    const ok = m.nextProducerId();
    await flush();
    a.answer({ firstProducerId: 7n, size: 1 });
    expect(await ok).toBe(7n);
  });

  test('a block that overlaps the current one is a broken invariant', async () => {
    const a = scriptedAllocator();
    const m = new ProducerIdManager(a.allocate, silentLogger());
    const first = m.nextProducerId();
    await flush();
    a.answer({ firstProducerId: 0n, size: 1 });
    expect(await first).toBe(0n);
    const next = m.nextProducerId();
    await flush();
    a.answer({ firstProducerId: 0n, size: 1 });
    await expect(next).rejects.toMatchObject({ name: 'AssertionError' });
  });
});
