import { OffsetsLoader } from '@gregor/group-coordinator';
import { Driver } from './helpers/driver';

const G = 'g';

describe('loading a shard from __consumer_offsets', () => {
  test('a Stable group comes back in its generation; members heartbeating carry on without a rebalance', () => {
    const d = new Driver();
    const a = d.newMember(G, { clientId: 'a' });
    const b = d.newMember(G, { clientId: 'b' });
    d.advance(0);
    const r = d.joinReply(a.request);
    const gen = r.generationId;
    d.sync(G, r.leader, gen, [
      { memberId: a.memberId, assignment: Buffer.from('pa') },
      { memberId: b.memberId, assignment: Buffer.from('pb') },
    ]);
    d.sync(G, r.leader === a.memberId ? b.memberId : a.memberId, gen);
    d.commit(G, gen, a.memberId, [['t', 0, 100n]]);
    d.commit(G, gen, b.memberId, [['t', 1, 200n]]);
    d.commit(G, gen, a.memberId, [['t', 0, 150n]]);

    const shard = d.reload();
    const g = shard.group(G)!;
    expect(g.state).toBe('Stable');
    expect(g.generationId).toBe(gen);
    expect(g.leaderId).toBe(r.leader);
    expect(g.protocolName).toBe('range');
    expect(g.members.get(a.memberId)!.assignment.toString()).toBe('pa');
    expect(shard.fetchOffsets({ groupId: G, partitions: null, requireStable: false }).offsets.map((o) => `${o.partition}:${o.offset}`).sort()).toEqual(["0:150", "1:200"]);
    // Sessions restart at load time.
    d.advance(5000);
    expect(d.heartbeat(G, a.memberId, gen)).toBe('NONE');
    expect(d.heartbeat(G, b.memberId, gen)).toBe('NONE');
    expect(d.syncReply(d.sync(G, b.memberId, gen)).assignment.toString()).toBe('pb');
    // A member that stops heartbeating after the failover is expired as usual.
    d.advance(9000);
    expect(d.heartbeat(G, a.memberId, gen)).toBe('NONE');
    d.advance(2000);
    expect(g.has(b.memberId)).toBe(false);
    expect(d.heartbeat(G, a.memberId, gen)).toBe('REBALANCE_IN_PROGRESS');
  });

  test('a group mid-rebalance comes back as its last stored generation', () => {
    const d = new Driver();
    const a = d.newMember(G);
    d.advance(0);
    d.sync(G, a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('x') }]);
    d.newMember(G); // PreparingRebalance, nothing stored for it
    const g = d.reload().group(G)!;
    expect(g.state).toBe('Stable');
    expect(g.generationId).toBe(1);
    expect([...g.members.keys()]).toEqual([a.memberId]);
  });

  test('latest record per key wins and tombstones delete, whatever came before', () => {
    const loader = new OffsetsLoader();
    const off = (offset: bigint | null) => ({
      type: 'offset' as const,
      groupId: 'x',
      topic: 't',
      partition: 0,
      value: offset === null ? null : { offset, leaderEpoch: -1, metadata: '', commitTimestampMs: 1, expireTimestampMs: -1 },
    });
    loader.replay(off(1n));
    loader.replay(off(2n));
    expect(loader.state().offsets.get('x')!.get('t\u00000')!.offset).toBe(2n);
    loader.replay(off(null));
    expect(loader.state().offsets.has('x')).toBe(false);
    loader.replay(off(3n));
    expect(loader.state().offsets.get('x')!.get('t\u00000')!.offset).toBe(3n);
    expect(loader.recordsReplayed).toBe(4);
    expect(loader.liveKeys).toBe(1);
  });

  test('offsets without group metadata load as an Empty offsets-only group', () => {
    const d = new Driver();
    d.commit('tool', -1, '', [['t', 0, 5n]]);
    const shard = d.reload();
    expect(shard.group('tool')!.state).toBe('Empty');
    expect(shard.fetchOffsets({ groupId: 'tool', partitions: null, requireStable: false }).offsets[0]!.offset).toBe(5n);
  });
});
