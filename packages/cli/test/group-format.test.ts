import type { GroupDescription, TopicDescription } from '@gregor/client';
import { formatGroupView, groupView, logEndPlan, resetTarget } from '../src/group-format';

const description: GroupDescription = {
  groupId: 'g',
  state: 'Stable',
  protocolType: 'consumer',
  assignor: 'range',
  coordinator: 2,
  members: [
    { memberId: 'm-1', groupInstanceId: null, clientId: 'app', clientHost: '/10.0.0.1', subscriptionUserData: null, assignment: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }] },
    { memberId: 'm-2', groupInstanceId: 'worker-2', clientId: 'idle-app', clientHost: '/10.0.0.2', subscriptionUserData: null, assignment: [] },
  ],
};

describe('group describe view', () => {
  test('rows join ownership, committed offsets and log ends; lag is end − committed; total sums the known ones', () => {
    const v = groupView(
      description,
      [
        { topic: 't', partition: 0, offset: 40n, metadata: '', leaderEpoch: -1 },
        { topic: 'gone', partition: 3, offset: 5n, metadata: '', leaderEpoch: -1 },
        { topic: 't', partition: 2, offset: 12n, metadata: '', leaderEpoch: -1 },
      ],
      new Map([
        ['t-0', 100n],
        ['t-1', 7n],
        ['t-2', 10n],
      ]),
    );
    expect(v.partitions.map((r) => [r.topic, r.partition, r.committedOffset, r.logEndOffset, r.lag, r.memberId])).toEqual([
      ['gone', 3, 5n, null, null, null],
      ['t', 0, 40n, 100n, 60n, 'm-1'],
      ['t', 1, null, 7n, null, 'm-1'],
      // committed past the end: no negative lag
      ['t', 2, 12n, 10n, 0n, null],
    ]);
    expect(v.totalLag).toBe(60n);
    const text = formatGroupView(v).join('\n');
    expect(text).toMatch(/^Group g: state Stable, assignor range, coordinator 2, 2 member\(s\)/);
    expect(text).toMatch(/TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/);
    expect(text).toMatch(/t\s+0\s+40\s+100\s+60\s+m-1\s+\/10\.0\.0\.1\s+app/);
    expect(text).toMatch(/t\s+1\s+-\s+7\s+-\s+m-1/);
    // Every member, the idle one included, with its instance id, host and client id.
    expect(text).toMatch(/CONSUMER-ID\s+GROUP-INSTANCE-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS/);
    expect(text).toMatch(/\nm-1\s+-\s+\/10\.0\.0\.1\s+app\s+2\n/);
    expect(text).toMatch(/\nm-2\s+worker-2\s+\/10\.0\.0\.2\s+idle-app\s+0\n/);
    expect(text).toMatch(/1 member\(s\) without partitions/);
    expect(text).toMatch(/Total lag: 60$/);
  });

  test('a partition without a leader is not asked for its log end: shown as "-", named, and left out of the total', () => {
    const topic = (name: string, leaders: (number | null)[]): TopicDescription =>
      ({ name, partitions: leaders.map((leader, partition) => ({ partition, leader, leaderEpoch: 0, replicas: [], isr: [] })) }) as unknown as TopicDescription;
    const plan = logEndPlan(
      [
        { topic: 't', partition: 0 },
        { topic: 't', partition: 1 },
        { topic: 'gone', partition: 3 },
      ],
      [topic('t', [1, null])],
    );
    expect(plan).toEqual({ ask: [{ topic: 't', partition: 0 }], unknown: [{ topic: 't', partition: 1, why: 'no leader' }] });

    const v = groupView(
      description,
      [
        { topic: 't', partition: 0, offset: 40n, metadata: '', leaderEpoch: -1 },
        { topic: 't', partition: 1, offset: 3n, metadata: '', leaderEpoch: -1 },
      ],
      new Map([['t-0', 100n]]),
      plan.unknown,
    );
    expect(v.partitions.map((r) => [r.partition, r.committedOffset, r.logEndOffset, r.lag])).toEqual([
      [0, 40n, 100n, 60n],
      [1, 3n, null, null],
    ]);
    expect(v.logEndUnknown).toEqual(['t-1: no leader']);
    const text = formatGroupView(v).join('\n');
    expect(text).toMatch(/t\s+1\s+3\s+-\s+-\s+m-1/);
    expect(text).toMatch(/Total lag: 60 \(not counting 1 partition\(s\) whose log end is unknown: t-1: no leader\)$/);
  });

  test('an empty group says it has no active members', () => {
    const v = groupView({ ...description, state: 'Empty', members: [], assignor: '' }, [], new Map());
    expect(formatGroupView(v).join('\n')).toMatch(/has no active members/);
  });
});

describe('reset-offsets targets', () => {
  test('earliest, latest, an offset clamped into the log, a time (end when after the last record)', () => {
    expect(resetTarget({ kind: 'earliest' }, 5n, 50n)).toBe(5n);
    expect(resetTarget({ kind: 'latest' }, 5n, 50n)).toBe(50n);
    expect(resetTarget({ kind: 'offset', offset: 20n }, 5n, 50n)).toBe(20n);
    expect(resetTarget({ kind: 'offset', offset: 2n }, 5n, 50n)).toBe(5n);
    expect(resetTarget({ kind: 'offset', offset: 99n }, 5n, 50n)).toBe(50n);
    expect(resetTarget({ kind: 'datetime', timestampMs: 1n }, 5n, 50n, 17n)).toBe(17n);
    expect(resetTarget({ kind: 'datetime', timestampMs: 1n }, 5n, 50n, -1n)).toBe(50n);
  });
});
