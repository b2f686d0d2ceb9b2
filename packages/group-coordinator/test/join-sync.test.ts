import { Driver } from './helpers/driver';

const G = 'orders-app';

/** Two members through their first rebalance; returns ids and the generation. */
function stableGroupOfTwo(d: Driver): { a: string; b: string; generation: number } {
  const a = d.newMember(G, { clientId: 'a' });
  const b = d.newMember(G, { clientId: 'b' });
  // initial delay is 0: the first join phase completes at the next tick.
  d.advance(0);
  const ja = d.joinReply(a.request);
  const jb = d.joinReply(b.request);
  expect(ja.error).toBe('NONE');
  expect(jb.generationId).toBe(ja.generationId);
  const leader = ja.leader;
  const leaderId = leader === a.memberId ? a.memberId : b.memberId;
  const follower = leaderId === a.memberId ? b.memberId : a.memberId;
  const fs = d.sync(G, follower, ja.generationId);
  expect(d.reply(fs)).toBeUndefined(); // waits for the leader
  const ls = d.sync(G, leaderId, ja.generationId, [
    { memberId: a.memberId, assignment: Buffer.from('A') },
    { memberId: b.memberId, assignment: Buffer.from('B') },
  ]);
  expect(d.syncReply(ls).error).toBe('NONE');
  expect(d.syncReply(fs).error).toBe('NONE');
  expect(d.shard.group(G)!.state).toBe('Stable');
  return { a: a.memberId, b: b.memberId, generation: ja.generationId };
}

describe('JoinGroup', () => {
  test('a new member first gets MEMBER_ID_REQUIRED with its id (KIP-394), then joins with it', () => {
    const d = new Driver();
    const first = d.joinReply(d.join({ groupId: G, clientId: 'svc' }));
    expect(first).toMatchObject({ error: 'MEMBER_ID_REQUIRED', generationId: -1, leader: '', members: [] });
    expect(first.memberId).toMatch(/^svc-/);
    const second = d.join({ groupId: G, memberId: first.memberId, clientId: 'svc' });
    d.advance(0);
    const r = d.joinReply(second);
    expect(r).toMatchObject({ error: 'NONE', generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: first.memberId, memberId: first.memberId });
    expect(r.members).toEqual([{ memberId: first.memberId, groupInstanceId: null, metadata: Buffer.from('sub') }]);
    expect(d.shard.group(G)!.state).toBe('CompletingRebalance');
  });

  test('old-style clients (requireKnownMemberId false) are added at once', () => {
    const d = new Driver();
    const id = d.join({ groupId: G, requireKnownMemberId: false });
    d.advance(0);
    expect(d.joinReply(id)).toMatchObject({ error: 'NONE', generationId: 1 });
  });

  test('only the leader gets the members, and everyone the same generation and protocol', () => {
    const d = new Driver();
    const a = d.newMember(G, { clientId: 'a', protocols: [{ name: 'roundrobin', metadata: Buffer.from('ra') }, { name: 'range', metadata: Buffer.from('ga') }] });
    const b = d.newMember(G, { clientId: 'b', protocols: [{ name: 'range', metadata: Buffer.from('gb') }] });
    d.advance(0);
    const ra = d.joinReply(a.request);
    const rb = d.joinReply(b.request);
    // range is the only protocol both support.
    expect(ra.protocolName).toBe('range');
    expect(rb.protocolName).toBe('range');
    expect(ra.leader).toBe(rb.leader);
    const leaderReply = ra.leader === a.memberId ? ra : rb;
    const followerReply = ra.leader === a.memberId ? rb : ra;
    expect(leaderReply.members.map((m) => m.metadata.toString()).sort()).toEqual(['ga', 'gb']);
    expect(followerReply.members).toEqual([]);
  });

  test('the initial rebalance delay waits for more members, then completes', () => {
    const d = new Driver({ groupInitialRebalanceDelayMs: 3000 });
    const a = d.newMember(G);
    d.advance(2000);
    const b = d.newMember(G);
    d.advance(999);
    expect(d.reply(a.request)).toBeUndefined();
    // The first delay ends at 3000; b arrived meanwhile, so it waits another delay.
    d.advance(1);
    expect(d.reply(a.request)).toBeUndefined();
    d.advance(3000);
    expect(d.joinReply(a.request).generationId).toBe(1);
    expect(d.joinReply(b.request).generationId).toBe(1);
  });

  test('errors: empty group id, session timeout out of range, stale member id, protocol mismatch', () => {
    const d = new Driver({ groupMinSessionTimeoutMs: 6000, groupMaxSessionTimeoutMs: 60_000 });
    expect(d.joinReply(d.join({ groupId: '' })).error).toBe('INVALID_GROUP_ID');
    expect(d.joinReply(d.join({ groupId: G, sessionTimeoutMs: 5999 })).error).toBe('INVALID_SESSION_TIMEOUT');
    expect(d.joinReply(d.join({ groupId: G, sessionTimeoutMs: 60_001 })).error).toBe('INVALID_SESSION_TIMEOUT');
    expect(d.joinReply(d.join({ groupId: 'nope', memberId: 'ghost' })).error).toBe('UNKNOWN_MEMBER_ID');
    d.newMember(G, { sessionTimeoutMs: 10_000 });
    expect(d.joinReply(d.join({ groupId: G, protocolType: 'connect', sessionTimeoutMs: 10_000 })).error).toBe('INCONSISTENT_GROUP_PROTOCOL');
    expect(d.joinReply(d.join({ groupId: G, protocols: [{ name: 'other', metadata: Buffer.alloc(0) }], sessionTimeoutMs: 10_000 })).error).toBe(
      'INCONSISTENT_GROUP_PROTOCOL',
    );
    expect(d.joinReply(d.join({ groupId: 'empty-protocols', protocols: [], sessionTimeoutMs: 10_000 })).error).toBe('INCONSISTENT_GROUP_PROTOCOL');
  });

  test('group.max.size: joiners beyond it get GROUP_MAX_SIZE_REACHED', () => {
    const d = new Driver({ groupMaxSize: 2 });
    stableGroupOfTwo(d);
    const third = d.joinReply(d.join({ groupId: G, requireKnownMemberId: false }));
    expect(third.error).toBe('GROUP_MAX_SIZE_REACHED');
    expect(d.shard.group(G)!.state).toBe('Stable');
  });

  test('a follower rejoining a Stable group with the same metadata gets the current generation, no rebalance', () => {
    const d = new Driver();
    const { a, b, generation } = stableGroupOfTwo(d);
    const follower = d.shard.group(G)!.leaderId === a ? b : a;
    const r = d.joinReply(d.join({ groupId: G, memberId: follower }));
    expect(r).toMatchObject({ error: 'NONE', generationId: generation, members: [] });
    expect(d.shard.group(G)!.state).toBe('Stable');
  });

  test('the leader rejoining a Stable group triggers a rebalance (it may have seen new partitions)', () => {
    const d = new Driver();
    const { a, b, generation } = stableGroupOfTwo(d);
    const leader = d.shard.group(G)!.leaderId!;
    const follower = leader === a ? b : a;
    const lj = d.join({ groupId: G, memberId: leader });
    expect(d.shard.group(G)!.state).toBe('PreparingRebalance');
    expect(d.heartbeat(G, follower, generation)).toBe('REBALANCE_IN_PROGRESS');
    const fj = d.join({ groupId: G, memberId: follower });
    // Everyone rejoined: the join phase completes at once.
    expect(d.joinReply(lj).generationId).toBe(generation + 1);
    expect(d.joinReply(fj).generationId).toBe(generation + 1);
  });

  test('a JoinGroup retried while CompletingRebalance gets the same answer again', () => {
    const d = new Driver();
    const a = d.newMember(G);
    d.advance(0);
    const first = d.joinReply(a.request);
    const again = d.joinReply(d.join({ groupId: G, memberId: a.memberId }));
    expect(again).toEqual(first);
  });
});

describe('SyncGroup and Heartbeat', () => {
  test('the leader’s assignment reaches each member; members the leader left out get an empty one', () => {
    const d = new Driver();
    const a = d.newMember(G);
    const b = d.newMember(G);
    d.advance(0);
    const gen = d.joinReply(a.request).generationId;
    const leader = d.joinReply(a.request).leader;
    const other = leader === a.memberId ? b.memberId : a.memberId;
    const ls = d.sync(G, leader, gen, [{ memberId: leader, assignment: Buffer.from('L') }, { memberId: 'not-a-member', assignment: Buffer.from('X') }]);
    expect(d.syncReply(ls)).toEqual({ error: 'NONE', protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('L') });
    const os = d.sync(G, other, gen);
    expect(d.syncReply(os).assignment.length).toBe(0);
    // The stored record carries the assignment.
    const rec = d.log.filter((r) => r.type === 'group').at(-1)!;
    expect(rec.type === 'group' && rec.value!.members.map((m) => m.assignment.toString()).sort()).toEqual(['', 'L']);
  });

  test('errors follow Kafka’s order: unknown group, unknown member, illegal generation, rebalance in progress', () => {
    const d = new Driver();
    const { a, b, generation } = stableGroupOfTwo(d);
    expect(d.syncReply(d.sync('nope', a, generation)).error).toBe('UNKNOWN_MEMBER_ID');
    expect(d.syncReply(d.sync(G, 'ghost', generation)).error).toBe('UNKNOWN_MEMBER_ID');
    expect(d.syncReply(d.sync(G, a, generation + 5)).error).toBe('ILLEGAL_GENERATION');
    expect(d.heartbeat(G, 'ghost', generation)).toBe('UNKNOWN_MEMBER_ID');
    expect(d.heartbeat(G, a, generation - 1)).toBe('ILLEGAL_GENERATION');
    expect(d.heartbeat('', a, generation)).toBe('INVALID_GROUP_ID');
    expect(d.heartbeat(G, b, generation)).toBe('NONE');
    d.newMember(G); // a third member: rebalance
    expect(d.heartbeat(G, a, generation)).toBe('REBALANCE_IN_PROGRESS');
    expect(d.syncReply(d.sync(G, a, generation)).error).toBe('REBALANCE_IN_PROGRESS');
  });

  test('a member joining while others wait for their assignment sends them back to rejoin', () => {
    const d = new Driver();
    const a = d.newMember(G);
    d.advance(0);
    const gen = d.joinReply(a.request).generationId;
    d.autoComplete = false; // hold the leader's store
    const s = d.sync(G, a.memberId, gen, [{ memberId: a.memberId, assignment: Buffer.from('A') }]);
    d.newMember(G);
    expect(d.syncReply(s).error).toBe('REBALANCE_IN_PROGRESS');
    // The store completes late: it belongs to an old generation and changes nothing.
    d.completeHeld();
    expect(d.shard.group(G)!.state).toBe('PreparingRebalance');
    d.shard.checkInvariants();
  });

  test('a failed assignment store answers NOT_COORDINATOR and rebalances', () => {
    const d = new Driver();
    const a = d.newMember(G);
    d.advance(0);
    const gen = d.joinReply(a.request).generationId;
    d.autoComplete = false;
    const s = d.sync(G, a.memberId, gen, [{ memberId: a.memberId, assignment: Buffer.from('A') }]);
    d.completeHeld('NOT_LEADER_OR_FOLLOWER');
    expect(d.syncReply(s).error).toBe('NOT_COORDINATOR');
    expect(d.shard.group(G)!.state).toBe('PreparingRebalance');
  });

  test('a store that times out answers REBALANCE_IN_PROGRESS (Kafka’s mapping)', () => {
    const d = new Driver();
    const a = d.newMember(G);
    d.advance(0);
    d.autoComplete = false;
    const s = d.sync(G, a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('A') }]);
    d.completeHeld('REQUEST_TIMED_OUT');
    expect(d.syncReply(s).error).toBe('REBALANCE_IN_PROGRESS');
  });
});

describe('timeouts', () => {
  test('a member without heartbeats for session.timeout.ms is removed and the group rebalances', () => {
    const d = new Driver();
    const { a, b, generation } = stableGroupOfTwo(d);
    for (let i = 0; i < 3; i++) {
      d.advance(3000);
      expect(d.heartbeat(G, a, generation)).toBe('NONE');
    }
    d.advance(999);
    expect(d.shard.group(G)!.has(b)).toBe(true);
    d.advance(1);
    // b never heartbeat: it went at 10 s.
    const g = d.shard.group(G)!;
    expect(g.has(b)).toBe(false);
    expect(g.state).toBe('PreparingRebalance');
    expect(d.heartbeat(G, a, generation)).toBe('REBALANCE_IN_PROGRESS');
    const rj = d.join({ groupId: G, memberId: a });
    expect(d.joinReply(rj)).toMatchObject({ error: 'NONE', generationId: generation + 1, leader: a });
  });

  test('members that do not rejoin within the rebalance timeout are dropped from the next generation', () => {
    const d = new Driver();
    const { a, b, generation } = stableGroupOfTwo(d);
    const aj = d.join({ groupId: G, memberId: a, protocols: [{ name: 'range', metadata: Buffer.from('new') }] });
    d.advance(9000);
    expect(d.heartbeat(G, b, generation)).toBe('REBALANCE_IN_PROGRESS');
    expect(d.reply(aj)).toBeUndefined();
    d.advance(21_000); // rebalance timeout 30 s
    const r = d.joinReply(aj);
    expect(r.generationId).toBe(generation + 1);
    expect(r.members.map((m) => m.memberId)).toEqual([a]);
    expect(d.shard.group(G)!.has(b)).toBe(false);
  });

  test('a pending member that never comes back expires after its session timeout', () => {
    const d = new Driver();
    const first = d.joinReply(d.join({ groupId: G }));
    expect(d.shard.group(G)!.pendingMembers.has(first.memberId)).toBe(true);
    d.advance(10_000);
    expect(d.shard.group(G)!.pendingMembers.size).toBe(0);
    expect(d.joinReply(d.join({ groupId: G, memberId: first.memberId })).error).toBe('UNKNOWN_MEMBER_ID');
  });

  test('members that never send SyncGroup are removed after the rebalance timeout', () => {
    const d = new Driver();
    const a = d.newMember(G);
    const b = d.newMember(G);
    d.advance(0);
    const gen = d.joinReply(a.request).generationId;
    const leader = d.joinReply(a.request).leader;
    const other = leader === a.memberId ? b.memberId : a.memberId;
    d.sync(G, leader, gen, []);
    // The other member heartbeats but never syncs.
    for (let i = 0; i < 10; i++) {
      d.advance(3000);
      d.heartbeat(G, other, gen);
      d.heartbeat(G, leader, gen);
    }
    d.advance(1);
    const g = d.shard.group(G)!;
    expect(g.has(other)).toBe(false);
    expect(g.state).toBe('PreparingRebalance');
  });

  test('a new member stuck in a long rebalance is dropped after newMemberJoinTimeoutMs', () => {
    const d = new Driver({ newMemberJoinTimeoutMs: 5000 });
    const { a, b, generation } = stableGroupOfTwo(d);
    const c = d.newMember(G);
    // a and b keep heartbeating but never rejoin; the rebalance lasts 30 s.
    for (let i = 0; i < 2; i++) {
      d.advance(2500);
      d.heartbeat(G, a, generation);
      d.heartbeat(G, b, generation);
    }
    expect(d.joinReply(c.request).error).toBe('UNKNOWN_MEMBER_ID');
    expect(d.shard.group(G)!.has(c.memberId)).toBe(false);
  });
});

describe('LeaveGroup', () => {
  test('a leaving member triggers a rebalance; unknown members are reported per member', () => {
    const d = new Driver();
    const { a, b, generation } = stableGroupOfTwo(d);
    const r = d.leave(G, [{ memberId: a }, { memberId: 'ghost' }]);
    expect(r.response).toEqual({
      error: 'NONE',
      members: [
        { memberId: a, groupInstanceId: null, error: 'NONE' },
        { memberId: 'ghost', groupInstanceId: null, error: 'UNKNOWN_MEMBER_ID' },
      ],
    });
    expect(d.heartbeat(G, b, generation)).toBe('REBALANCE_IN_PROGRESS');
    expect(d.leave('nope', [{ memberId: 'x' }]).response.members[0]!.error).toBe('UNKNOWN_MEMBER_ID');
  });

  test('the last member leaving empties the group and stores it', () => {
    const d = new Driver();
    const a = d.newMember(G);
    d.advance(0);
    d.sync(G, a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('A') }]);
    d.leave(G, [{ memberId: a.memberId }]);
    const g = d.shard.group(G)!;
    expect(g.state).toBe('Empty');
    expect(g.generationId).toBe(2);
    const last = d.log.at(-1)!;
    expect(last).toMatchObject({ type: 'group', groupId: G, value: { generationId: 2, members: [], protocolName: null } });
  });
});

describe('static membership (KIP-345)', () => {
  const join = (d: Driver, instance: string, memberId = '') => d.join({ groupId: G, groupInstanceId: instance, memberId, clientId: instance });

  function stableStatic(d: Driver): { m1: string; m2: string; gen: number } {
    const j1 = join(d, 'i1');
    const j2 = join(d, 'i2');
    d.advance(0);
    const r1 = d.joinReply(j1);
    const r2 = d.joinReply(j2);
    const gen = r1.generationId;
    const leader = r1.leader;
    d.sync(G, leader, gen, [
      { memberId: r1.memberId, assignment: Buffer.from('one') },
      { memberId: r2.memberId, assignment: Buffer.from('two') },
    ], leader === r1.memberId ? 'i1' : 'i2');
    d.sync(G, leader === r1.memberId ? r2.memberId : r1.memberId, gen, [], leader === r1.memberId ? 'i2' : 'i1');
    expect(d.shard.group(G)!.state).toBe('Stable');
    return { m1: r1.memberId, m2: r2.memberId, gen };
  }

  test('static members need no member-id handshake', () => {
    const d = new Driver();
    const j = join(d, 'i1');
    d.advance(0);
    expect(d.joinReply(j)).toMatchObject({ error: 'NONE', generationId: 1 });
    expect(d.joinReply(j).memberId).toMatch(/^i1-/);
  });

  test('a restarted static member takes its old place without a rebalance; the old incarnation is fenced', () => {
    const d = new Driver();
    const { m1, m2, gen } = stableStatic(d);
    const g = d.shard.group(G)!;
    const wasLeader = g.leaderId === m1;
    const rj = join(d, 'i1');
    const r = d.joinReply(rj);
    expect(r.error).toBe('NONE');
    expect(r.generationId).toBe(gen);
    expect(r.memberId).not.toBe(m1);
    expect(r.skipAssignment).toBe(wasLeader); // KIP-814
    expect(g.state).toBe('Stable');
    // The new id gets the old assignment; the old id is fenced.
    expect(d.syncReply(d.sync(G, r.memberId, gen, [], 'i1')).assignment.toString()).toBe('one');
    expect(d.heartbeat(G, m1, gen, 'i1')).toBe('FENCED_INSTANCE_ID');
    expect(d.heartbeat(G, m2, gen, 'i2')).toBe('NONE');
    // The new member id was stored.
    const rec = d.log.filter((x) => x.type === 'group').at(-1)!;
    expect(rec.type === 'group' && rec.value!.members.map((m) => m.memberId).sort()).toEqual([m2, r.memberId].sort());
  });

  test('a static rejoin that cannot be stored is reverted', () => {
    const d = new Driver();
    const { m1, gen } = stableStatic(d);
    d.autoComplete = false;
    const rj = join(d, 'i1');
    d.completeHeld('NOT_LEADER_OR_FOLLOWER');
    expect(d.joinReply(rj)).toMatchObject({ error: 'NOT_COORDINATOR', memberId: '' });
    expect(d.heartbeat(G, m1, gen, 'i1')).toBe('NONE');
    d.shard.checkInvariants();
  });

  test('a static member that does not rejoin stays in the group (its session decides), a dynamic one would not', () => {
    const d = new Driver();
    const { m1, m2, gen } = stableStatic(d);
    const rj = d.join({ groupId: G, groupInstanceId: 'i2', memberId: m2, protocols: [{ name: 'range', metadata: Buffer.from('changed') }] });
    // i1 stays alive (heartbeats) but does not rejoin.
    for (let i = 0; i < 10; i++) {
      d.advance(3000);
      expect(d.heartbeat(G, m1, gen, 'i1')).toBe(i < 9 ? 'REBALANCE_IN_PROGRESS' : 'ILLEGAL_GENERATION');
    }
    // Not rejoined within the rebalance timeout, yet kept: static members are not dropped for that.
    const r = d.joinReply(rj);
    expect(r.generationId).toBe(gen + 1);
    expect(r.members.map((m) => m.memberId).sort()).toEqual([m1, m2].sort());
  });

  test('LeaveGroup by group.instance.id alone removes the static member', () => {
    const d = new Driver();
    const { m1 } = stableStatic(d);
    const r = d.leave(G, [{ memberId: '', groupInstanceId: 'i1' }]);
    expect(r.response.members[0]!.error).toBe('NONE');
    expect(d.shard.group(G)!.has(m1)).toBe(false);
    expect(d.leave(G, [{ memberId: m1, groupInstanceId: 'i2' }]).response.members[0]!.error).toBe('FENCED_INSTANCE_ID');
  });

  test('a JoinGroup with a known member id but a fenced instance id is FENCED_INSTANCE_ID', () => {
    const d = new Driver();
    const { m1 } = stableStatic(d);
    expect(d.joinReply(join(d, 'i2', m1)).error).toBe('FENCED_INSTANCE_ID');
  });
});
