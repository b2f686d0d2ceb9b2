import { GregorError, type TopicPartition } from '@gregor/common';
import type { OffsetCommitTopic, OffsetFetchTopic } from '@gregor/proto';
import type { Cluster } from '../cluster';
import { COORDINATOR_MOVED, GroupCoordinator } from '../consumer/group/coordinator';
import { errorFromWire, firstFailure } from '../errors';
import { decodeAssignment, decodeSubscription } from '../group/consumer-protocol';
import type { ResolvedClientOptions } from '../options';
import { int64, int64Wire } from '../wire';
import { askEveryBroker, perItemWithRetry, type ItemResult } from './per-item';
import type { CommittedOffset, ConsumerGroupState, GroupDescription, GroupListing, OffsetToSet } from './group-types';
import type { AdminCallOptions } from './types';

const STATES: readonly ConsumerGroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

function state(s: string): ConsumerGroupState {
  return STATES.find((x) => x === s) ?? 'Dead';
}

/**
 * The group half of the Admin client. Each group's requests go to its
 * coordinator (found with FindCoordinator and found again when it moves);
 * ListGroups goes to every broker, since each lists only the groups it
 * coordinates. Coordinator errors are retried within the call's timeout.
 */
export class GroupAdmin {
  private readonly coordinators = new Map<string, GroupCoordinator>();

  constructor(
    private readonly cluster: Cluster,
    private readonly client: ResolvedClientOptions,
  ) {}

  private coordinator(groupId: string): GroupCoordinator {
    let c = this.coordinators.get(groupId);
    if (c === undefined) {
      // Bounded: one small entry per group this admin asked about, dropped on delete.
      if (this.coordinators.size >= 10_000) this.coordinators.clear();
      c = new GroupCoordinator(this.cluster, groupId, {
        retry: this.client.retry,
        logger: this.client.logger,
        random: this.client.random,
        now: () => this.client.clock.monotonicMs(),
      });
      this.coordinators.set(groupId, c);
    }
    return c;
  }

  private deadline(opts: AdminCallOptions): number {
    return this.client.clock.monotonicMs() + (opts.timeoutMs ?? this.client.defaultApiTimeoutMs);
  }

  /** Runs `fn` for one group until it answers without a coordinator error, or the deadline. */
  private async withCoordinator<T>(groupId: string, opts: AdminCallOptions, fn: (c: GroupCoordinator, deadlineMs: number) => Promise<T>): Promise<T> {
    const deadline = this.deadline(opts);
    // Boxed: a void result must not read as "no result".
    const results = await perItemWithRetry<string, { value: T }>(
      [groupId],
      (g) => g,
      async () => {
        const c = this.coordinator(groupId);
        try {
          return new Map<string, ItemResult<{ value: T }>>([[groupId, { value: await fn(c, deadline) }]]);
        } catch (err) {
          if (err instanceof GregorError && COORDINATOR_MOVED.has(err.errorName)) c.markUnknown(err.errorName);
          throw err;
        }
      },
      { cluster: this.cluster, deadlineMs: deadline, retriable: () => true, random: this.client.random },
    );
    const r = results.get(groupId)!;
    if (r instanceof GregorError) throw r;
    return r.value;
  }

  /** Every group of the cluster (asks each broker; one that does not answer fails the call). */
  async listGroups(opts: AdminCallOptions & { states?: readonly ConsumerGroupState[] } = {}): Promise<GroupListing[]> {
    const answers = await askEveryBroker(this.cluster, { deadlineMs: this.deadline(opts), random: this.client.random }, async (conn) => {
      const res = await conn.call('ListGroups', { statesFilter: [...(opts.states ?? [])] });
      return errorFromWire(res.error) ?? res.groups.map((g): GroupListing => ({ groupId: g.groupId, protocolType: g.protocolType, state: state(g.groupState) }));
    });
    const groups = new Map<string, GroupListing>();
    for (const list of answers) for (const g of list) groups.set(g.groupId, g);
    return [...groups.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** State, members and (for consumer groups) each member's partitions. An unknown group is Dead, as in Kafka. */
  async describeGroups(groupIds: readonly string[], opts: AdminCallOptions = {}): Promise<GroupDescription[]> {
    return Promise.all(
      groupIds.map((groupId) =>
        this.withCoordinator(groupId, opts, async (c, deadline) => {
          const res = await c.call('DescribeGroups', { groups: [groupId] }, deadline);
          const g = res.groups.find((x) => x.groupId === groupId);
          if (g === undefined) throw new GregorError('UNKNOWN_SERVER_ERROR', `DescribeGroups answer has no group "${groupId}"`);
          const err = errorFromWire(g.error, { group: groupId });
          if (err !== undefined) throw err;
          return {
            groupId,
            state: state(g.groupState),
            protocolType: g.protocolType,
            assignor: g.protocolData,
            coordinator: c.nodeId ?? -1,
            members: g.members.map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId === '' ? null : m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              assignment: g.protocolType === 'consumer' && m.memberAssignment.length > 0 ? safeAssignment(m.memberAssignment) : [],
              subscriptionUserData: g.protocolType === 'consumer' && m.memberMetadata.length > 0 ? safeUserData(m.memberMetadata) : null,
            })),
          };
        }),
      ),
    );
  }

  /** Deletes groups without members (NON_EMPTY_GROUP otherwise, GROUP_ID_NOT_FOUND when unknown). */
  async deleteGroups(groupIds: readonly string[], opts: AdminCallOptions = {}): Promise<void> {
    const failures: { name: string; error: GregorError }[] = [];
    await Promise.all(
      groupIds.map(async (groupId) => {
        try {
          await this.withCoordinator(groupId, opts, async (c, deadline) => {
            const res = await c.call('DeleteGroups', { groups: [groupId] }, deadline);
            const err = errorFromWire(res.results.find((r) => r.groupId === groupId)?.error, { group: groupId });
            if (err !== undefined) throw err;
          });
          this.coordinators.delete(groupId);
        } catch (err) {
          failures.push({ name: groupId, error: err instanceof GregorError ? err : new GregorError('UNKNOWN_SERVER_ERROR', String(err)) });
        }
      }),
    );
    const err = firstFailure(failures);
    if (err !== undefined) throw err;
  }

  /**
   * Removes dynamic members from a group by member id (LeaveGroup v3+ on
   * their behalf; Kafka's removeMembersFromConsumerGroup does the same for
   * static members): their partitions move at the next rebalance, which
   * starts at once, instead of when their sessions time out. Per member:
   * undefined when removed, else its error (UNKNOWN_MEMBER_ID when it is
   * not in the group — already gone).
   */
  async removeGroupMembers(groupId: string, memberIds: readonly string[], reason: string, opts: AdminCallOptions = {}): Promise<Map<string, GregorError | undefined>> {
    return this.withCoordinator(groupId, opts, async (c, deadline) => {
      const res = await c.call('LeaveGroup', { groupId, members: memberIds.map((memberId) => ({ memberId, groupInstanceId: '', reason })) }, deadline);
      const top = errorFromWire(res.error, { group: groupId });
      if (top !== undefined) throw top;
      const out = new Map<string, GregorError | undefined>();
      for (const m of res.members) out.set(m.memberId, errorFromWire(m.error, { group: groupId }));
      return out;
    });
  }

  /** The group's committed offsets: of `partitions`, or every partition it has one for (Kafka's listConsumerGroupOffsets). */
  async listGroupOffsets(groupId: string, partitions?: readonly TopicPartition[], opts: AdminCallOptions = {}): Promise<CommittedOffset[]> {
    return this.withCoordinator(groupId, opts, async (c, deadline) => {
      const topics = new Map<string, OffsetFetchTopic>();
      for (const tp of partitions ?? []) {
        let t = topics.get(tp.topic);
        if (t === undefined) topics.set(tp.topic, (t = { name: tp.topic, partitions: [] }));
        t.partitions!.push(tp.partition);
      }
      const res = await c.call('OffsetFetch', { groupId, topics: [...topics.values()], requireStable: true }, deadline);
      const top = errorFromWire(res.error, { group: groupId });
      if (top !== undefined) throw top;
      const out: CommittedOffset[] = [];
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const err = errorFromWire(p.error, { group: groupId, topic: t.name, partition: p.partition });
          if (err !== undefined) throw err;
          out.push({ topic: t.name, partition: p.partition, offset: int64(p.committedOffset), metadata: p.metadata, leaderEpoch: p.committedLeaderEpoch });
        }
      }
      return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    });
  }

  /**
   * Sets committed offsets from outside the group (generation -1, no
   * member: Kafka's alterConsumerGroupOffsets). The coordinator accepts
   * it only while the group has no members (UNKNOWN_MEMBER_ID otherwise).
   */
  async alterGroupOffsets(groupId: string, offsets: readonly OffsetToSet[], opts: AdminCallOptions = {}): Promise<void> {
    await this.withCoordinator(groupId, opts, async (c, deadline) => {
      const topics = new Map<string, OffsetCommitTopic>();
      for (const o of offsets) {
        let t = topics.get(o.topic);
        if (t === undefined) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
        t.partitions!.push({ partition: o.partition, committedOffset: int64Wire(o.offset), committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' });
      }
      const res = await c.call('OffsetCommit', { groupId, generationId: -1, memberId: '', groupInstanceId: '', topics: [...topics.values()] }, deadline);
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const err = errorFromWire(p.error, { group: groupId, topic: t.name, partition: p.partition });
          if (err === undefined) continue;
          if (err.errorName === 'UNKNOWN_MEMBER_ID') {
            throw new GregorError('UNKNOWN_MEMBER_ID', `group "${groupId}" has active members: offsets can only be changed while it is empty`, { group: groupId, topic: t.name, partition: p.partition });
          }
          throw err;
        }
      }
    });
  }
}

/** A member's subscription bytes are the member's to write: undecodable ones describe as no userData, not a failed describe. */
function safeUserData(bytes: Buffer): Buffer | null {
  try {
    return decodeSubscription(bytes).userData;
  } catch {
    return null;
  }
}

function safeAssignment(bytes: Buffer): TopicPartition[] {
  try {
    return decodeAssignment(bytes).partitions.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  } catch {
    return [];
  }
}
