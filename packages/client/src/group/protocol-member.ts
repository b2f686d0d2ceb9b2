import type { Cluster } from '../cluster';
import { GroupCoordinator } from '../consumer/group/coordinator';
import { GroupMembership, type GroupProtocol, type JoinedCustomGeneration } from '../consumer/group/membership';
import type { ResolvedClientOptions } from '../options';

export type { GroupProtocol, JoinedCustomGeneration };

export interface GroupMemberOptions {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Called when a heartbeat or an error asks for a rejoin (check `rejoinNeeded`). */
  onRejoinNeeded: () => void;
}

/**
 * A member of a group with an application-defined protocol type (Kafka
 * Connect's `connect`, say): the consumer's membership machinery —
 * JoinGroup with the member-id handshake, SyncGroup, heartbeats, a moving
 * coordinator, LeaveGroup — with the application's metadata and assignment
 * bytes instead of the consumer protocol's.
 */
export class ProtocolGroupMember {
  private readonly membership: GroupMembership;

  constructor(cluster: Cluster, options: ResolvedClientOptions, opts: GroupMemberOptions) {
    const now = (): number => options.clock.monotonicMs();
    const coordinator = new GroupCoordinator(cluster, opts.groupId, { retry: options.retry, logger: options.logger, random: options.random, now });
    this.membership = new GroupMembership(
      cluster,
      coordinator,
      {
        groupId: opts.groupId,
        groupInstanceId: null,
        memberClientId: undefined,
        sessionTimeoutMs: opts.sessionTimeoutMs,
        rebalanceTimeoutMs: opts.rebalanceTimeoutMs,
        heartbeatIntervalMs: opts.heartbeatIntervalMs,
        assignors: [],
        protocol: 'eager',
        requestTimeoutMs: options.requestTimeoutMs,
        retry: options.retry,
        logger: options.logger,
        random: options.random,
        now,
      },
      opts.onRejoinNeeded,
      () => false,
    );
  }

  get rejoinNeeded(): boolean {
    return this.membership.rejoinNeeded;
  }

  get memberId(): string {
    return this.membership.memberId;
  }

  /**
   * The coordinator dropped this member (session expired, generation over)
   * since the last join: what it held may run elsewhere by now, so it must
   * stop everything before joining again. Cleared by `join`.
   */
  get lost(): boolean {
    return this.membership.lost;
  }

  requestRejoin(reason: string): void {
    this.membership.requestRejoin(reason);
  }

  /** Joins until this member has a generation (the leader runs `protocol.assign`). */
  join(protocol: GroupProtocol, signal: AbortSignal): Promise<JoinedCustomGeneration> {
    this.membership.lost = false;
    return this.membership.rebalanceCustom(protocol, signal);
  }

  async close(): Promise<void> {
    await this.membership.leave('member closed').catch(() => undefined);
    this.membership.close();
  }
}
