import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { debugTimeline } from '@gregor/common';
import { readTimelines, timelineBreakdown, type TimelineEvent } from '../src/timeline-breakdown';

const ev = (name: string, t: number, fields: Record<string, unknown> = {}): TimelineEvent => ({ ev: name, t, ...fields });

/** Leader 1 appends t-0 up to offset 10; followers 2 and 3 fetch it; 2 reports last, so the high watermark waits for 2. */
function scenario(): Map<number, TimelineEvent[]> {
  const key = 't-0';
  const follower = (replica: number, base: number): TimelineEvent[] => [
    ev('follower.answer.received', base + 0.5),
    ev('follower.answer', base + 0.6, { replica, leader: 1, seq: 7, keys: [key] }),
    ev('follower.applied', base + 2, { replica, leader: 1, seq: 7, parts: [[key, '10']] }),
    ev('follower.fetch', base + 2.1, { replica, leader: 1, seq: 8, parts: [[key, '10']] }),
    ev('follower.request.written', base + 2.3),
    ev('follower.request.flushed', base + 2.6),
  ];
  return new Map([
    [
      1,
      [
        ev('leader.append', 0, { key, end: '10' }),
        ev('leader.follower.read', 1, { replica: 2, key, end: '10' }),
        ev('FetchFromLeader.answer.written', 1.5, { replica: 2 }),
        ev('leader.follower.read', 1.2, { replica: 3, key, end: '10' }),
        ev('FetchFromLeader.answer.written', 1.7, { replica: 3 }),
        ev('FetchFromLeader.answer.flushed', 2, { replica: 2 }),
        ev('FetchFromLeader.answer.flushed', 2.1, { replica: 3 }),
        ev('leader.written', 3, { key, end: '10' }),
        ev('FetchFromLeader.request.received', 5, { replica: 3 }),
        ev('leader.follower.fetch', 5.1, { replica: 3, key, offset: '10' }),
        ev('FetchFromLeader.request.received', 6, { replica: 2 }),
        ev('leader.follower.fetch', 6.2, { replica: 2, key, offset: '10' }),
        ev('leader.hw', 6.3, { key, hw: '10' }),
        ev('storage.write', 11, { queued: [10], started: 10.5, built: 10.6, parts: [[key, true]] }),
      ],
    ],
    [2, follower(2, 2)],
    [3, follower(3, 1.5)],
  ]);
}

describe('timeline breakdown', () => {
  test('follows the follower that reported last through both hops; the stages add up to read → high watermark', () => {
    const b = timelineBreakdown(scenario());
    expect(b.batches).toBe(1);
    const p50 = (s: keyof typeof b.stages): number => b.stages[s]!.p50;
    const expected = {
      leader_read_to_answer_written: 0.5,
      answer_written_to_flushed: 0.5,
      answer_flushed_to_follower_received: 0.5,
      follower_received_to_decoded: 0.1,
      follower_append: 1.4,
      follower_applied_to_next_fetch: 0.1,
      next_fetch_to_request_written: 0.2,
      request_written_to_flushed: 0.3,
      request_flushed_to_leader_received: 1.4,
      leader_received_to_fetch_handled: 0.2,
      fetch_handled_to_hw: 0.1,
    };
    let sum = 0;
    for (const [stage, ms] of Object.entries(expected)) {
      expect(p50(stage as keyof typeof b.stages)).toBeCloseTo(ms, 6);
      sum += ms;
    }
    expect(b.read_to_hw!.p50).toBeCloseTo(sum, 6);
    expect(b.hw_waited_for_leader_write).toBe(0);
    expect(b.storage.find((s) => s.node === 1)).toMatchObject({ writes: 1, queued: { p50: 0.5 }, build: { p50: 0.1 }, write: { p50: 0.4 } });
  });

  test('a high watermark that waited for the leader write is counted; a batch a follower never reported is left out', () => {
    const timelines = scenario();
    const leader = timelines.get(1)!;
    leader.find((e) => e.ev === 'leader.written')!.t = 6.25;
    expect(timelineBreakdown(timelines).hw_waited_for_leader_write).toBe(1);
    timelines.set(3, timelines.get(3)!.filter((e) => e.ev !== 'follower.applied'));
    expect(timelineBreakdown(timelines).batches).toBe(0);
  });

  test("a node's debug timeline is read back keyed by its replica id", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'timeline-'));
    try {
      expect(debugTimeline.on).toBe(false);
      debugTimeline.enable(dir);
      debugTimeline.event('follower.fetch', { replica: 4, leader: 1, seq: 1, parts: [['t-0', 5n]] });
      await debugTimeline.disable();
      debugTimeline.event('ignored', {}); // off again: nothing recorded
      await debugTimeline.flush();
      expect(readdirSync(dir)).toEqual([`timeline-${process.pid}.jsonl`]);
      const lines = readFileSync(path.join(dir, `timeline-${process.pid}.jsonl`), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(1);
      const timelines = readTimelines(dir);
      expect([...timelines.keys()]).toEqual([4]);
      expect(timelines.get(4)![0]).toMatchObject({ ev: 'follower.fetch', parts: [['t-0', '5']] });
      expect(typeof timelines.get(4)![0]!.t).toBe('number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
