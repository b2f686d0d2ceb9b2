import fc from 'fast-check';
import type { ErrorName } from '@gregor/common';
import { OffsetsLoader, type GroupCoordinatorShard, type JoinGroupResponse, type Reply } from '@gregor/group-coordinator';
import { Driver } from './helpers/driver';

/**
 * Random client behaviour — joins, syncs, heartbeats, leaves, commits,
 * restarts (static and dynamic), group deletion, time passing, slow and
 * failing writes, coordinator failover — against one shard. After every
 * step: the shard's structural invariants; one generation at a time (all
 * JoinGroup answers of a generation agree on leader, protocol and
 * members); every SyncGroup answer carries what the leader assigned in
 * that generation; every Stable member holds an assignment of the current
 * generation. At the end, with time and writes flowing, every request has
 * been answered, and (without injected write failures) a shard loaded from
 * the log agrees with the live one.
 * Replay a failure with SEED=<seed> (and PATH=<path> printed by fast-check).
 */

const GROUPS = ['g0', 'g1'];
const CLIENTS = 5;

type Action =
  | { t: 'step'; c: number }
  | { t: 'join'; c: number; variant: number }
  | { t: 'sync'; c: number }
  | { t: 'hb'; c: number }
  | { t: 'leave'; c: number }
  | { t: 'commit'; c: number; offset: number }
  | { t: 'restart'; c: number }
  | { t: 'advance'; ms: number }
  | { t: 'hold' }
  | { t: 'release'; fail: boolean }
  | { t: 'delete'; g: number }
  | { t: 'failover' };

const action = (withFailures: boolean): fc.Arbitrary<Action> => {
  const c = fc.integer({ min: 0, max: CLIENTS - 1 });
  // 'step' is a well-behaved consumer doing its next thing; the rest disturb it.
  const step = fc.record({ t: fc.constant('step' as const), c });
  const list: fc.Arbitrary<Action>[] = [
    step,
    step,
    step,
    step,
    step,
    step,
    fc.record({ t: fc.constant('join' as const), c, variant: fc.integer({ min: 0, max: 1 }) }),
    fc.record({ t: fc.constant('sync' as const), c }),
    fc.record({ t: fc.constant('hb' as const), c }),
    fc.record({ t: fc.constant('leave' as const), c }),
    fc.record({ t: fc.constant('commit' as const), c, offset: fc.integer({ min: 0, max: 1000 }) }),
    fc.record({ t: fc.constant('restart' as const), c }),
    fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 4000, max: 40_000 })) }),
    fc.record({ t: fc.constant('hold' as const) }),
    fc.record({ t: fc.constant('release' as const), fail: withFailures ? fc.boolean() : fc.constant(false) }),
    fc.record({ t: fc.constant('delete' as const), g: fc.integer({ min: 0, max: GROUPS.length - 1 }) }),
  ];
  if (withFailures) list.push(fc.constant({ t: 'failover' as const }));
  return fc.oneof(...list);
};

interface Client {
  name: string;
  groupId: string;
  instanceId: string | null;
  memberId: string;
  generation: number;
  lastJoin: JoinGroupResponse | undefined;
  variant: number;
  /** A JoinGroup or SyncGroup of this client is waiting for its answer. */
  waiting: number | undefined;
  synced: boolean;
  rejoin: boolean;
}

class Sim {
  readonly d = new Driver();
  readonly clients: Client[] = [];
  /** Requests sent and what they were, to check answers. */
  private readonly sent = new Map<number, { kind: Reply['kind']; client?: Client; generation?: number }>();
  private readonly seen = new Set<number>();
  /** (group, generation) → leader, protocol, members of that generation, in this coordinator epoch. */
  private generations = new Map<string, { leader: string; protocol: string | null; members: string[] }>();
  private readonly lastGeneration = new Map<string, number>();
  failuresInjected = false;

  constructor() {
    for (let i = 0; i < CLIENTS; i++) {
      this.clients.push({ name: `c${i}`, groupId: GROUPS[i % GROUPS.length]!, instanceId: i % 2 === 0 ? `inst${i}` : null, memberId: '', generation: -1, lastJoin: undefined, variant: 0, waiting: undefined, synced: false, rejoin: false });
    }
  }

  run(a: Action): void {
    const d = this.d;
    const c = 'c' in a ? this.clients[a.c]! : undefined;
    switch (a.t) {
      case 'step':
        this.step(c!);
        break;
      case 'join': {
        c!.variant = a.variant;
        const id = d.join({
          groupId: c!.groupId,
          memberId: c!.memberId,
          groupInstanceId: c!.instanceId,
          clientId: c!.name,
          protocols: [{ name: 'range', metadata: Buffer.from(`${c!.name}|${a.variant}`) }],
        });
        this.sent.set(id, { kind: 'join', client: c });
        c!.waiting = id;
        break;
      }
      case 'sync': {
        const j = c!.lastJoin;
        if (j === undefined || c!.generation < 0) break;
        const assignments = j.members.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(`${j.generationId}:${m.metadata.toString().split('|')[0]}`) }));
        const id = d.sync(c!.groupId, c!.memberId, c!.generation, assignments, c!.instanceId);
        this.sent.set(id, { kind: 'sync', client: c, generation: c!.generation });
        c!.waiting = id;
        break;
      }
      case 'hb':
        this.onHeartbeat(c!, d.heartbeat(c!.groupId, c!.memberId, c!.generation, c!.instanceId));
        break;
      case 'leave':
        if (c!.memberId !== '') d.leave(c!.groupId, [{ memberId: c!.memberId, groupInstanceId: c!.instanceId }]);
        c!.memberId = '';
        c!.generation = -1;
        break;
      case 'commit': {
        const id = d.commit(c!.groupId, c!.generation, c!.memberId, [['t', a.offset % 3, BigInt(a.offset)]]);
        this.sent.set(id, { kind: 'commit', client: c });
        break;
      }
      case 'restart':
        // A process restart: a static member comes back with its instance id only; a dynamic one as new.
        c!.memberId = '';
        c!.generation = -1;
        c!.lastJoin = undefined;
        c!.waiting = undefined;
        break;
      case 'advance':
        d.advance(a.ms);
        break;
      case 'hold':
        d.autoComplete = false;
        break;
      case 'release':
        if (a.fail && d.held.length > 0) this.failuresInjected = true;
        d.completeHeld(a.fail ? 'NOT_LEADER_OR_FOLLOWER' : undefined);
        d.autoComplete = true;
        break;
      case 'delete': {
        const id = d.deleteGroups([GROUPS[a.g]!]);
        this.sent.set(id, { kind: 'delete' });
        break;
      }
      case 'failover':
        this.failover();
        break;
    }
    this.collect();
    this.check();
  }

  /** The coordinator moves: the old shard unloads (answering waiters), its writes in flight fail, the new one loads the log. */
  private failover(): void {
    stats.failovers++;
    const d = this.d;
    d.apply(d.shard.unload(d.nowMs));
    this.failuresInjected ||= d.held.length > 0;
    d.completeHeld('NOT_LEADER_OR_FOLLOWER');
    d.autoComplete = true;
    this.collect();
    d.reload();
    this.generations = new Map();
    this.lastGeneration.clear();
  }

  /** What a consumer does next: join (again) when it must, sync after a join, else heartbeat. */
  private step(c: Client): void {
    if (c.waiting !== undefined && !this.d.replies.has(c.waiting)) return;
    if (c.memberId === '' || c.generation < 0 || c.rejoin) {
      c.rejoin = false;
      c.synced = false;
      this.run({ t: 'join', c: this.clients.indexOf(c), variant: c.variant });
    } else if (!c.synced) {
      this.run({ t: 'sync', c: this.clients.indexOf(c) });
    } else {
      this.run({ t: 'hb', c: this.clients.indexOf(c) });
    }
  }

  private onHeartbeat(c: Client, error: ErrorName): void {
    if (error === 'REBALANCE_IN_PROGRESS') c.rejoin = true;
    if (error === 'UNKNOWN_MEMBER_ID' || error === 'FENCED_INSTANCE_ID') {
      c.memberId = '';
      c.generation = -1;
    } else if (error === 'ILLEGAL_GENERATION') {
      c.generation = -1;
    }
  }

  private collect(): void {
    for (const [id, reply] of this.d.replies) {
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      const req = this.sent.get(id);
      if (req === undefined) continue;
      expect(reply.kind).toBe(req.kind);
      if (reply.kind === 'join') this.onJoin(req.client!, reply.response);
      if (reply.kind === 'sync') this.onSync(req.client!, req.generation!, reply.response.error, reply.response.assignment);
    }
  }

  private onJoin(c: Client, r: JoinGroupResponse): void {
    c.synced = false;
    if (r.error === 'MEMBER_ID_REQUIRED') {
      c.memberId = r.memberId;
      return;
    }
    if (r.error !== 'NONE') {
      if (r.error === 'UNKNOWN_MEMBER_ID' || r.error === 'FENCED_INSTANCE_ID') {
        c.memberId = '';
        c.generation = -1;
      }
      return;
    }
    c.memberId = r.memberId;
    c.generation = r.generationId;
    c.lastJoin = r;
    const key = `${c.groupId}/${r.generationId}`;
    const known = this.generations.get(key);
    if (r.members.length > 0) {
      // The leader's view of the generation: itself included.
      expect(r.leader).toBe(r.memberId);
      expect(r.members.map((m) => m.memberId)).toContain(r.memberId);
    }
    if (known === undefined) {
      this.generations.set(key, { leader: r.leader, protocol: r.protocolName, members: r.members.map((m) => m.memberId) });
    } else {
      if (r.leader !== known.leader) {
        // Only a static leader that came back under a new member id
        // (ids are `${instance}-mN`) renames the leader within a generation.
        const instance = (id: string) => id.slice(0, id.lastIndexOf('-m'));
        expect(instance(r.leader)).toBe(instance(known.leader));
        expect(instance(r.leader)).toMatch(/^inst/);
        known.leader = r.leader;
      }
      if (r.skipAssignment) known.members = r.members.map((m) => m.memberId);
      expect(r.protocolName).toBe(known.protocol);
      if (r.members.length > 0 && known.members.length > 0 && !r.skipAssignment) expect(new Set(r.members.map((m) => m.memberId))).toEqual(new Set(known.members));
    }
  }

  private onSync(c: Client, generation: number, error: ErrorName, assignment: Buffer): void {
    if (error === 'UNKNOWN_MEMBER_ID' || error === 'FENCED_INSTANCE_ID') {
      c.memberId = '';
      c.generation = -1;
    }
    if (error === 'REBALANCE_IN_PROGRESS' || error === 'ILLEGAL_GENERATION') c.rejoin = true;
    if (error !== 'NONE') return;
    c.synced = true;
    const text = assignment.toString();
    // What the leader of that generation assigned to this client (or nothing).
    if (text !== '') {
      expect(text).toBe(`${generation}:${c.name}`);
      stats.assignments++;
    }
  }

  check(): void {
    const shard = this.d.shard;
    shard.checkInvariants();
    for (const groupId of shard.groupIds()) {
      const g = shard.group(groupId)!;
      const last = this.lastGeneration.get(groupId);
      if (last !== undefined && g.generationId < last) {
        // A deleted and re-created group starts again at 0; otherwise generations only grow.
        expect(g.generationId).toBeLessThanOrEqual(1);
      }
      this.lastGeneration.set(groupId, g.generationId);
      if (g.state === 'Stable') {
        stats.stable++;
        for (const m of g.members.values()) {
          const text = m.assignment.toString();
          if (text !== '') expect(text.startsWith(`${g.generationId}:`)).toBe(true);
        }
      }
    }
    // A deleted (or expired) group may come back from generation 0 with a new history.
    for (const id of [...this.lastGeneration.keys()]) {
      if (shard.group(id) !== undefined) continue;
      this.lastGeneration.delete(id);
      for (const key of [...this.generations.keys()]) if (key.startsWith(`${id}/`)) this.generations.delete(key);
    }
  }

  /** Writes flow and time passes: every request must be answered by then. */
  drain(): void {
    this.d.completeHeld();
    this.d.autoComplete = true;
    this.d.advance(700_000);
    this.collect();
    for (const id of this.sent.keys()) {
      if (!this.d.replies.has(id)) throw new Error(`request ${id} (${this.sent.get(id)!.kind}) was never answered`);
    }
    this.check();
  }
}

/** Stable and Empty groups load back exactly as they are (generation, members, assignments, offsets). */
function expectLoadMatches(live: GroupCoordinatorShard, sim: Sim): void {
  const loader = new OffsetsLoader();
  for (const r of sim.d.log) loader.replay(r);
  const { shard: loaded } = loader.build(sim.d.deps, sim.d.nowMs);
  for (const id of live.groupIds()) {
    const g = live.group(id)!;
    if (g.state !== 'Stable' && g.state !== 'Empty') continue;
    if ([...g.members.values()].some((m) => m.joinRequest !== undefined)) continue; // a static member's new id is being stored
    const l = loaded.group(id);
    if (g.state === 'Empty' && g.offsets.size === 0 && g.generationId === 0) continue; // never written
    expect(l).toBeDefined();
    expect(l!.state).toBe(g.state);
    expect(l!.generationId).toBe(g.generationId);
    expect(l!.leaderId).toBe(g.leaderId);
    expect([...l!.members.keys()].sort()).toEqual([...g.members.keys()].sort());
    for (const m of g.members.values()) expect(l!.members.get(m.memberId)!.assignment).toEqual(m.assignment);
    expect(new Map([...l!.offsets].map(([k, o]) => [k, o.offset]))).toEqual(new Map([...g.offsets].map(([k, o]) => [k, o.offset])));
  }
  for (const id of loaded.groupIds()) {
    const g = live.group(id);
    if (g === undefined) throw new Error(`group ${id} was deleted but loads back`);
  }
}

/** How much of the protocol the runs exercised (checked at the end, so a broken generator cannot pass silently). */
const stats = { assignments: 0, stable: 0, failovers: 0 };

const seed = process.env['SEED'] === undefined ? undefined : Number(process.env['SEED']);
const numRuns = Number(process.env['NUM_RUNS'] ?? 150);
const params = (extra: Partial<fc.Parameters<[Action[]]>> = {}): fc.Parameters<[Action[]]> => ({ numRuns, ...(seed === undefined ? {} : { seed }), ...extra });

describe('coordinator shard under random client behaviour (fast-check)', () => {
  test('invariants hold after every step, with slow writes, failed writes and failovers; every request is answered', () => {
    fc.assert(
      fc.property(fc.array(action(true), { minLength: 1, maxLength: 120, size: 'max' }), (actions) => {
        const sim = new Sim();
        for (const a of actions) sim.run(a);
        sim.drain();
      }),
      params(),
    );
  });

  test('without failed writes, the log always loads back to the live state of Stable and Empty groups', () => {
    fc.assert(
      fc.property(fc.array(action(false), { minLength: 1, maxLength: 120, size: 'max' }), (actions) => {
        const sim = new Sim();
        for (const a of actions) {
          sim.run(a);
          if (sim.d.held.length === 0) expectLoadMatches(sim.d.shard, sim);
        }
        sim.drain();
        expectLoadMatches(sim.d.shard, sim);
      }),
      params(),
    );
  });

  test('the runs above reached Stable groups, delivered assignments and failed over', () => {
    expect(stats.stable).toBeGreaterThan(numRuns);
    expect(stats.assignments).toBeGreaterThan(numRuns / 2);
    expect(stats.failovers).toBeGreaterThan(numRuns / 10);
    console.log(JSON.stringify(stats));
  });
});
