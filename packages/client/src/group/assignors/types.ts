import type { TopicPartition } from '@gregor/common';
import type { Subscription } from '../consumer-protocol';

/** Kafka's RebalanceProtocol: EAGER revokes everything before rejoining; COOPERATIVE only what moves (KIP-429). */
export type RebalanceProtocol = 'eager' | 'cooperative';

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  subscription: Subscription;
}

/** topic → number of partitions, for every topic some member subscribes to (missing topics are skipped). */
export type PartitionCounts = ReadonlyMap<string, number>;

/**
 * A partition assignor (Kafka's ConsumerPartitionAssignor): a pure function
 * from the members' subscriptions and the topics' partition counts to each
 * member's partitions. The group leader runs the one the coordinator chose.
 */
export interface PartitionAssignor {
  /** The protocol name in JoinGroup: 'range', 'roundrobin', 'cooperative-sticky' (Kafka's names). */
  readonly name: string;
  /** Protocols it supports, preferred first. */
  readonly supportedProtocols: readonly RebalanceProtocol[];
  assign(partitionCounts: PartitionCounts, members: readonly GroupMember[]): Map<string, TopicPartition[]>;
  /**
   * Bytes this member adds to its subscription at every join (Kafka's
   * subscriptionUserData): what the leader's `assign` should know about the
   * member beyond its topics and owned partitions (Kafka Streams reports
   * the state it holds per task). Called synchronously on each rebalance;
   * the leader sees them as `subscription.userData`, DescribeGroups as the
   * member's `subscriptionUserData`. None when absent.
   */
  subscriptionUserData?(topics: readonly string[]): Buffer | null;
}

/**
 * Kafka's member order for assignment (AbstractPartitionAssignor.MemberInfo):
 * static members first, by group.instance.id; then dynamic ones by member
 * id. Stable across restarts of static members, so their partitions stay.
 */
export function compareMembers(a: Pick<GroupMember, 'memberId' | 'groupInstanceId'>, b: Pick<GroupMember, 'memberId' | 'groupInstanceId'>): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return cmp(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return cmp(a.memberId, b.memberId);
}

/** Java's String.compareTo order (UTF-16 code units), which is JavaScript's `<` on strings. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return cmp(a.topic, b.topic) || a.partition - b.partition;
}

/** Every member starts with an empty list, so members without partitions still get an (empty) assignment. */
export function emptyAssignment(members: readonly GroupMember[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, []]));
}
