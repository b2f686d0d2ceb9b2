import fc from 'fast-check';
import type { GroupMember } from '@gregor/client';
import type { TopicPartition } from '@gregor/common';
import { allTasks, planTopics, Serdes, StreamsBuilder, streamsTaskAssignor, taskPartitions } from '../src';
import { keyQueryMetadata, parseHostInfo, streamsMetadataFromGroup } from '../src/runtime/streams-metadata';
import { decodeMemberInfo, encodeMemberInfo } from '../src/runtime/member-info';
import { placeFreeTasksWarm } from '../src/runtime/warm-placement';

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

const member = (id: string, owned: TopicPartition[] = [], generationId = -1): GroupMember => ({
  memberId: id,
  groupInstanceId: null,
  subscription: { topics: [], userData: null, ownedPartitions: owned, generationId, rackId: null },
});

describe('streamsTaskAssignor', () => {
  const taskTopics = new Map([
    [0, ['clicks', 'regions']],
    [1, ['app-by-page-repartition']],
  ]);
  const taskOf = (tp: TopicPartition): string => `${taskTopics.get(0)!.includes(tp.topic) ? 0 : 1}_${tp.partition}`;
  const tasksOf = (tps: readonly TopicPartition[]): string[] => [...new Set(tps.map(taskOf))].sort();

  /** Cooperative rounds as the group runs them: members report what they got, until nothing changes. */
  function converge(counts: Map<string, number>, ids: string[], start: Map<string, TopicPartition[]> = new Map()): Map<string, TopicPartition[]> {
    const assignor = streamsTaskAssignor(taskTopics);
    let owned = start;
    for (let round = 1; round <= 5; round++) {
      const next = assignor.assign(counts, ids.map((id) => member(id, owned.get(id) ?? [], round)));
      // No task goes straight from one member to another: a task owned elsewhere is withheld this round.
      for (const [id, tps] of next) {
        for (const t of tasksOf(tps)) {
          const elsewhere = [...owned].some(([other, o]) => other !== id && tasksOf(o).includes(t));
          expect({ task: t, to: id, ownedElsewhere: elsewhere }).toEqual({ task: t, to: id, ownedElsewhere: false });
        }
      }
      if (JSON.stringify([...next]) === JSON.stringify([...owned])) return next;
      owned = next;
    }
    throw new Error('no stable assignment after 5 rounds');
  }

  it('keeps all partitions of a task on one member, and spreads each sub-topology', () => {
    const counts = new Map([['clicks', 3], ['regions', 3], ['app-by-page-repartition', 3]]);
    const out = converge(counts, ['b', 'a']);
    for (const tps of out.values()) {
      const clicks = tps.filter((tp) => tp.topic === 'clicks').map((tp) => tp.partition).sort();
      const regions = tps.filter((tp) => tp.topic === 'regions').map((tp) => tp.partition).sort();
      expect(clicks).toEqual(regions);
    }
    // Both members get stateful (sub-topology 1) tasks.
    for (const tps of out.values()) expect(tasksOf(tps).some((t) => t.startsWith('1_'))).toBe(true);
  });

  it('is sticky: a new member takes its share in two rounds and the others keep the rest', () => {
    const counts = new Map([['clicks', 4], ['regions', 4], ['app-by-page-repartition', 4]]);
    const before = converge(counts, ['a', 'b']);
    const after = converge(counts, ['a', 'b', 'c'], before);
    for (const id of ['a', 'b']) for (const t of tasksOf(after.get(id)!)) expect(tasksOf(before.get(id)!)).toContain(t);
    expect(tasksOf(after.get('c')!).length).toBeGreaterThanOrEqual(2);
  });

  it('property: once stable every task is on exactly one member, with all its partitions, members within one task of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 3 }), (p0, p1, memberCount, joiners) => {
        const counts = new Map([['clicks', p0], ['regions', p0], ['app-by-page-repartition', p1]]);
        const ids = Array.from({ length: memberCount }, (_, i) => `m${i}`);
        const first = converge(counts, ids);
        const out = converge(counts, [...ids, ...Array.from({ length: joiners }, (_, i) => `j${i}`)], first);
        const assigned = [...out.values()].flat().map((tp) => `${tp.topic}-${tp.partition}`);
        const expected = allTasks(taskTopics, counts).flatMap((t) => taskPartitions(t, taskTopics, counts)).map((tp) => `${tp.topic}-${tp.partition}`);
        expect([...assigned].sort()).toEqual([...expected].sort());
        expect(new Set(assigned).size).toBe(assigned.length);
        const perMember = [...out.values()].map((tps) => tasksOf(tps).length);
        expect(Math.max(...perMember) - Math.min(...perMember)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('streams metadata (key → instance)', () => {
  const info = (server: string | undefined): Buffer =>
    Buffer.from(JSON.stringify({ version: 1, subtopologies: { '0': { sources: ['in'], changelogs: [] }, '1': { sources: ['app-rep'], changelogs: ['app-counts-changelog'] } }, taskOffsetSums: {}, ...(server === undefined ? {} : { applicationServer: server }) }));
  const stores = new Map([['1', ['counts']]]);

  it('maps members to their tasks and stores, active and standby; members without an application server are left out', () => {
    const all = streamsMetadataFromGroup(
      [
        { memberId: 'm1', subscriptionUserData: info('a:1'), assignment: [{ topic: 'in', partition: 0 }, { topic: 'app-rep', partition: 1 }, { topic: 'app-counts-changelog', partition: 0 }] },
        { memberId: 'm2', subscriptionUserData: info('b:2'), assignment: [{ topic: 'app-rep', partition: 0 }, { topic: 'app-counts-changelog', partition: 1 }] },
        { memberId: 'm3', subscriptionUserData: info(undefined), assignment: [{ topic: 'in', partition: 1 }] },
      ],
      stores,
    );
    expect(all).toEqual([
      { hostInfo: { host: 'a', port: 1 }, memberId: 'm1', activeTasks: ['0_0', '1_1'], standbyTasks: ['1_0'], stateStoreNames: ['counts'], standbyStateStoreNames: ['counts'] },
      { hostInfo: { host: 'b', port: 2 }, memberId: 'm2', activeTasks: ['1_0'], standbyTasks: ['1_1'], stateStoreNames: ['counts'], standbyStateStoreNames: ['counts'] },
    ]);
    expect(keyQueryMetadata(all, 1, 0)).toEqual({ activeHost: { host: 'b', port: 2 }, standbyHosts: [{ host: 'a', port: 1 }], partition: 0 });
    expect(keyQueryMetadata(all, 0, 1)).toEqual({ activeHost: null, standbyHosts: [], partition: 1 }); // its owner has no server
  });

  it('application.server must be host:port', () => {
    expect(parseHostInfo('[::1]:8080')).toEqual({ host: '[::1]', port: 8080 });
    for (const bad of ['localhost', ':80', 'h:', 'h:99999', 'h:x']) expect(() => parseHostInfo(bad)).toThrow(`applicationServer must be host:port, got "${bad}"`);
  });
});

describe('standby placement', () => {
  const taskTopics = new Map([
    [0, ['in']],
    [1, ['app-agg-repartition']],
  ]);
  const plan = { changelogs: new Map([[1, ['app-agg-changelog']]]), replicas: 1 };

  it('property: each stateful task gets min(replicas, members − 1) standbys, never on its active owner', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), (partitions, memberCount, replicas) => {
        const counts = new Map([['in', partitions], ['app-agg-repartition', partitions], ['app-agg-changelog', partitions]]);
        const assignor = streamsTaskAssignor(taskTopics, { ...plan, replicas });
        const ids = Array.from({ length: memberCount }, (_, i) => `m${i}`);
        // Two rounds: the second sees what the first gave (the cooperative protocol's follow-up).
        let out = assignor.assign(counts, ids.map((id) => member(id)));
        out = assignor.assign(counts, ids.map((id) => member(id, out.get(id)!, 1)));
        for (let p = 0; p < partitions; p++) {
          const owners = ids.filter((id) => out.get(id)!.some((tp) => tp.topic === 'app-agg-repartition' && tp.partition === p));
          const standbys = ids.filter((id) => out.get(id)!.some((tp) => tp.topic === 'app-agg-changelog' && tp.partition === p));
          expect(owners).toHaveLength(1);
          expect(standbys).not.toContain(owners[0]);
          expect(standbys).toHaveLength(Math.min(replicas, memberCount - 1));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('state-aware placement', () => {
  const taskTopics = new Map([[0, ['in']]]);
  const counts = new Map([['in', 4]]);
  const withState = (id: string, sums: Record<string, string>, owned: TopicPartition[] = []): GroupMember => ({
    ...member(id, owned, owned.length > 0 ? 1 : -1),
    subscription: { ...member(id).subscription, ownedPartitions: owned, generationId: owned.length > 0 ? 1 : -1, userData: encodeMemberInfo({ version: 1, subtopologies: {}, taskOffsetSums: sums }) },
  });
  const partitionsOf = (out: Map<string, TopicPartition[]>, id: string): number[] => out.get(id)!.map((tp) => tp.partition).sort();

  it('its subscription userData names the sub-topologies and the state this instance holds', () => {
    const assignor = streamsTaskAssignor(new Map([[0, ['in']], [1, ['app-agg-repartition']]]), { changelogs: new Map([[1, ['app-agg-changelog']]]), replicas: 0 }, { localState: () => ({ taskOffsetSums: new Map([['1_0', '42'], ['0_1', 'active']]) }) });
    expect(decodeMemberInfo(assignor.subscriptionUserData!(['in']))).toEqual({
      version: 1,
      subtopologies: { '0': { sources: ['in'], changelogs: [] }, '1': { sources: ['app-agg-repartition'], changelogs: ['app-agg-changelog'] } },
      taskOffsetSums: { '1_0': '42', '0_1': 'active' },
    });
    expect(decodeMemberInfo(Buffer.from('not json'))).toBeUndefined();
    expect(decodeMemberInfo(Buffer.from('{"version":7}'))).toBeUndefined();
  });

  it('after a full restart (nothing owned) each instance gets back the tasks it has checkpoints for', () => {
    const assignor = streamsTaskAssignor(taskTopics);
    // Dealt in order, a would get 0 and 1; its disk holds 1 and 3.
    const out = assignor.assign(counts, [withState('a', { '0_1': '100', '0_3': '80' }), withState('b', { '0_0': '90', '0_2': '70' })]);
    expect(partitionsOf(out, 'a')).toEqual([1, 3]);
    expect(partitionsOf(out, 'b')).toEqual([0, 2]);
  });

  it("a departed member's task goes to the member with the warmest state (a standby), owned tasks stay", () => {
    const assignor = streamsTaskAssignor(taskTopics);
    // c owned 2 and 3 and left; b kept a standby of 3 (far along) and a stale copy of 2; a has nothing.
    const out = assignor.assign(counts, [withState('a', {}, [{ topic: 'in', partition: 0 }]), withState('b', { '0_2': '5', '0_3': '500' }, [{ topic: 'in', partition: 1 }])]);
    expect(partitionsOf(out, 'a')).toEqual([0, 2]);
    expect(partitionsOf(out, 'b')).toEqual([1, 3]);
  });

  it('an owner that must give tasks up to a returning instance gives up those the instance has state for, then stateless ones', () => {
    const topics = new Map([[0, ['in']], [1, ['app-agg-repartition']]]);
    const plan = { changelogs: new Map([[1, ['app-agg-changelog']]]), replicas: 0 };
    const assignor = streamsTaskAssignor(topics, plan);
    const c = new Map([['in', 4], ['app-agg-repartition', 4]]);
    const all = [0, 1, 2, 3].flatMap((partition) => [{ topic: 'in', partition }, { topic: 'app-agg-repartition', partition }]);
    const tasksOfOut = (tps: readonly TopicPartition[]): string[] => tps.map((tp) => `${tp.topic === 'in' ? 0 : 1}_${tp.partition}`).sort();
    // b runs all 8 tasks; a comes back with checkpoints for the counting tasks 1_0 and 1_2.
    const round1 = assignor.assign(c, [withState('a', { '1_0': '50', '1_2': '60' }), withState('b', {}, all)]);
    expect(tasksOfOut(round1.get('a')!)).toEqual([]); // all owned by b: withheld until b revokes
    // b keeps its own counting tasks and two stateless ones (which two does not matter: nothing to restore).
    const kept = tasksOfOut(round1.get('b')!);
    expect(kept.filter((t) => t.startsWith('1_'))).toEqual(['1_1', '1_3']);
    expect(kept.filter((t) => t.startsWith('0_'))).toHaveLength(2);
    const round2 = assignor.assign(c, [withState('a', { '1_0': '50', '1_2': '60' }), withState('b', {}, round1.get('b')!)]);
    const got = tasksOfOut(round2.get('a')!);
    expect(got.filter((t) => t.startsWith('1_'))).toEqual(['1_0', '1_2']);
    expect(got.filter((t) => t.startsWith('0_'))).toHaveLength(2);
    expect(tasksOfOut(round2.get('b')!)).toEqual(kept);
  });

  it('warm-up replicas (KIP-441): a task moves only to a member caught up on it; until then it stays and is warmed up there', () => {
    const topics = new Map([[0, ['app-agg-repartition']]]);
    const plan = { changelogs: new Map([[0, ['app-agg-changelog']]]), replicas: 0 };
    const assignor = streamsTaskAssignor(topics, plan, { warmup: { maxWarmupReplicas: 1, acceptableRecoveryLag: 10 } });
    const c = new Map([['app-agg-repartition', 2]]);
    const task = (partition: number): TopicPartition => ({ topic: 'app-agg-repartition', partition });
    const changelog = (partition: number): TopicPartition => ({ topic: 'app-agg-changelog', partition });
    const withSums = (id: string, owned: TopicPartition[], sums: Record<string, string>, active: Record<string, string> = {}): GroupMember => ({
      ...member(id, owned, 1),
      subscription: { ...member(id).subscription, ownedPartitions: owned, generationId: 1, userData: encodeMemberInfo({ version: 1, subtopologies: {}, taskOffsetSums: sums, activeOffsetSums: active }) },
    });
    const b = (owned: TopicPartition[]): GroupMember => withSums('b', owned, { '0_0': 'active', '0_1': 'active' }, { '0_0': '1000', '0_1': '1000' });
    // a joins with nothing: b keeps both tasks, a warms one up (the other waits: one warm-up at a time).
    const round1 = assignor.assign(c, [withSums('a', [], {}), b([task(0), task(1)])]);
    expect(round1.get('b')).toEqual([task(0), task(1)]);
    expect(round1.get('a')).toEqual([changelog(1)]); // the task the sticky assignment would move
    // Still 100 behind: nothing moves.
    expect(assignor.assign(c, [withSums('a', [changelog(1)], { '0_1': '900' }), b([task(0), task(1)])])).toEqual(round1);
    // Caught up (within 10): b gives 0_1 up (cooperatively: assigned to nobody this round), then a gets it.
    const round3 = assignor.assign(c, [withSums('a', [changelog(1)], { '0_1': '995' }), b([task(0), task(1)])]);
    expect(round3.get('b')).toEqual([task(0)]);
    expect(round3.get('a')).toEqual([]);
    const round4 = assignor.assign(c, [withSums('a', [], { '0_1': '995' }), b([task(0)])]);
    expect(round4.get('a')).toEqual([task(1)]);
    // Without warm-ups (maxWarmupReplicas 0) the task moves at once, cold.
    const cold = streamsTaskAssignor(topics, plan, { warmup: { maxWarmupReplicas: 0, acceptableRecoveryLag: 10 } }).assign(c, [withSums('a', [], {}), b([task(0), task(1)])]);
    expect(cold.get('b')).toHaveLength(1);
  });

  it('warm-up replicas: a newcomer within acceptableRecoveryLag of a small changelog counts as caught up; an owner that reports no position holds nothing back', () => {
    const topics = new Map([[0, ['app-agg-repartition']]]);
    const plan = { changelogs: new Map([[0, ['app-agg-changelog']]]), replicas: 0 };
    const assignor = streamsTaskAssignor(topics, plan, { warmup: { maxWarmupReplicas: 2, acceptableRecoveryLag: 10 } });
    const c = new Map([['app-agg-repartition', 2]]);
    const owned = [0, 1].map((partition) => ({ topic: 'app-agg-repartition', partition }));
    const bWith = (active?: Record<string, string>): GroupMember => ({
      ...member('b', owned, 1),
      subscription: { ...member('b').subscription, ownedPartitions: owned, generationId: 1, userData: encodeMemberInfo({ version: 1, subtopologies: {}, taskOffsetSums: {}, ...(active === undefined ? {} : { activeOffsetSums: active }) }) },
    });
    for (const b of [bWith({ '0_0': '8', '0_1': '8' }), bWith(undefined)]) {
      const out = assignor.assign(c, [member('a'), b]);
      expect(out.get('b')).toHaveLength(1);
      expect(out.get('a')).toEqual([]);
    }
  });

  it('property: with random state on every member, rounds still converge: every task once, balanced, never straight from one owner to another', () => {
    const topics = new Map([[0, ['in']], [1, ['app-agg-repartition']]]);
    const plan = { changelogs: new Map([[1, ['app-agg-changelog']]]), replicas: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: -1, max: 50 }), { minLength: 60, maxLength: 60 }),
        fc.integer({ min: 0, max: 2 }),
        (partitions, memberCount, warmthTable, leavers) => {
          const assignor = streamsTaskAssignor(topics, plan);
          const c = new Map([['in', partitions], ['app-agg-repartition', partitions]]);
          const taskOfTp = (tp: TopicPartition): string => `${tp.topic === 'in' ? 0 : 1}_${tp.partition}`;
          const sums = (id: string): Record<string, string> => {
            const out: Record<string, string> = {};
            for (let p = 0; p < partitions; p++) {
              for (const sub of [0, 1]) {
                const w = warmthTable[(Number(id.slice(1)) * 13 + p * 2 + sub) % 60]!;
                if (w >= 0) out[`${sub}_${p}`] = String(w);
              }
            }
            return out;
          };
          const converge = (ids: string[], start: Map<string, TopicPartition[]>): Map<string, TopicPartition[]> => {
            let owned = start;
            for (let round = 1; round <= 6; round++) {
              const next = assignor.assign(c, ids.map((id) => withState(id, sums(id), owned.get(id) ?? [])));
              for (const [id, tps] of next) {
                for (const tp of tps) {
                  const elsewhere = [...owned].some(([other, o]) => other !== id && ids.includes(other) && o.some((x) => taskOfTp(x) === taskOfTp(tp)));
                  expect(elsewhere).toBe(false);
                }
              }
              if (JSON.stringify([...next]) === JSON.stringify([...owned].filter(([id]) => ids.includes(id)))) return next;
              owned = next;
            }
            throw new Error('no stable assignment after 6 rounds');
          };
          const ids = Array.from({ length: memberCount }, (_, i) => `m${i}`);
          const first = converge(ids, new Map());
          const stayed = ids.slice(0, Math.max(1, memberCount - leavers));
          const out = converge([...stayed, 'm9'], first);
          const tasks = [...out.values()].map((tps) => [...new Set(tps.map(taskOfTp))]);
          expect(tasks.flat().sort()).toEqual(allTasks(topics, c).map((t) => `${t.subtopology}_${t.partition}`).sort());
          expect(Math.max(...tasks.map((t) => t.length)) - Math.min(...tasks.map((t) => t.length))).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: placing free tasks keeps each member's count and the owned tasks, only permutes free ones, and never lowers the total warmth", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 60, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (memberCount, taskCount, warmthTable, ownedFlags) => {
          const ids = Array.from({ length: memberCount }, (_, i) => `m${i}`);
          const assignment = new Map(ids.map((id) => [id, [] as number[]]));
          for (let t = 0; t < taskCount; t++) assignment.get(ids[t % memberCount]!)!.push(t);
          const free = new Set(Array.from({ length: taskCount }, (_, t) => t).filter((t) => !ownedFlags[t]));
          const warmth = (id: string, t: number): number => warmthTable[(Number(id.slice(1)) * 12 + t) % 60]!;
          const total = (a: Map<string, number[]>): number => [...a].reduce((n, [id, ts]) => n + ts.reduce((m, t) => m + warmth(id, t), 0), 0);
          const before = new Map([...assignment].map(([id, ts]) => [id, [...ts]]));
          placeFreeTasksWarm(assignment, free, warmth, ids);
          for (const id of ids) {
            expect(assignment.get(id)!.length).toBe(before.get(id)!.length);
            for (const t of before.get(id)!) if (!free.has(t)) expect(assignment.get(id)).toContain(t);
          }
          expect([...assignment.values()].flat().sort((x, y) => x - y)).toEqual(Array.from({ length: taskCount }, (_, t) => t));
          expect(total(assignment)).toBeGreaterThanOrEqual(total(before));
        },
      ),
      { numRuns: 300 },
    );
  });
});
