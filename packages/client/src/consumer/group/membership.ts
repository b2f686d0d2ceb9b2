import { GregorError, backoffMs, sleep, toGregorError, type ErrorName, type Logger, type TopicPartition } from '@gregor/common';
import type { JoinGroupResponse__Output } from '@gregor/proto';
import type { Cluster } from '../../cluster';
import { errorFromWire } from '../../errors';
import type { GroupMember, PartitionAssignor, RebalanceProtocol } from '../../group/assignors';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../group/consumer-protocol';
import type { RetryPolicy } from '../../options';
import { COORDINATOR_MOVED, type GroupCoordinator } from './coordinator';

export interface MembershipConfig {
  groupId: string;
  groupInstanceId: string | null;
  /** Joins with this client id instead of the client's (ConsumerOptions.memberClientId). */
  memberClientId: string | undefined;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  assignors: readonly PartitionAssignor[];
  protocol: RebalanceProtocol;
  requestTimeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  random: () => number;
  now: () => number;
}

/** Where the member stands in the group (Kafka's MemberState). */
export type MemberState = 'unjoined' | 'rebalancing' | 'stable';

/** A rebalance's outcome: the generation and this member's partitions in it. */
export interface JoinedGeneration {
  generationId: number;
  memberId: string;
  protocolName: string;
  partitions: TopicPartition[];
}

/**
 * What a group protocol other than the consumer's puts in JoinGroup and
 * SyncGroup (e.g. Kafka Connect's protocol type `connect`): its metadata
 * per protocol name, and the leader's assignment from every member's
 * metadata. The membership machinery (member-id handshake, retries,
 * heartbeats, leave) is the same.
 */
export interface GroupProtocol {
  readonly protocolType: string;
  protocols(): { name: string; metadata: Buffer }[];
  assign(protocolName: string, members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[], generationId: number): Promise<Map<string, Buffer>>;
}

/** A rebalance's outcome under a custom GroupProtocol: the raw assignment bytes. */
export interface JoinedCustomGeneration {
  generationId: number;
  memberId: string;
  leaderId: string;
  protocolName: string;
  assignment: Buffer;
}

/** Errors after which the member cannot go on (the application must handle them). */
const FATAL: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'FENCED_INSTANCE_ID',
  'GROUP_MAX_SIZE_REACHED',
  'INCONSISTENT_GROUP_PROTOCOL',
  'INVALID_SESSION_TIMEOUT',
  'INVALID_GROUP_ID',
  'GROUP_AUTHORIZATION_FAILED',
  'UNSUPPORTED_VERSION',
  'INVALID_REQUEST',
]);

/**
 * One consumer's membership in its group: the classic protocol's client
 * side (Kafka's AbstractCoordinator). `rebalance` runs JoinGroup (with the
 * KIP-394 member-id handshake) and SyncGroup — as the leader it runs the
 * chosen assignor over every member's subscription — retrying what is
 * retriable until it has a generation. Heartbeats run on a timer while the
 * member is stable; their errors (and a poll timeout) are turned into
 * "rejoin needed" / "partitions lost" flags for the consumer to act on at
 * its next poll, where the application's callbacks can run safely.
 */
export class GroupMembership {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;
  state: MemberState = 'unjoined';
  /** Set by heartbeats and errors; the consumer starts a rebalance at its next poll. */
  rejoinNeeded = true;
  rejoinReason = 'initial join';
  /** The coordinator no longer knows this member (or its generation): its partitions are lost. */
  lost = false;
  fatal: GregorError | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastHeartbeatOkMs = 0;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly coordinator: GroupCoordinator,
    private readonly config: MembershipConfig,
    /** Something changed that the consumer should look at (rejoin, lost, fatal). */
    private readonly onChange: () => void,
    /** Whether the application polled within max.poll.interval.ms (checked on each heartbeat). */
    private readonly pollTimedOut: () => boolean,
  ) {}

  requestRejoin(reason: string): void {
    if (!this.rejoinNeeded) this.config.logger.info('rejoining the group', { group: this.config.groupId, reason });
    this.rejoinNeeded = true;
    this.rejoinReason = reason;
    this.onChange();
  }

  /** The member is out of its generation (or the group): partitions lost, rejoin. */
  resetGeneration(resetMemberId: boolean, reason: string): void {
    this.generationId = -1;
    if (resetMemberId) this.memberId = '';
    this.state = 'unjoined';
    this.stopHeartbeats();
    this.lost = true;
    this.requestRejoin(reason);
  }

  private fail(err: GregorError): never {
    this.fatal = err;
    this.stopHeartbeats();
    this.onChange();
    throw err;
  }

  /**
   * Joins (or rejoins) the group until it has a generation; `topics` is the
   * subscription, `owned` what the member holds (cooperative members keep
   * consuming it meanwhile and report it in their subscription). Throws only
   * fatal errors, or when closed.
   */
  async rebalance(topics: readonly string[], owned: readonly TopicPartition[], ownedGeneration: number, signal: AbortSignal): Promise<JoinedGeneration> {
    const c = this.config;
    const subscription = (userData: Buffer | null): Buffer =>
      encodeSubscription({
        topics: [...topics],
        userData,
        ownedPartitions: c.protocol === 'cooperative' ? [...owned] : [],
        generationId: c.protocol === 'cooperative' ? ownedGeneration : -1,
        rackId: null,
      });
    const protocols = c.assignors.map((a) => ({ name: a.name, metadata: subscription(a.subscriptionUserData?.(topics) ?? null) }));
    const joined = await this.rebalanceWith('consumer', protocols, signal, (j) => this.assign(j));
    return { generationId: joined.generationId, memberId: joined.memberId, protocolName: joined.protocolName, partitions: decodeAssignment(joined.assignment).partitions };
  }

  /**
   * Joins (or rejoins) the group with a custom protocol type until it has a
   * generation; the leader assigns with `protocol.assign`. Throws only
   * fatal errors, or when closed.
   */
  rebalanceCustom(protocol: GroupProtocol, signal: AbortSignal): Promise<JoinedCustomGeneration> {
    return this.rebalanceWith(protocol.protocolType, protocol.protocols(), signal, async (j) => {
      const members = j.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId === '' ? null : m.groupInstanceId, metadata: m.metadata }));
      const out = await protocol.assign(j.protocolName, members, j.generationId);
      return [...out].map(([memberId, assignment]) => ({ memberId, assignment }));
    });
  }

  private async rebalanceWith(
    protocolType: string,
    protocols: { name: string; metadata: Buffer }[],
    signal: AbortSignal,
    assign: (joined: JoinGroupResponse__Output) => Promise<{ memberId: string; assignment: Buffer }[]>,
  ): Promise<JoinedCustomGeneration> {
    this.rejoinNeeded = false;
    this.state = 'rebalancing';
    this.leaderSnapshot = undefined;
    this.stopHeartbeats();
    for (let attempt = 0; ; attempt++) {
      if (this.closed || signal.aborted) throw new GregorError('REBALANCE_IN_PROGRESS', 'consumer closed during a rebalance');
      let retryAfterBackoff = false;
      try {
        const joined = await this.joinOnce(protocolType, protocols, signal);
        if (joined === 'again') continue;
        if (joined === 'backoff') {
          retryAfterBackoff = true;
        } else {
          const assignment = await this.syncOnce(protocolType, joined, assign, signal);
          if (assignment === 'again') continue;
          if (assignment === 'backoff') {
            retryAfterBackoff = true;
          } else {
            // Closed while the SyncGroup was in flight: no heartbeats (they would keep a stopped process alive).
            if (this.closed) throw new GregorError('REBALANCE_IN_PROGRESS', 'consumer closed during a rebalance');
            this.state = 'stable';
            this.lastHeartbeatOkMs = this.config.now();
            this.startHeartbeats();
            // A heartbeat or error during the sync may already ask for another round.
            return { generationId: this.generationId, memberId: this.memberId, leaderId: joined.leader, protocolName: this.protocolName!, assignment };
          }
        }
      } catch (err) {
        const e = toGregorError(err);
        if (this.fatal !== undefined || FATAL.has(e.errorName)) this.fail(e);
        if (!e.retriable) this.fail(e);
        this.config.logger.debug('rebalance step failed, retrying', { group: this.config.groupId, error: e.message });
        retryAfterBackoff = true;
      }
      if (retryAfterBackoff) await sleep(backoffMs(Math.min(attempt, 10), this.config.retry.initialBackoffMs, this.config.retry.maxBackoffMs, this.config.random));
    }
  }

  private deadline(extraMs: number): number {
    return this.config.now() + extraMs + this.config.requestTimeoutMs;
  }

  private async joinOnce(protocolType: string, protocols: { name: string; metadata: Buffer }[], signal: AbortSignal): Promise<JoinGroupResponse__Output | 'again' | 'backoff'> {
    const c = this.config;
    const res = await this.coordinator.call(
      'JoinGroup',
      {
        groupId: c.groupId,
        sessionTimeoutMs: c.sessionTimeoutMs,
        rebalanceTimeoutMs: c.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: c.groupInstanceId ?? '',
        protocolType,
        protocols,
        reason: this.rejoinReason,
      },
      this.deadline(c.rebalanceTimeoutMs),
      // The coordinator holds JoinGroup until the join phase ends (Kafka: rebalance timeout + 5 s).
      { timeoutMs: c.rebalanceTimeoutMs + 5000, signal, ...(c.memberClientId !== undefined ? { clientId: c.memberClientId } : {}) },
    );
    const error = errorFromWire(res.error, { group: c.groupId });
    switch (error?.errorName ?? 'NONE') {
      case 'NONE':
        this.memberId = res.memberId;
        this.generationId = res.generationId;
        this.protocolName = res.protocolName;
        return res;
      case 'MEMBER_ID_REQUIRED':
        this.memberId = res.memberId;
        return 'again';
      case 'COORDINATOR_LOAD_IN_PROGRESS':
        return 'backoff';
      default:
        return this.afterRebalanceError('JoinGroup', error!);
    }
  }

  private async syncOnce(
    protocolType: string,
    joined: JoinGroupResponse__Output,
    assign: (joined: JoinGroupResponse__Output) => Promise<{ memberId: string; assignment: Buffer }[]>,
    signal: AbortSignal,
  ): Promise<Buffer | 'again' | 'backoff'> {
    const c = this.config;
    const assignments = joined.leader === joined.memberId && !joined.skipAssignment ? await assign(joined) : [];
    const res = await this.coordinator.call(
      'SyncGroup',
      {
        groupId: c.groupId,
        generationId: joined.generationId,
        memberId: joined.memberId,
        groupInstanceId: c.groupInstanceId ?? '',
        protocolType,
        protocolName: joined.protocolName,
        assignments,
      },
      this.deadline(c.rebalanceTimeoutMs),
      { timeoutMs: c.rebalanceTimeoutMs + 5000, signal, ...(c.memberClientId !== undefined ? { clientId: c.memberClientId } : {}) },
    );
    const error = errorFromWire(res.error, { group: c.groupId });
    switch (error?.errorName ?? 'NONE') {
      case 'NONE':
        return res.assignment;
      default:
        return this.afterRebalanceError('SyncGroup', error!);
    }
  }

  /**
   * The errors JoinGroup and SyncGroup answer alike: a stale member id or
   * generation is dropped and the join starts again at once, as does a
   * rebalance that moved on; a moved coordinator is looked up again after a
   * backoff. Anything else is thrown for rebalance() to judge.
   */
  private afterRebalanceError(api: 'JoinGroup' | 'SyncGroup', error: GregorError): 'again' | 'backoff' {
    switch (error.errorName) {
      case 'UNKNOWN_MEMBER_ID':
        this.memberId = '';
        this.generationId = -1;
        return 'again';
      case 'ILLEGAL_GENERATION':
        this.generationId = -1;
        return 'again';
      case 'REBALANCE_IN_PROGRESS':
        return 'again';
      default:
        if (COORDINATOR_MOVED.has(error.errorName)) {
          this.coordinator.markUnknown(`${api}: ${error.errorName}`);
          return 'backoff';
        }
        throw error;
    }
  }

  /** The leader's job: the chosen assignor over every member's subscription and fresh partition counts. */
  private async assign(joined: JoinGroupResponse__Output): Promise<{ memberId: string; assignment: Buffer }[]> {
    const assignor = this.config.assignors.find((a) => a.name === joined.protocolName);
    if (assignor === undefined) throw new GregorError('INCONSISTENT_GROUP_PROTOCOL', `the group chose assignor "${joined.protocolName}", which this consumer does not have`);
    const members: GroupMember[] = joined.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId === '' ? null : m.groupInstanceId,
      subscription: decodeSubscription(m.metadata),
    }));
    const topics = [...new Set(members.flatMap((m) => m.subscription.topics))];
    const md = await this.cluster.refreshMetadata(topics);
    const counts = new Map<string, number>();
    for (const t of md.topics) if (topics.includes(t.name) && t.error === null && t.partitions.length > 0) counts.set(t.name, t.partitions.length);
    // Topics that do not exist yet count as 0 partitions: their creation triggers a rebalance.
    this.leaderSnapshot = new Map(topics.map((t) => [t, counts.get(t) ?? 0]));
    const result = assignor.assign(counts, members);
    this.config.logger.info('assigned partitions as group leader', {
      group: this.config.groupId,
      generation: joined.generationId,
      assignor: assignor.name,
      members: members.length,
      partitions: [...result.values()].reduce((n, l) => n + l.length, 0),
    });
    return [...result].map(([memberId, partitions]) => ({ memberId, assignment: encodeAssignment({ partitions, userData: null }) }));
  }

  /** Partition counts the leader assigned from; it rejoins when they change (new partitions). */
  leaderSnapshot: Map<string, number> | undefined;

  get isLeaderOfGeneration(): boolean {
    return this.leaderSnapshot !== undefined;
  }

  // ---- heartbeats ------------------------------------------------------------

  private startHeartbeats(): void {
    this.stopHeartbeats();
    if (this.closed) return;
    const tick = (): void => {
      this.heartbeatTimer = setTimeout(() => {
        void this.heartbeatOnce().finally(() => {
          if (this.state === 'stable' && !this.closed && this.heartbeatTimer !== undefined) tick();
        });
      }, this.config.heartbeatIntervalMs);
      // Not unref'd: a member with no partitions (nothing else pending) must
      // stay alive and in its group until it is closed.
    };
    tick();
  }

  stopHeartbeats(): void {
    if (this.heartbeatTimer !== undefined) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /** One heartbeat; its answer may ask for a rejoin, lose the partitions, or move the coordinator. */
  private async heartbeatOnce(): Promise<void> {
    const c = this.config;
    if (this.state !== 'stable') return;
    if (this.pollTimedOut()) {
      await this.leaveForPollTimeout();
      return;
    }
    try {
      const res = await this.coordinator.call(
        'Heartbeat',
        { groupId: c.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: c.groupInstanceId ?? '' },
        this.deadline(0),
        { timeoutMs: Math.min(c.requestTimeoutMs, c.sessionTimeoutMs) },
      );
      if (this.state !== 'stable') return; // a rebalance started meanwhile
      const error = errorFromWire(res.error, { group: c.groupId });
      switch (error?.errorName ?? 'NONE') {
        case 'NONE':
          this.lastHeartbeatOkMs = c.now();
          return;
        case 'REBALANCE_IN_PROGRESS':
          this.lastHeartbeatOkMs = c.now();
          this.requestRejoin('the group is rebalancing');
          return;
        case 'ILLEGAL_GENERATION':
          this.resetGeneration(false, `generation ${this.generationId} is over`);
          return;
        case 'UNKNOWN_MEMBER_ID':
          this.resetGeneration(true, 'the coordinator no longer knows this member');
          return;
        case 'FENCED_INSTANCE_ID':
          this.fatal = error;
          this.stopHeartbeats();
          this.onChange();
          return;
        default:
          if (COORDINATOR_MOVED.has(error!.errorName)) this.coordinator.markUnknown(`Heartbeat: ${error!.errorName}`);
      }
    } catch (err) {
      c.logger.debug('heartbeat failed', { group: c.groupId, error: err instanceof Error ? err.message : String(err) });
    }
    // Without an answer for a whole session the coordinator has dropped us
    // by now; look for it again (Kafka marks it unknown).
    if (c.now() - this.lastHeartbeatOkMs > c.sessionTimeoutMs) this.coordinator.markUnknown('no heartbeat answer within the session timeout');
  }

  /**
   * max.poll.interval.ms passed without a poll: the application is stuck,
   * so the member leaves (a static member just stops heartbeating: its
   * session expiry does the rest, as in Kafka) and its partitions are lost.
   */
  private async leaveForPollTimeout(): Promise<void> {
    this.config.logger.warn('poll timeout expired: leaving the group so that the partitions move on', { group: this.config.groupId, memberId: this.memberId });
    await this.leave('consumer poll timeout has expired').catch(() => undefined);
    this.resetGeneration(true, 'poll timeout expired');
  }

  /** LeaveGroup (dynamic members only: static ones keep their place for a restart). */
  async leave(reason: string): Promise<void> {
    this.stopHeartbeats();
    const c = this.config;
    if (c.groupInstanceId !== null || this.memberId === '') return;
    try {
      const res = await this.coordinator.call(
        'LeaveGroup',
        { groupId: c.groupId, members: [{ memberId: this.memberId, groupInstanceId: '', reason }] },
        this.deadline(0),
        { timeoutMs: c.requestTimeoutMs },
      );
      const error = errorFromWire(res.error) ?? errorFromWire(res.members[0]?.error);
      if (error !== undefined) c.logger.info('LeaveGroup answered with an error', { group: c.groupId, error: error.message });
    } finally {
      this.state = 'unjoined';
    }
  }

  close(): void {
    this.closed = true;
    this.stopHeartbeats();
  }
}
