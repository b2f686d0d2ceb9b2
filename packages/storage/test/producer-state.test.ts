import fc from 'fast-check';
import {
  MAX_SEQUENCE,
  applyProducerBatch,
  checkProducerBatch,
  isNextSequence,
  lastSequenceOf,
  type ProducerBatchInfo,
  type ProducerEntry,
} from '@gregor/storage';
import { decodeProducerSnapshot, encodeProducerSnapshot } from '../src/producer-state';

const SEED = process.env['SEED'] !== undefined ? Number(process.env['SEED']) : undefined;
const NUM_RUNS = Number(process.env['NUM_RUNS'] ?? 200);
const fcParams = { numRuns: NUM_RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) };

const batch = (baseSequence: number, records = 1, producerEpoch = 0, producerId = 7n): ProducerBatchInfo => ({
  producerId,
  producerEpoch,
  baseSequence,
  lastOffsetDelta: records - 1,
  maxTimestamp: 1000n,
});

/** Applies batches as a leader would after checking each: returns the entry. */
function appendAll(batches: ProducerBatchInfo[], startOffset = 0n): ProducerEntry | undefined {
  let entry: ProducerEntry | undefined;
  let offset = startOffset;
  for (const b of batches) {
    expect(checkProducerBatch(entry, b)).toEqual({ kind: 'append' });
    entry = applyProducerBatch(entry, b, offset);
    offset += BigInt(b.lastOffsetDelta) + 1n;
  }
  return entry;
}

describe('sequence arithmetic', () => {
  test('sequences wrap from 2^31 - 1 to 0, as Kafka increments them', () => {
    expect(lastSequenceOf(0, 4)).toBe(4);
    expect(lastSequenceOf(MAX_SEQUENCE, 0)).toBe(MAX_SEQUENCE);
    expect(lastSequenceOf(MAX_SEQUENCE, 1)).toBe(0);
    expect(lastSequenceOf(MAX_SEQUENCE - 2, 5)).toBe(2);
    expect(isNextSequence(MAX_SEQUENCE, 0)).toBe(true);
    expect(isNextSequence(4, 5)).toBe(true);
    expect(isNextSequence(4, 6)).toBe(false);
    expect(isNextSequence(4, 4)).toBe(false);
  });

  test('property: lastSequenceOf agrees with (base + delta) mod 2^31', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SEQUENCE }), fc.integer({ min: 0, max: 100_000 }), (base, delta) => {
        expect(lastSequenceOf(base, delta)).toBe((base + delta) % (MAX_SEQUENCE + 1));
      }),
      fcParams,
    );
  });
});

describe('checkProducerBatch (the leader rules)', () => {
  test('an unknown producer must start at sequence 0 (else UNKNOWN_PRODUCER_ID), in any epoch', () => {
    expect(checkProducerBatch(undefined, batch(0))).toEqual({ kind: 'append' });
    expect(checkProducerBatch(undefined, batch(0, 1, 7))).toEqual({ kind: 'append' });
    expect(checkProducerBatch(undefined, batch(42))).toMatchObject({ kind: 'reject', error: 'UNKNOWN_PRODUCER_ID' });
  });

  test('each of the last five batches is a duplicate answered with its original offsets; the sixth back is not', () => {
    const entry = appendAll([0, 1, 2, 3, 4, 5].map((i) => batch(i * 2, 2)), 100n)!;
    expect(entry.batches).toHaveLength(5);
    for (let i = 1; i <= 5; i++) {
      expect(checkProducerBatch(entry, batch(i * 2, 2))).toEqual({
        kind: 'duplicate',
        original: { firstSeq: i * 2, lastSeq: i * 2 + 1, firstOffset: 100n + BigInt(i * 2), lastOffset: 101n + BigInt(i * 2), timestamp: 1000n },
      });
    }
    // Seq 0-1 fell out of the cache: too old to tell, so out of order.
    expect(checkProducerBatch(entry, batch(0, 2))).toMatchObject({ kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    // Same first sequence, different length: not the same batch.
    expect(checkProducerBatch(entry, batch(10, 1))).toMatchObject({ kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
  });

  test('a gap is OUT_OF_ORDER_SEQUENCE_NUMBER, flagged early when ahead; the next sequence appends', () => {
    const entry = appendAll([batch(0, 3), batch(3, 3)])!;
    expect(checkProducerBatch(entry, batch(6))).toEqual({ kind: 'append' });
    expect(checkProducerBatch(entry, batch(7))).toMatchObject({ kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER', early: true });
    // Behind (and not one of the cached batches): a stale retry, not early.
    expect(checkProducerBatch(entry, batch(1, 2))).toMatchObject({ kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER', early: false });
    expect(checkProducerBatch(undefined, batch(3))).toMatchObject({ kind: 'reject', error: 'UNKNOWN_PRODUCER_ID', early: true });
  });

  test('an older epoch is fenced; a newer one must start at sequence 0 and resets the cache', () => {
    const entry = appendAll([batch(0, 1, 3), batch(1, 1, 3)])!;
    expect(checkProducerBatch(entry, batch(2, 1, 2))).toMatchObject({ kind: 'reject', error: 'INVALID_PRODUCER_EPOCH' });
    expect(checkProducerBatch(entry, batch(1, 1, 2))).toMatchObject({ kind: 'reject', error: 'INVALID_PRODUCER_EPOCH' });
    expect(checkProducerBatch(entry, batch(5, 1, 4))).toMatchObject({ kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(checkProducerBatch(entry, batch(0, 1, 4))).toEqual({ kind: 'append' });
    const bumped = applyProducerBatch(entry, batch(0, 1, 4), 10n);
    expect(bumped).toMatchObject({ epoch: 4, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 10n }] });
    // A retry of an old-epoch batch is not a duplicate any more: the producer was bumped.
    expect(checkProducerBatch(bumped, batch(1, 1, 3))).toMatchObject({ kind: 'reject', error: 'INVALID_PRODUCER_EPOCH' });
  });

  test('sequences continue across the wrap at 2^31 - 1', () => {
    // A producer that has sent up to just below the wrap: MAX - 2 appended, then MAX - 1, MAX, 0 in one batch.
    const before = applyProducerBatch(undefined, batch(MAX_SEQUENCE - 2), 0n);
    expect(checkProducerBatch(before, batch(MAX_SEQUENCE - 1, 3))).toEqual({ kind: 'append' });
    const entry = applyProducerBatch(before, batch(MAX_SEQUENCE - 1, 3), 1n);
    expect(entry.batches.at(-1)!.lastSeq).toBe(0);
    expect(checkProducerBatch(entry, batch(1))).toEqual({ kind: 'append' });
    expect(checkProducerBatch(entry, batch(2))).toMatchObject({ kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(checkProducerBatch(entry, batch(MAX_SEQUENCE - 1, 3))).toMatchObject({ kind: 'duplicate', original: { firstOffset: 1n, lastOffset: 3n } });
  });

  test('followers apply what the log says, even an older epoch (the leader decided)', () => {
    const entry = appendAll([batch(0, 1, 5)])!;
    expect(applyProducerBatch(entry, batch(9, 1, 4), 1n)).toMatchObject({ epoch: 4, batches: [{ firstSeq: 9 }] });
  });

  test('property: a retried batch is a duplicate while at most four newer batches follow it, and never appends twice', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 30 }), fc.nat(), (sizes, pick) => {
        let entry: ProducerEntry | undefined;
        let seq = 0;
        let offset = 0n;
        const sent: { b: ProducerBatchInfo; offset: bigint }[] = [];
        for (const n of sizes) {
          const b = batch(seq, n);
          entry = applyProducerBatch(entry, b, offset);
          sent.push({ b, offset });
          seq += n;
          offset += BigInt(n);
        }
        const i = pick % sent.length;
        const verdict = checkProducerBatch(entry, sent[i]!.b);
        if (sent.length - i <= 5) expect(verdict).toMatchObject({ kind: 'duplicate', original: { firstOffset: sent[i]!.offset } });
        else expect(verdict).toMatchObject({ kind: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
      }),
      fcParams,
    );
  });
});

describe('snapshot encoding', () => {
  test('property: decode(encode(x)) = x', () => {
    const metaArb = fc.record({
      firstSeq: fc.integer({ min: 0, max: MAX_SEQUENCE }),
      lastSeq: fc.integer({ min: 0, max: MAX_SEQUENCE }),
      firstOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }),
      lastOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }),
      timestamp: fc.bigInt({ min: -1n, max: 2n ** 50n }),
    });
    const entryArb = fc.record({
      producerId: fc.bigInt({ min: 0n, max: 2n ** 62n }),
      epoch: fc.integer({ min: 0, max: 0x7fff }),
      batches: fc.array(metaArb, { maxLength: 5 }),
      lastTimestamp: fc.bigInt({ min: -1n, max: 2n ** 50n }),
    });
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 62n }), fc.array(entryArb, { maxLength: 20 }), (offset, entries) => {
        expect(decodeProducerSnapshot(encodeProducerSnapshot(offset, entries))).toEqual({ offset, entries });
      }),
      fcParams,
    );
  });
});
