import type { GroupDescription } from '@gregor/client';
import { formatStreamsView, streamsView } from '../src/streams-format';
import type { GroupView } from '../src/group-format';

const info = (sums: Record<string, string> = {}): Buffer =>
  Buffer.from(JSON.stringify({ version: 1, subtopologies: { '0': { sources: ['in'], changelogs: [] }, '1': { sources: ['app-agg-repartition'], changelogs: ['app-agg-changelog'] } }, taskOffsetSums: sums }));

const row = (topic: string, partition: number, committed: bigint | null, end: bigint | null, memberId: string | null) => ({
  topic,
  partition,
  committedOffset: committed,
  logEndOffset: end,
  lag: committed !== null && end !== null ? end - committed : null,
  memberId,
  host: null,
  clientId: null,
});

describe('streamsView', () => {
  it("turns members' partitions into active and standby tasks through their MemberInfo; changelogs are not inputs", () => {
    const d: GroupDescription = {
      groupId: 'app',
      state: 'Stable',
      protocolType: 'consumer',
      assignor: 'gregor-streams',
      coordinator: 1,
      members: [
        { memberId: 'm1', groupInstanceId: null, clientId: 'c1', clientHost: '/127.0.0.1', assignment: [{ topic: 'in', partition: 0 }, { topic: 'app-agg-repartition', partition: 0 }, { topic: 'app-agg-changelog', partition: 1 }], subscriptionUserData: info() },
        { memberId: 'm2', groupInstanceId: 'i2', clientId: 'c2', clientHost: '/127.0.0.1', assignment: [{ topic: 'in', partition: 1 }, { topic: 'app-agg-repartition', partition: 1 }, { topic: 'app-agg-changelog', partition: 0 }], subscriptionUserData: null },
      ],
    };
    const g: GroupView = {
      group: 'app',
      state: 'Stable',
      assignor: 'gregor-streams',
      coordinator: 1,
      members: [],
      partitions: [row('in', 0, 5n, 7n, 'm1'), row('app-agg-repartition', 1, 3n, 3n, 'm2'), row('app-agg-changelog', 0, null, 9n, 'm2')],
      totalLag: 2n,
      logEndUnknown: [],
    };
    const v = streamsView('app', d, g);
    expect(v.members.map((m) => [m.memberId, m.activeTasks, m.standbyTasks])).toEqual([
      ['m1', ['0_0', '1_0'], ['1_1']],
      ['m2', ['0_1', '1_1'], ['1_0']],
    ]);
    expect(v.subtopologies[1]).toEqual({ id: '1', sources: ['app-agg-repartition'], stores: [{ store: 'agg', changelog: 'app-agg-changelog' }] });
    expect(v.inputs.map((r) => [r.task, r.topic, r.partition, r.lag])).toEqual([
      ['0_0', 'in', 0, 2n],
      ['1_1', 'app-agg-repartition', 1, 0n],
    ]);
    expect(v.totalLag).toBe(2n);
    expect(formatStreamsView(v).join('\n')).toMatch(/m2\s+i2\s+\/127\.0\.0\.1\s+c2\s+0_1,1_1\s+1_0/);
  });

  it('with no instance running it still shows the committed offsets and lag, tasks unknown', () => {
    const d: GroupDescription = { groupId: 'app', state: 'Empty', protocolType: 'consumer', assignor: '', coordinator: 1, members: [] };
    const g: GroupView = { group: 'app', state: 'Empty', assignor: '', coordinator: 1, members: [], partitions: [row('in', 0, 5n, 9n, null)], totalLag: 4n, logEndUnknown: [] };
    const v = streamsView('app', d, g);
    expect(v.inputs).toEqual([{ task: null, topic: 'in', partition: 0, committedOffset: 5n, logEndOffset: 9n, lag: 4n, memberId: null }]);
    const text = formatStreamsView(v).join('\n');
    expect(text).toMatch(/No instance is running/);
    expect(text).toMatch(/Total lag: 4/);
  });
});
