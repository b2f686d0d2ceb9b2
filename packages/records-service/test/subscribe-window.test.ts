/**
 * The pure parts of Subscribe: the outstanding window (acked prefix,
 * rewinds, bounds) against a naive model, and the validation of `open`.
 */
import fc from 'fast-check';
import { DEFAULT_SUBSCRIBE_LIMITS, OutstandingWindow, decodeSubscribeOpen } from '@gregor/records-service';
import type { SubscribeOpen__Output } from '@gregor/proto';

const tp = { topic: 't', partition: 0 };

describe('OutstandingWindow', () => {
  test('the commit offset is the end of the contiguous acked prefix, whatever the ack order', () => {
    const w = new OutstandingWindow({ maxRecords: 100, maxBytes: 1 << 20 });
    w.addPartition(tp);
    for (const o of [10n, 11n, 13n, 14n]) w.deliver(tp, o, 1, 0); // offsets may have gaps (compaction, markers)
    expect(w.ack(tp, 13n)).toBe(false);
    expect(w.ack(tp, 11n)).toBe(false);
    expect(w.takeCommits()).toEqual([]);
    expect(w.ack(tp, 10n)).toBe(true);
    expect(w.takeCommits()).toEqual([{ topic: 't', partition: 0, offset: 14n }]);
    expect(w.takeCommits()).toEqual([]);
    expect(w.records).toBe(1);
    expect(w.ack(tp, 99n)).toBe(false); // never delivered: ignored
    expect(w.ack({ topic: 'x', partition: 0 }, 14n)).toBe(false);
  });

  test('acked records behind an unacked one count against the bound; a rewind frees them and counts attempts', () => {
    const w = new OutstandingWindow({ maxRecords: 3, maxBytes: 1 << 20 });
    w.addPartition(tp);
    for (const o of [0n, 1n, 2n]) w.deliver(tp, o, 10, 0);
    w.ack(tp, 1n);
    w.ack(tp, 2n);
    expect(w.atLimit()).toBe(true);
    expect(w.roomRecords()).toBe(0);
    expect(w.expired(999, 1000)).toEqual([]);
    expect(w.expired(1000, 1000)).toEqual([{ topic: 't', partition: 0, offset: 0n }]);
    expect(w.rewind(tp)).toBe(0n);
    expect(w.records).toBe(0);
    expect(w.bytes).toBe(0);
    expect(w.deliver(tp, 0n, 10, 1000)).toBe(2);
    expect(w.deliver(tp, 1n, 10, 1000)).toBe(2);
    w.ack(tp, 0n);
    expect(w.takeCommits()).toEqual([{ topic: 't', partition: 0, offset: 1n }]);
  });

  test('the byte bound lets one oversized record through alone', () => {
    const w = new OutstandingWindow({ maxRecords: 10, maxBytes: 100 });
    w.addPartition(tp);
    expect(w.fits(500)).toBe(true);
    w.deliver(tp, 0n, 500, 0);
    expect(w.fits(1)).toBe(false);
    w.ack(tp, 0n);
    expect(w.fits(60)).toBe(true);
    w.deliver(tp, 1n, 60, 0);
    expect(w.fits(40)).toBe(true);
    expect(w.fits(41)).toBe(false);
  });

  test('a removed partition drops its outstanding records; commits survive a failure', () => {
    const w = new OutstandingWindow({ maxRecords: 10, maxBytes: 100 });
    w.addPartition(tp);
    w.deliver(tp, 0n, 5, 0);
    w.ack(tp, 0n);
    const [c] = w.takeCommits();
    w.commitFailed(c!);
    expect(w.takeCommits()).toEqual([c]);
    w.deliver(tp, 1n, 5, 0);
    expect(w.prefixes([tp])).toEqual([{ topic: 't', partition: 0, offset: 1n }]);
    w.removePartition(tp);
    expect(w.records).toBe(0);
    expect(w.owns(tp)).toBe(false);
    expect(w.ack(tp, 1n)).toBe(false);
  });

  test('thousands of records acked in order, then in reverse, keep exact counts across compactions', () => {
    const w = new OutstandingWindow({ maxRecords: 10_000, maxBytes: 1 << 30 });
    w.addPartition(tp);
    for (let o = 0n; o < 5000n; o++) w.deliver(tp, o, 2, 0);
    for (let o = 0n; o < 3000n; o++) expect(w.ack(tp, o)).toBe(true);
    expect(w.records).toBe(2000);
    expect(w.bytes).toBe(4000);
    expect(w.expired(10, 10)).toEqual([{ topic: 't', partition: 0, offset: 3000n }]);
    for (let o = 4999n; o > 3000n; o--) expect(w.ack(tp, o)).toBe(false);
    expect(w.takeCommits()).toEqual([{ topic: 't', partition: 0, offset: 3000n }]);
    expect(w.ack(tp, 3000n)).toBe(true);
    expect(w.takeCommits()).toEqual([{ topic: 't', partition: 0, offset: 5000n }]);
    expect([w.records, w.bytes]).toEqual([0, 0]);
    w.deliver(tp, 5000n, 2, 0);
    expect(w.rewind(tp)).toBe(5000n);
  });

  test('property: commits never pass an unacked delivered record and reach the end when all are acked', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(40), { minLength: 1, maxLength: 40 }), fc.array(fc.nat(1000)), (gaps, order) => {
        const w = new OutstandingWindow({ maxRecords: 1000, maxBytes: 1 << 30 });
        w.addPartition(tp);
        let o = 0n;
        const offsets: bigint[] = [];
        for (const g of gaps) {
          o += BigInt(g) + 1n;
          offsets.push(o);
          w.deliver(tp, o, 1, 0);
        }
        const acked = new Set<bigint>();
        // Acks in an arbitrary order, with repeats, then the rest.
        const sequence = [...order.map((i) => offsets[i % offsets.length]!), ...offsets];
        let committed = -1n;
        for (const a of sequence) {
          w.ack(tp, a);
          acked.add(a);
          for (const c of w.takeCommits()) committed = c.offset;
          // Naive model: the first unacked delivered offset bounds the commit.
          const firstUnacked = offsets.find((x) => !acked.has(x));
          if (firstUnacked !== undefined) expect(committed <= firstUnacked).toBe(true);
          const expectedRecords = firstUnacked === undefined ? 0 : offsets.filter((x) => x >= firstUnacked).length;
          expect(w.records).toBe(expectedRecords);
        }
        expect(committed).toBe(offsets[offsets.length - 1]! + 1n);
      }),
    );
  });
});

describe('OutstandingWindow.ackRange', () => {
  test('acks every delivered record in the range, both ends included; a reversed range acks nothing', () => {
    const w = new OutstandingWindow({ maxRecords: 100, maxBytes: 1000 });
    w.addPartition(tp);
    for (const o of [10n, 11n, 13n, 14n, 20n]) w.deliver(tp, o, 2, 0);
    expect(w.ackRange(tp, 12n, 14n)).toBe(false); // 13 and 14, behind the unacked head
    expect(w.ackRange(tp, 11n, 10n)).toBe(false);
    expect(w.records).toBe(5);
    expect(w.ackRange(tp, 0n, 11n)).toBe(true); // from before the head: 10 and 11, then 13 and 14 fold in
    expect(w.takeCommits()).toEqual([{ ...tp, offset: 15n }]);
    expect(w.records).toBe(1);
    expect(w.bytes).toBe(2);
    expect(w.ackRange({ topic: 'x', partition: 0 }, 0n, 100n)).toBe(false);
    expect(w.ackRange(tp, 20n, 2n ** 63n - 1n)).toBe(true);
    expect(w.records).toBe(0);
    expect(w.ackRange(tp, 0n, 100n)).toBe(false); // nothing outstanding
  });

  test('property: a range is the same as one ack per delivered offset in it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(5), { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: -3, max: 200 }), fc.integer({ min: -3, max: 200 })), { maxLength: 30 }),
        (gaps, ranges) => {
          const ranged = new OutstandingWindow({ maxRecords: 1000, maxBytes: 1 << 30 });
          const single = new OutstandingWindow({ maxRecords: 1000, maxBytes: 1 << 30 });
          ranged.addPartition(tp);
          single.addPartition(tp);
          const offsets: bigint[] = [];
          let o = 0n;
          for (const g of gaps) {
            o += BigInt(g) + 1n;
            offsets.push(o);
            ranged.deliver(tp, o, 3, 0);
            single.deliver(tp, o, 3, 0);
          }
          for (const [a, b] of ranges) {
            const first = BigInt(a);
            const last = BigInt(b);
            const movedRanged = ranged.ackRange(tp, first, last);
            let movedSingle = false;
            for (const x of offsets) if (x >= first && x <= last && single.ack(tp, x)) movedSingle = true;
            expect(movedRanged).toBe(movedSingle);
            expect(ranged.records).toBe(single.records);
            expect(ranged.bytes).toBe(single.bytes);
            expect(ranged.takeCommits()).toEqual(single.takeCommits());
          }
        },
      ),
    );
  });
});

describe('decodeSubscribeOpen', () => {
  const open = (o: Partial<SubscribeOpen__Output>): SubscribeOpen__Output => ({
    group: 'g',
    topics: ['t'],
    start: 'SUBSCRIBE_START_LATEST',
    startTimestampMs: '0',
    maxOutstandingRecords: 0,
    maxOutstandingBytes: '0',
    ackDeadlineMs: 0,
    clientId: '',
    isolationLevel: 'ISOLATION_LEVEL_READ_UNCOMMITTED',
    replacesMemberId: '',
    ...o,
  });

  test('zeros take the node defaults, large values are clamped', () => {
    const s = decodeSubscribeOpen(open({}), DEFAULT_SUBSCRIBE_LIMITS);
    expect(s).toMatchObject({ maxOutstandingRecords: 1000, maxOutstandingBytes: 10 * 1024 * 1024, ackDeadlineMs: 30_000, start: 'latest' });
    const big = decodeSubscribeOpen(open({ maxOutstandingRecords: 1e9, maxOutstandingBytes: '99999999999999', ackDeadlineMs: 2e9, start: 'SUBSCRIBE_START_TIMESTAMP', startTimestampMs: '1700000000000' }), DEFAULT_SUBSCRIBE_LIMITS);
    expect(big).toMatchObject({ maxOutstandingRecords: 10_000, maxOutstandingBytes: 64 * 1024 * 1024, ackDeadlineMs: 600_000, start: { timestamp: 1700000000000n } });
  });

  test('replaces_member_id is passed on (a coordinator member id: client id, dash, UUID)', () => {
    const id = 'gregor-records-service-6f1c2a8e-0b8e-4b53-9f2e-3c1d2e4f5a6b';
    expect(decodeSubscribeOpen(open({ replacesMemberId: id }), DEFAULT_SUBSCRIBE_LIMITS).replacesMemberId).toBe(id);
    expect(decodeSubscribeOpen(open({}), DEFAULT_SUBSCRIBE_LIMITS).replacesMemberId).toBe('');
  });

  test.each([
    [undefined, /first message of the stream must be `open`/],
    [open({ group: '' }), /`group` is required/],
    [open({ topics: [] }), /at least one topic/],
    [open({ topics: ['bad name'] }), /bad Subscribe open/],
    [open({ maxOutstandingRecords: -1 }), /max_outstanding_records/],
    [open({ ackDeadlineMs: -5 }), /ack_deadline_ms/],
    [open({ clientId: 'line\nbreak' }), /client_id/],
    [open({ clientId: 'x'.repeat(256) }), /client_id/],
    [open({ replacesMemberId: 'm\u0000' }), /replaces_member_id/],
    [open({ replacesMemberId: 'x'.repeat(320) }), /replaces_member_id/],
  ])('bad open %#: INVALID_REQUEST', (o, message) => {
    expect(() => decodeSubscribeOpen(o, DEFAULT_SUBSCRIBE_LIMITS)).toThrow(message);
    try {
      decodeSubscribeOpen(o, DEFAULT_SUBSCRIBE_LIMITS);
    } catch (err) {
      expect((err as { errorName: string }).errorName).toBe('INVALID_REQUEST');
    }
  });
});
