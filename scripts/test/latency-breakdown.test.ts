import { latencyBreakdown, pushBreakdown, type LeaderTrace, type PushedRecord, type SentBatch, type SentRecord } from '../src/latency-breakdown';

describe('latency breakdown', () => {
  const trace = (partition: number, base: number, end: number, t: Partial<LeaderTrace>): LeaderTrace => ({
    partition,
    baseOffset: String(base),
    endOffset: String(end),
    receivedMs: 0,
    appendedMs: 0,
    writtenMs: null,
    replicatedMs: null,
    highWatermarkMs: null,
    answeredMs: 0,
    ...t,
  });

  test('joins each record with the request that carried it and the leader trace of its batch; the stages add up to its latency', () => {
    // Partition 0: two requests (2 records, then 1); partition 1: one request.
    const records: SentRecord[] = [
      { partition: 0, offset: 11n, enqueueMs: 100, ackMs: 110 },
      { partition: 0, offset: 10n, enqueueMs: 100, ackMs: 110 },
      { partition: 1, offset: 5n, enqueueMs: 101, ackMs: 120 },
      { partition: 0, offset: 12n, enqueueMs: 103, ackMs: 115 },
    ];
    const batches: SentBatch[] = [
      { partition: 0, recordCount: 2, atMs: 101 },
      { partition: 1, recordCount: 1, atMs: 102 },
      { partition: 0, recordCount: 1, atMs: 104 },
    ];
    const traces = [
      trace(0, 10, 12, { appendedMs: 102, writtenMs: 105, replicatedMs: 104, highWatermarkMs: 108 }),
      trace(0, 12, 13, { appendedMs: 106, replicatedMs: 107, highWatermarkMs: 112 }),
      trace(1, 5, 6, { appendedMs: 105, replicatedMs: 110, highWatermarkMs: 111 }),
    ];
    const b = latencyBreakdown(records, batches, traces);
    expect(b.traced).toBe(4);
    // Per record: sent - enqueue = 1, 1, 1, 1.
    expect(b.stages.enqueue_to_sent).toEqual({ p50: 1, p99: 1 });
    // appended - sent: 1, 1, 3, 2 → sorted 1,1,2,3.
    expect(b.stages.sent_to_leader_appended).toEqual({ p50: 2, p99: 3 });
    // hw → ack: 2, 2, 9, 3.
    expect(b.stages.hw_to_received).toEqual({ p50: 3, p99: 9 });
    // The leader's own write, beside the stages (only the first batch reported one): 3 ms for its 2 records.
    expect(b.leader_write).toEqual({ p50: 3, p99: 3 });
  });

  test('acks=1 (no follower stages): the last stage runs from the append; records without a trace are not counted', () => {
    const records: SentRecord[] = [
      { partition: 0, offset: 0n, enqueueMs: 0, ackMs: 5 },
      { partition: 0, offset: 1n, enqueueMs: 0, ackMs: 6 },
    ];
    // On a single replica the HW moves after the write even for acks=1: still no follower stages.
    const b = latencyBreakdown(records, [{ partition: 0, recordCount: 2, atMs: 1 }], [trace(0, 0, 1, { appendedMs: 3, highWatermarkMs: 4 })]);
    expect(b.traced).toBe(1);
    expect(b.stages.appended_to_followers_fetched).toBeNull();
    expect(b.stages.followers_fetched_to_hw).toBeNull();
    expect(b.stages.hw_to_received).toEqual({ p50: 2, p99: 2 });
  });
});

describe('push latency breakdown', () => {
  const trace = (partition: number, base: number, end: number, appendedMs: number, highWatermarkMs: number | null): LeaderTrace => ({
    partition,
    baseOffset: String(base),
    endOffset: String(end),
    receivedMs: 0,
    appendedMs,
    writtenMs: null,
    replicatedMs: null,
    highWatermarkMs,
    answeredMs: 0,
  });

  test('measures each received record from its send, its leader append, its commit and its ack', () => {
    const received: PushedRecord[] = [
      { partition: 0, offset: 4n, sentMs: 100, ackedMs: 110, receivedMs: 111 },
      { partition: 1, offset: 7n, sentMs: 200, ackedMs: 212, receivedMs: 210 }, // pushed before the ack came back
      { partition: 1, offset: 9n, sentMs: 300, ackedMs: 305, receivedMs: 306 }, // no trace (endOffset is exclusive)
    ];
    const traces = [trace(0, 4, 5, 102, 108), trace(1, 6, 9, 203, null)];
    expect(pushBreakdown(received, traces)).toEqual({
      traced: 2,
      from_send: { p50: 10, p99: 11 },
      from_append: { p50: 9, p99: 9 },
      // Partition 1's trace has no high watermark (acks=1): its commit is its append.
      from_commit: { p50: 7, p99: 7 },
      from_ack: { p50: 1, p99: 1 },
      append_to_commit: { p50: 6, p99: 6 },
    });
  });

  test('without traces only the send and ack figures are there', () => {
    const got = pushBreakdown([{ partition: 0, offset: 1n, sentMs: 0, ackedMs: 3, receivedMs: 4 }], []);
    expect(got).toMatchObject({ traced: 0, from_append: null, from_commit: null, from_send: { p50: 4, p99: 4 } });
  });
});
