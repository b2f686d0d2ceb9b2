import fc from 'fast-check';
import { GregorError, type RecordMetadata } from '@gregor/client';
import { Delivery } from '../src/producer/delivery';

function meta(offset: number): RecordMetadata {
  return { topic: 't', partition: offset % 3, offset: BigInt(offset), timestamp: 0n };
}

type Outcome<T> = { status: 'pending' } | { status: 'resolved'; value: T } | { status: 'rejected'; error: unknown };

/** Follows a promise's outcome; read it after `ticks()`. */
function track<T>(p: Promise<T>): { readonly now: Outcome<T> } {
  const box: { now: Outcome<T> } = { now: { status: 'pending' } };
  p.then(
    (value) => void (box.now = { status: 'resolved', value }),
    (error: unknown) => void (box.now = { status: 'rejected', error }),
  );
  return box;
}

/** Lets every queued promise reaction run. */
const ticks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Delivery (one promise per send call)', () => {
  it('property: resolves to every record metadata in send order, whatever order the acks come in, and settles once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }).chain((n) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n })),
        async (ackOrder) => {
          let settled = 0;
          const d = new Delivery('t', ackOrder.length, 'all', 0, 0, () => settled++);
          const outcome = track(d.promise);
          for (let k = 0; k < ackOrder.length; k++) {
            await ticks();
            expect(outcome.now.status).toBe('pending');
            expect(settled).toBe(0);
            d.ack(ackOrder[k]!, meta(ackOrder[k]!));
          }
          await ticks();
          expect(outcome.now).toEqual({ status: 'resolved', value: ackOrder.map((_, i) => meta(i)) });
          expect(settled).toBe(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a single-record delivery resolves to the metadata itself', async () => {
    let settledWith: Delivery | undefined;
    const d = new Delivery('t', 1, 'single', 123, 4, (x) => (settledWith = x));
    d.ack(0, meta(7));
    expect(await d.promise).toEqual(meta(7));
    expect(settledWith).toBe(d);
    expect(settledWith!.epoch).toBe(4);
  });

  it('rejects with the first failure; later outcomes are ignored but still counted until the last record settles', async () => {
    let settled = 0;
    const d = new Delivery('t', 4, 'all', 0, 0, () => settled++);
    const outcome = track(d.promise);
    const first = new GregorError('MESSAGE_TOO_LARGE', 'first');
    d.ack(0, meta(0));
    d.fail(first, 1);
    await ticks();
    expect(outcome.now).toEqual({ status: 'rejected', error: first });
    d.fail(new GregorError('REQUEST_TIMED_OUT', 'second'), 2);
    expect(settled).toBe(0);
    d.ack(3, meta(3));
    expect(settled).toBe(1);
    await expect(d.promise).rejects.toBe(first);
  });

  it('each mode: resolves with every record\'s metadata or error in send order, never rejects', async () => {
    let settled = 0;
    const d = new Delivery('t', 3, 'each', 0, 0, () => settled++);
    const outcome = track(d.promise);
    const err = new GregorError('NOT_ENOUGH_REPLICAS', 'x');
    d.fail(err, 1);
    d.ack(2, meta(2));
    await ticks();
    expect(outcome.now.status).toBe('pending');
    d.ack(0, meta(0));
    await ticks();
    expect(outcome.now).toEqual({ status: 'resolved', value: [meta(0), err, meta(2)] });
    expect(settled).toBe(1);
  });

  it('a record settling twice is a broken invariant (assertion), not a silent miscount', () => {
    const d = new Delivery('t', 1, 'single', 0, 0, () => undefined);
    d.ack(0, meta(0));
    expect(() => d.ack(0, meta(0))).toThrow(/settled twice/);
    expect(() => new Delivery('t', 2, 'single', 0, 0, () => undefined)).toThrow();
    expect(() => new Delivery('t', 0, 'all', 0, 0, () => undefined)).toThrow();
  });
});
