import fc from 'fast-check';
import type { GroupMember } from '@gregor/client';
import { allTasks, planTopics, Serdes, StreamsBuilder, streamsTaskAssignor, taskPartitions } from '../src';

const S = Serdes.String();

function joinApp(): StreamsBuilder {
  const b = new StreamsBuilder();
  const table = b.table<string, string>('regions', { keySerde: S, valueSerde: S });
  b.stream<string, string>('clicks', { keySerde: S, valueSerde: S })
    .join(table, (v, r) => `${v}@${r}`)
    .groupBy((_k, v) => v)
    .count({ storeName: 'by-page' })
    .toStream()
    .to('out');
  return b;
}

describe('planTopics', () => {
  it('sizes repartition topics and changelogs from the sub-topology that writes / owns them', () => {
    const plan = planTopics(joinApp().build(), 'app', new Map([['regions', 4], ['clicks', 4]]));
    expect(plan.taskCounts).toEqual(new Map([[0, 4], [1, 4]]));
    expect(plan.internalTopics.map((t) => [t.topic, t.partitions, t.configs['cleanup.policy']])).toEqual([
      ['app-by-page-repartition', 4, 'delete'],
      ['app-regions-STATE-STORE-0000000002-changelog', 4, 'compact'],
      ['app-by-page-changelog', 4, 'compact'],
    ]);
  });

  it('joined topics with different partition counts are a clear error', () => {
    expect(() => planTopics(joinApp().build(), 'app', new Map([['regions', 3], ['clicks', 4]]))).toThrow(
      'INVALID_PARTITIONS: topics joined together must have the same number of partitions (co-partitioning), but got: regions (3), clicks (4)',
    );
  });

  it('a missing source topic is UNKNOWN_TOPIC_OR_PARTITION naming it', () => {
    expect(() => planTopics(joinApp().build(), 'app', new Map([['regions', 3]]))).toThrow(/UNKNOWN_TOPIC_OR_PARTITION: source topic "clicks" does not exist/);
  });
});

const member = (id: string): GroupMember => ({ memberId: id, groupInstanceId: null, subscription: { topics: [], userData: null, ownedPartitions: [], generationId: -1, rackId: null } });

describe('streamsTaskAssignor', () => {
  const taskTopics = new Map([
    [0, ['clicks', 'regions']],
    [1, ['app-by-page-repartition']],
  ]);

  it('keeps all partitions of a task on one member', () => {
    const counts = new Map([['clicks', 3], ['regions', 3], ['app-by-page-repartition', 3]]);
    const out = streamsTaskAssignor(taskTopics).assign(counts, [member('b'), member('a')]);
    for (const tps of out.values()) {
      const clicks = tps.filter((tp) => tp.topic === 'clicks').map((tp) => tp.partition).sort();
      const regions = tps.filter((tp) => tp.topic === 'regions').map((tp) => tp.partition).sort();
      expect(clicks).toEqual(regions);
    }
  });

  it('property: every task goes to exactly one member; members differ by at most one task, overall and per sub-topology', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 }), (p0, p1, memberCount) => {
        const counts = new Map([['clicks', p0], ['regions', p0], ['app-by-page-repartition', p1]]);
        const members = Array.from({ length: memberCount }, (_, i) => member(`m${i}`));
        const out = streamsTaskAssignor(taskTopics).assign(counts, members);
        const assigned = [...out.values()].flat().map((tp) => `${tp.topic}-${tp.partition}`);
        const expected = allTasks(taskTopics, counts).flatMap((t) => taskPartitions(t, taskTopics, counts)).map((tp) => `${tp.topic}-${tp.partition}`);
        expect([...assigned].sort()).toEqual([...expected].sort());
        expect(new Set(assigned).size).toBe(assigned.length);
        const tasksOf = (tps: { topic: string; partition: number }[], sub?: number): number =>
          new Set(tps.map((tp) => `${taskTopics.get(0)!.includes(tp.topic) ? 0 : 1}_${tp.partition}`).filter((t) => sub === undefined || t.startsWith(`${sub}_`))).size;
        for (const sub of [undefined, 0, 1]) {
          const perMember = [...out.values()].map((tps) => tasksOf(tps, sub));
          expect(Math.max(...perMember) - Math.min(...perMember)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
