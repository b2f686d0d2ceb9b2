import { assert } from '@gregor/common';
import type { GroupProtocol, GroupState, RequestId } from './types';

/** One member of a classic group (Kafka's MemberMetadata). */
export interface Member {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  /** In the member's order of preference. */
  protocols: GroupProtocol[];
  /** Its assignment in the current generation (empty until SyncGroup completes). */
  assignment: Buffer;
  /** The JoinGroup waiting for this rebalance to complete (Kafka's awaitingJoinCallback). */
  joinRequest: RequestId | undefined;
  /** The SyncGroup waiting for the leader's assignment (awaitingSyncCallback). */
  syncRequest: RequestId | undefined;
  /** Joined, but no rebalance has completed with it yet (KIP-394). */
  isNew: boolean;
  /** Monotonic ms when its session (or new-member join timeout) runs out; undefined = not timed. */
  heartbeatDeadlineMs: number | undefined;
}

/** A committed offset as the group holds it. */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  expireTimestampMs: number;
}

/** Kafka's legal previous states of each state (GroupMetadata.scala). */
const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/** A rebalance's join phase in progress: when it completes at the latest. */
export interface JoinTimer {
  deadlineMs: number;
  /**
   * 'initial': the first rebalance of a group that was empty waits
   * group.initial.rebalance.delay.ms for more members, extended while new
   * ones arrive, up to `remainingMs` more (Kafka's InitialDelayedJoin);
   * it cannot complete early. 'normal': completes as soon as every
   * member has rejoined, or at the deadline (DelayedJoin).
   */
  kind: 'initial' | 'normal';
  remainingMs: number;
  /** This timer's own delay (InitialDelayedJoin subtracts it from the remainder). */
  delayMs: number;
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function parseOffsetKey(key: string): { topic: string; partition: number } {
  const i = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

/**
 * The state of one classic group (Kafka's GroupMetadata): members, leader,
 * generation, selected protocol, static members, pending members and
 * committed offsets, plus the timers of its current rebalance. Only the
 * data and its small invariants live here; protocol decisions are in
 * join.ts / membership.ts.
 */
export class ClassicGroup {
  state: GroupState = 'Empty';
  /** Wall-clock ms of the last transition (Kafka's currentStateTimestamp). */
  stateTimestampMs: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Insertion order matters: a removed leader is replaced by the first remaining member, as in Kafka. */
  readonly members = new Map<string, Member>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Members that got MEMBER_ID_REQUIRED and have not rejoined yet → their deadline. */
  readonly pendingMembers = new Map<string, number>();
  /** Members of this generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  syncDeadlineMs: number | undefined;
  joinTimer: JoinTimer | undefined;
  /** A member joined during the initial delayed rebalance of generation 0. */
  newMemberAdded = false;
  readonly offsets = new Map<string, CommittedOffset>();
  /** Offset commits written but not yet acknowledged, per partition (OffsetFetch with requireStable). */
  readonly pendingOffsetCommits = new Map<string, number>();

  constructor(
    readonly groupId: string,
    wallMs: number,
  ) {
    this.stateTimestampMs = wallMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, wallMs: number): void {
    assert(VALID_PREVIOUS[state].includes(this.state), `group ${this.groupId}: ${this.state} → ${state} is not a legal transition`);
    this.state = state;
    this.stateTimestampMs = wallMs;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): Member {
    const m = this.members.get(memberId);
    assert(m !== undefined, `group ${this.groupId} has no member ${memberId}`);
    return m;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  get size(): number {
    return this.members.size;
  }

  numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.joinRequest !== undefined) n++;
    return n;
  }

  /** Every member has rejoined and no member-id handshake is outstanding (hasAllMembersJoined). */
  hasAllMembersJoined(): boolean {
    return this.numAwaitingJoin() === this.members.size && this.pendingMembers.size === 0;
  }

  add(member: Member): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    assert(this.protocolType === member.protocolType, `group ${this.groupId}: member protocol type ${member.protocolType} is not ${this.protocolType}`);
    assert(!this.members.has(member.memberId), `group ${this.groupId} already has member ${member.memberId}`);
    this.members.set(member.memberId, member);
    this.pendingMembers.delete(member.memberId);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.leaderId ??= member.memberId;
  }

  /** Removes a member; a removed leader is replaced by the first remaining member. */
  remove(memberId: string): Member | undefined {
    const member = this.members.get(memberId);
    if (member === undefined) return undefined;
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return member;
  }

  /** The member id of a static member, if the instance id is known. */
  staticMemberId(groupInstanceId: string | null): string | undefined {
    return groupInstanceId === null ? undefined : this.staticMembers.get(groupInstanceId);
  }

  /** An instance id that is mapped to a different member id (isStaticMemberFenced). */
  isStaticMemberFenced(groupInstanceId: string | null, memberId: string): boolean {
    const current = this.staticMemberId(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  /**
   * Kafka's supportsProtocols: an empty group takes any non-empty protocol
   * type and list; otherwise the type must match and one of the protocols
   * must be supported by every current member.
   */
  supportsProtocols(protocolType: string, names: readonly string[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && names.length > 0;
    if (this.protocolType !== protocolType) return false;
    const counts = this.protocolSupport();
    return names.some((n) => counts.get(n) === this.members.size);
  }

  /** How many members support each protocol name. */
  private protocolSupport(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.members.values()) for (const p of m.protocols) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
    return counts;
  }

  /**
   * The protocol supported by every member that most members prefer
   * (each votes for its first supported choice). Kafka leaves ties to map
   * order; here the earlier choice of the first member wins, so the
   * result is deterministic.
   */
  selectProtocol(): string {
    assert(this.members.size > 0, `cannot select a protocol for empty group ${this.groupId}`);
    const counts = this.protocolSupport();
    const candidates = new Set([...counts].filter(([, n]) => n === this.members.size).map(([name]) => name));
    assert(candidates.size > 0, `group ${this.groupId} has no protocol every member supports`);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const vote = m.protocols.find((p) => candidates.has(p.name))!.name;
      votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestVotes = -1;
    const first = this.members.values().next().value!;
    for (const p of first.protocols) {
      const v = votes.get(p.name) ?? -1;
      if (v > bestVotes) {
        best = p.name;
        bestVotes = v;
      }
    }
    return best!;
  }

  /** The member's metadata for the group's selected protocol. */
  metadataOf(member: Member): Buffer {
    const p = member.protocols.find((x) => x.name === this.protocolName);
    return p?.metadata ?? Buffer.alloc(0);
  }

  /** The largest rebalance timeout of the members: how long a rebalance may wait for them. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  canRebalance(): boolean {
    return this.is('Stable') || this.is('CompletingRebalance') || this.is('Empty');
  }
}

/** Same protocols, in the same order, with the same metadata (MemberMetadata.matches). */
export function sameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}
