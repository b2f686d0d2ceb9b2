import { computeGroupLags } from '@gregor/broker';
import type { FetchedOffset, ListedGroup } from '@gregor/group-coordinator';

const group = (groupId: string): ListedGroup => ({ groupId, protocolType: 'consumer', state: 'Stable' });
const committed = (topic: string, partition: number, offset: bigint, error: FetchedOffset['error'] = 'NONE'): FetchedOffset => ({
  topic,
  partition,
  offset,
  leaderEpoch: -1,
  metadata: '',
  error,
});

describe('computeGroupLags', () => {
  const hws = new Map([
    ['t-0', 100n],
    ['t-1', 50n],
  ]);
  const hw = (topic: string, partition: number): bigint | undefined => hws.get(`${topic}-${partition}`);

  it('is high watermark minus committed offset, per group and partition', () => {
    const offsets: Record<string, FetchedOffset[]> = {
      a: [committed('t', 0, 40n), committed('t', 1, 50n)],
      b: [committed('t', 0, 100n)],
    };
    expect(computeGroupLags([group('a'), group('b')], (g) => offsets[g]!, hw)).toEqual([
      { group: 'a', topic: 't', partition: 0, lag: 60n },
      { group: 'a', topic: 't', partition: 1, lag: 0n },
      { group: 'b', topic: 't', partition: 0, lag: 0n },
    ]);
  });

  it('skips unknown high watermarks, missing offsets and errors, never goes negative, and is bounded', () => {
    const offsets = [committed('t', 0, 150n), committed('t', 1, -1n), committed('other', 0, 3n), committed('t', 0, 1n, 'UNSTABLE_OFFSET_COMMIT')];
    expect(computeGroupLags([group('a')], () => offsets, hw)).toEqual([{ group: 'a', topic: 't', partition: 0, lag: 0n }]);
    const many = Array.from({ length: 50 }, () => committed('t', 0, 1n));
    expect(computeGroupLags([group('a')], () => many, hw, 7)).toHaveLength(7);
  });
});
