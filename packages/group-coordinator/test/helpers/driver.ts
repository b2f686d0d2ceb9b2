import type { ErrorName } from '@gregor/common';
import {
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  GroupCoordinatorShard,
  OffsetsLoader,
  decodeRecord,
  encodeRecord,
  type CoordinatorRecord,
  type Effects,
  type GroupCoordinatorConfig,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type PendingAppend,
  type Reply,
  type ShardDeps,
  type SyncGroupResponse,
} from '@gregor/group-coordinator';

export const TEST_CONFIG: GroupCoordinatorConfig = {
  ...DEFAULT_GROUP_COORDINATOR_CONFIG,
  groupMinSessionTimeoutMs: 10,
  groupInitialRebalanceDelayMs: 0,
};

/**
 * Plays the driver's part for a shard in tests: numbers requests, keeps
 * replies, writes appends to an in-memory log (at once, or held until the
 * test completes them), and moves time. The log holds the records exactly
 * as encoded and decoded, so loading from it goes through the codec.
 */
export class Driver {
  shard: GroupCoordinatorShard;
  nowMs = 1000;
  wallMs = 1_700_000_000_000;
  readonly replies = new Map<number, Reply>();
  readonly log: CoordinatorRecord[] = [];
  readonly held: PendingAppend[] = [];
  /** When false, appends wait in `held` until completeHeld(). */
  autoComplete = true;
  private nextRequest = 1;
  private nextMember = 1;
  readonly deps: ShardDeps;

  constructor(config: Partial<GroupCoordinatorConfig> = {}) {
    this.deps = {
      config: { ...TEST_CONFIG, ...config },
      newMemberId: (prefix) => `${prefix}-m${this.nextMember++}`,
      wallClockMs: () => this.wallMs,
    };
    this.shard = new GroupCoordinatorShard(this.deps);
  }

  apply(effects: Effects): void {
    for (const r of effects.replies) {
      if (this.replies.has(r.requestId)) throw new Error(`request ${r.requestId} answered twice`);
      this.replies.set(r.requestId, r);
    }
    for (const a of effects.appends) {
      if (this.autoComplete) this.write(a, undefined);
      else this.held.push(a);
    }
  }

  /** Completes held appends in order; `error` fails them all. */
  completeHeld(error?: ErrorName): void {
    const list = this.held.splice(0);
    for (const a of list) this.write(a, error);
  }

  private write(a: PendingAppend, error: ErrorName | undefined): void {
    if (error === undefined) for (const r of a.records) this.log.push(roundTrip(r));
    this.apply(this.shard.appendCompleted(a, error, this.nowMs));
  }

  id(): number {
    return this.nextRequest++;
  }

  join(req: Partial<JoinGroupRequest> & { groupId: string }): number {
    const id = this.id();
    this.apply(
      this.shard.joinGroup(
        id,
        {
          memberId: '',
          groupInstanceId: null,
          sessionTimeoutMs: 10_000,
          rebalanceTimeoutMs: 30_000,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
          clientId: 'client',
          clientHost: '/127.0.0.1',
          requireKnownMemberId: true,
          ...req,
        },
        this.nowMs,
      ),
    );
    return id;
  }

  sync(groupId: string, memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = [], groupInstanceId: string | null = null): number {
    const id = this.id();
    this.apply(this.shard.syncGroup(id, { groupId, memberId, generationId, groupInstanceId, protocolType: null, protocolName: null, assignments }, this.nowMs));
    return id;
  }

  heartbeat(groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null): ErrorName {
    const id = this.id();
    this.apply(this.shard.heartbeat(id, { groupId, memberId, generationId, groupInstanceId }, this.nowMs));
    return this.heartbeatReply(id);
  }

  leave(groupId: string, members: { memberId: string; groupInstanceId?: string | null }[]): Reply & { kind: 'leave' } {
    const id = this.id();
    this.apply(this.shard.leaveGroup(id, { groupId, members: members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null })) }, this.nowMs));
    return this.expectReply(id, 'leave');
  }

  commit(groupId: string, generationId: number, memberId: string, offsets: [string, number, bigint][], metadata = ''): number {
    const id = this.id();
    this.apply(
      this.shard.commitOffsets(
        id,
        { groupId, generationId, memberId, groupInstanceId: null, offsets: offsets.map(([topic, partition, offset]) => ({ topic, partition, offset, leaderEpoch: 3, metadata })) },
        this.nowMs,
      ),
    );
    return id;
  }

  deleteGroups(groupIds: string[]): number {
    const id = this.id();
    this.apply(this.shard.deleteGroups(id, groupIds, this.nowMs));
    return id;
  }

  /** Moves time forward, running due deadlines step by step (so each fires at its own time). */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      const next = this.shard.nextDeadlineMs();
      if (next > end) break;
      this.wallMs += Math.max(0, next - this.nowMs);
      this.nowMs = Math.max(this.nowMs, next);
      this.apply(this.shard.tick(this.nowMs));
    }
    this.wallMs += end - this.nowMs;
    this.nowMs = end;
  }

  reply(id: number): Reply | undefined {
    return this.replies.get(id);
  }

  expectReply<K extends Reply['kind']>(id: number, kind: K): Extract<Reply, { kind: K }> {
    const r = this.replies.get(id);
    if (r === undefined) throw new Error(`request ${id} has no reply yet`);
    if (r.kind !== kind) throw new Error(`request ${id} got a ${r.kind} reply, not ${kind}`);
    return r as Extract<Reply, { kind: K }>;
  }

  joinReply(id: number): JoinGroupResponse {
    return this.expectReply(id, 'join').response;
  }

  syncReply(id: number): SyncGroupResponse {
    return this.expectReply(id, 'sync').response;
  }

  heartbeatReply(id: number): ErrorName {
    return this.expectReply(id, 'heartbeat').response.error;
  }

  /** A new dynamic member: the KIP-394 handshake, then the JoinGroup that waits. Returns its id and the waiting request. */
  newMember(groupId: string, extra: Partial<JoinGroupRequest> = {}): { memberId: string; request: number } {
    const first = this.joinReply(this.join({ groupId, ...extra }));
    if (first.error !== 'MEMBER_ID_REQUIRED') throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.error}`);
    return { memberId: first.memberId, request: this.join({ groupId, memberId: first.memberId, ...extra }) };
  }

  /** Rebuilds a shard from the log, as a new coordinator would. */
  reload(): GroupCoordinatorShard {
    const loader = new OffsetsLoader();
    for (const r of this.log) loader.replay(r);
    const { shard, effects } = loader.build(this.deps, this.nowMs);
    this.shard = shard;
    this.apply(effects);
    return shard;
  }
}

function roundTrip(r: CoordinatorRecord): CoordinatorRecord {
  const { key, value } = encodeRecord(r);
  return decodeRecord(key, value);
}

export function assignmentOf(text: string): Buffer {
  return Buffer.from(text);
}
