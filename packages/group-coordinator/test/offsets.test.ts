import { Driver } from './helpers/driver';

const G = 'billing';

function stableOne(d: Driver): { member: string; gen: number } {
  const a = d.newMember(G);
  d.advance(0);
  const gen = d.joinReply(a.request).generationId;
  d.sync(G, a.memberId, gen, [{ memberId: a.memberId, assignment: Buffer.from('A') }]);
  return { member: a.memberId, gen };
}

const fetchAll = (d: Driver, groupId = G) => d.shard.fetchOffsets({ groupId, partitions: null, requireStable: false }).offsets;

describe('OffsetCommit / OffsetFetch', () => {
  test('a member commits in its generation; the offset is visible only once written', () => {
    const d = new Driver();
    const { member, gen } = stableOne(d);
    d.autoComplete = false;
    const c = d.commit(G, gen, member, [['t', 0, 42n], ['t', 1, 7n]], 'meta');
    expect(d.reply(c)).toBeUndefined();
    expect(d.shard.fetchOffsets({ groupId: G, partitions: [{ topic: 't', partition: 0 }], requireStable: false }).offsets[0]!.offset).toBe(-1n);
    expect(d.shard.fetchOffsets({ groupId: G, partitions: [{ topic: 't', partition: 0 }], requireStable: true }).offsets[0]!.error).toBe('UNSTABLE_OFFSET_COMMIT');
    d.completeHeld();
    expect(d.expectReply(c, 'commit').response.results.map((r) => r.error)).toEqual(['NONE', 'NONE']);
    expect(fetchAll(d)).toEqual([
      { topic: 't', partition: 0, offset: 42n, leaderEpoch: 3, metadata: 'meta', error: 'NONE' },
      { topic: 't', partition: 1, offset: 7n, leaderEpoch: 3, metadata: 'meta', error: 'NONE' },
    ]);
    expect(d.log.filter((r) => r.type === 'offset')).toHaveLength(2);
  });

  test('unknown partitions and groups fetch as -1', () => {
    const d = new Driver();
    expect(d.shard.fetchOffsets({ groupId: 'none', partitions: [{ topic: 't', partition: 3 }], requireStable: false }).offsets).toEqual([
      { topic: 't', partition: 3, offset: -1n, leaderEpoch: -1, metadata: '', error: 'NONE' },
    ]);
    expect(fetchAll(d, 'none')).toEqual([]);
  });

  test('stale members are refused: wrong generation, unknown member; REBALANCE_IN_PROGRESS while completing', () => {
    const d = new Driver();
    const { member, gen } = stableOne(d);
    const err = (id: number) => d.expectReply(id, 'commit').response.results[0]!.error;
    expect(err(d.commit(G, gen + 1, member, [['t', 0, 1n]]))).toBe('ILLEGAL_GENERATION');
    expect(err(d.commit(G, gen, 'ghost', [['t', 0, 1n]]))).toBe('UNKNOWN_MEMBER_ID');
    expect(err(d.commit('gone', 4, 'ghost', [['t', 0, 1n]]))).toBe('ILLEGAL_GENERATION');
    // Rebalance: commits are still fine while PreparingRebalance...
    const b = d.newMember(G);
    expect(err(d.commit(G, gen, member, [['t', 0, 5n]]))).toBe('NONE');
    // ...but not in CompletingRebalance.
    d.join({ groupId: G, memberId: member });
    expect(d.joinReply(b.request).generationId).toBe(gen + 1);
    expect(err(d.commit(G, gen + 1, member, [['t', 0, 6n]]))).toBe('REBALANCE_IN_PROGRESS');
  });

  test('an admin commit (generation -1, no member) works on an Empty group and is refused while it has members', () => {
    const d = new Driver();
    const err = (id: number) => d.expectReply(id, 'commit').response.results[0]!.error;
    // No group yet: created by the commit (offsets-only group).
    expect(err(d.commit('standalone', -1, '', [['t', 0, 10n]]))).toBe('NONE');
    expect(d.shard.group('standalone')!.state).toBe('Empty');
    const { member } = stableOne(d);
    expect(err(d.commit(G, -1, '', [['t', 0, 0n]]))).toBe('UNKNOWN_MEMBER_ID');
    d.leave(G, [{ memberId: member }]);
    expect(d.shard.group(G)!.state).toBe('Empty');
    expect(err(d.commit(G, -1, '', [['t', 0, 0n]]))).toBe('NONE');
    expect(fetchAll(d)[0]!.offset).toBe(0n);
  });

  test('metadata longer than offset.metadata.max.bytes is OFFSET_METADATA_TOO_LARGE for that commit', () => {
    const d = new Driver({ offsetMetadataMaxBytes: 4 });
    const r = d.expectReply(d.commit('x', -1, '', [['t', 0, 1n]], 'too long'), 'commit').response;
    expect(r.results).toEqual([{ topic: 't', partition: 0, error: 'OFFSET_METADATA_TOO_LARGE' }]);
    expect(d.log).toHaveLength(0);
  });

  test('a negative offset is INVALID_REQUEST for that partition; the earlier offset stays and the rest of the commit is stored', () => {
    const d = new Driver();
    const { member, gen } = stableOne(d);
    d.commit(G, gen, member, [['t', 0, 42n], ['t', 1, 7n]], 'keep');
    const before = d.log.length;
    const r = d.expectReply(d.commit(G, gen, member, [['t', 0, -1n], ['t', 1, 8n], ['t', 2, -9_223_372_036_854_775_808n]]), 'commit').response;
    expect(r.results.map((x) => [x.partition, x.error]).sort()).toEqual([
      [0, 'INVALID_REQUEST'],
      [1, 'NONE'],
      [2, 'INVALID_REQUEST'],
    ]);
    expect(d.log.length - before).toBe(1);
    expect(fetchAll(d).map((o) => [o.partition, o.offset])).toEqual([
      [0, 42n],
      [1, 8n],
    ]);
  });

  test('failed writes map to Kafka’s commit errors and change nothing', () => {
    const d = new Driver();
    d.autoComplete = false;
    const cases: [string, string][] = [
      ['NOT_LEADER_OR_FOLLOWER', 'NOT_COORDINATOR'],
      ['NOT_ENOUGH_REPLICAS', 'COORDINATOR_NOT_AVAILABLE'],
      ['MESSAGE_TOO_LARGE', 'INVALID_COMMIT_OFFSET_SIZE'],
      ['REQUEST_TIMED_OUT', 'REQUEST_TIMED_OUT'],
    ];
    for (const [written, answered] of cases) {
      const id = d.commit('x', -1, '', [['t', 0, 5n]]);
      d.completeHeld(written as never);
      expect(d.expectReply(id, 'commit').response.results[0]!.error).toBe(answered);
    }
    expect(fetchAll(d, 'x')[0]?.offset ?? -1n).toBe(-1n);
    expect(d.shard.group('x')!.pendingOffsetCommits.size).toBe(0);
  });
});

describe('DescribeGroups / ListGroups / DeleteGroups', () => {
  test('describe shows members with assignments only when Stable; unknown groups are Dead', () => {
    const d = new Driver();
    const { member } = stableOne(d);
    const [desc, unknown] = d.shard.describeGroups([G, 'nope']);
    expect(desc).toMatchObject({ groupId: G, error: 'NONE', state: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(desc!.members).toEqual([
      { memberId: member, groupInstanceId: null, clientId: 'client', clientHost: '/127.0.0.1', metadata: Buffer.from('sub'), assignment: Buffer.from('A') },
    ]);
    expect(unknown).toEqual({ groupId: 'nope', error: 'NONE', state: 'Dead', protocolType: '', protocolData: '', members: [] });
    d.newMember(G);
    const [during] = d.shard.describeGroups([G]);
    expect(during!.state).toBe('PreparingRebalance');
    expect(during!.members.every((m) => m.assignment.length === 0)).toBe(true);
    expect(d.shard.listGroups()).toEqual([{ groupId: G, protocolType: 'consumer', state: 'PreparingRebalance' }]);
    expect(d.shard.listGroups(['Stable'])).toEqual([]);
  });

  test('delete: Empty groups go with tombstones; groups with members and unknown ones are refused', () => {
    const d = new Driver();
    d.commit('idle', -1, '', [['t', 0, 1n], ['t', 1, 2n]]);
    stableOne(d);
    const id = d.deleteGroups(['idle', G, 'nope']);
    expect(d.expectReply(id, 'delete').response).toEqual([
      { groupId: 'idle', error: 'NONE' },
      { groupId: G, error: 'NON_EMPTY_GROUP' },
      { groupId: 'nope', error: 'GROUP_ID_NOT_FOUND' },
    ]);
    expect(d.shard.group('idle')).toBeUndefined();
    const tail = d.log.slice(-3);
    expect(tail.map((r) => [r.type, r.value])).toEqual([
      ['offset', null],
      ['offset', null],
      ['group', null],
    ]);
    // Reloading from the log: the group stays deleted.
    d.reload();
    expect(d.shard.group('idle')).toBeUndefined();
    expect(d.shard.group(G)!.state).toBe('Stable');
  });
});

describe('deleted topics', () => {
  test('their offsets get tombstones; a group left empty with nothing goes; other topics stay', () => {
    const d = new Driver();
    d.commit('only-gone', -1, '', [['gone', 0, 1n]]);
    d.commit('mixed', -1, '', [['gone', 1, 2n], ['kept', 0, 3n]]);
    const { member, gen } = stableOne(d);
    d.commit(G, gen, member, [['gone', 0, 9n]]);
    d.apply(d.shard.deleteTopicOffsets(['gone'], d.nowMs));
    expect(d.shard.group('only-gone')).toBeUndefined();
    expect(fetchAll(d, 'mixed').map((o) => o.topic)).toEqual(['kept']);
    expect(fetchAll(d)).toEqual([]);
    expect(d.shard.group(G)!.state).toBe('Stable'); // has members: stays
    d.reload();
    expect(d.shard.group('only-gone')).toBeUndefined();
    expect(fetchAll(d, 'mixed').map((o) => o.topic)).toEqual(['kept']);
  });
});

describe('offset retention', () => {
  test('offsets of an Empty group expire offsets.retention after it emptied; then the group goes', () => {
    const d = new Driver({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000 });
    const { member, gen } = stableOne(d);
    d.commit(G, gen, member, [['t', 0, 9n]]);
    d.advance(100_000); // a member that heartbeats keeps its offsets
    expect(fetchAll(d).length).toBe(0); // (it did not heartbeat: it was removed at 10 s, the group emptied then)
    expect(d.shard.group(G)).toBeUndefined();
    expect(d.log.at(-1)).toMatchObject({ type: 'group', groupId: G, value: null });
  });

  test('a live group keeps its offsets', () => {
    const d = new Driver({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000 });
    const { member, gen } = stableOne(d);
    d.commit(G, gen, member, [['t', 0, 9n]]);
    for (let i = 0; i < 40; i++) {
      d.advance(3000);
      expect(d.heartbeat(G, member, gen)).toBe('NONE');
    }
    expect(fetchAll(d)[0]!.offset).toBe(9n);
  });
});
