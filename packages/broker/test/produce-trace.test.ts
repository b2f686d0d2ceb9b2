import { ProduceTrace } from '../src/produce-trace';

describe('ProduceTrace', () => {
  test('stamps a batch when a follower read carries it and when the high watermark passes it, then hands it out once', () => {
    let now = 0;
    const trace = new ProduceTrace(() => now);
    now = 5;
    const a = trace.appended('t-0', 't', 0, 0n, 10n, 1)!;
    const b = trace.appended('t-0', 't', 0, 10n, 20n, 2)!;
    now = 6;
    trace.written(b);
    now = 7;
    trace.followerRead('t-0', 10n); // carries a only
    now = 8;
    trace.followerRead('t-0', 20n); // the last read of a before its HW, and b's first
    now = 9;
    trace.highWatermark('t-0', 10n);
    now = 10;
    trace.followerRead('t-0', 20n); // after a's HW: not a's replication any more
    now = 11;
    trace.highWatermark('t-0', 20n);
    trace.answered(a);
    now = 12;
    trace.answered(b);
    const { samples, dropped } = trace.drain();
    expect(dropped).toBe(0);
    expect(samples).toEqual([
      { topic: 't', partition: 0, baseOffset: '0', endOffset: '10', receivedMs: 1, appendedMs: 5, writtenMs: null, replicatedMs: 8, highWatermarkMs: 9, answeredMs: 11 },
      { topic: 't', partition: 0, baseOffset: '10', endOffset: '20', receivedMs: 2, appendedMs: 5, writtenMs: 6, replicatedMs: 10, highWatermarkMs: 11, answeredMs: 12 },
    ]);
    expect(trace.drain().samples).toEqual([]);
  });

  test('bounded: no entry past maxPending, finished samples past maxSamples are counted, not kept', () => {
    const trace = new ProduceTrace(() => 0, 2, 1);
    const a = trace.appended('k', 't', 0, 0n, 1n, 0)!;
    const b = trace.appended('k', 't', 0, 1n, 2n, 0)!;
    expect(trace.appended('k', 't', 0, 2n, 3n, 0)).toBeUndefined();
    trace.answered(a);
    trace.answered(b);
    trace.answered(b); // twice: ignored
    trace.followerApplied(0.5);
    trace.followerApplied(0.7); // past maxSamples: not kept
    expect(trace.drain()).toEqual({ samples: [expect.objectContaining({ baseOffset: '0' })], dropped: 1, followerApplyMs: [0.5] });
    expect(trace.appended('k', 't', 0, 2n, 3n, 0)).toBeDefined();
  });
});
