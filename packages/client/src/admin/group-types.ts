import type { TopicPartition } from '@gregor/common';

/** Consumer-group admin types (Kafka's AdminClient group APIs). */

/** Kafka's classic group states. */
export type ConsumerGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupListing {
  groupId: string;
  /** 'consumer' for consumer groups; '' for groups that only store offsets. */
  protocolType: string;
  state: ConsumerGroupState;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  /** As Kafka shows it: "/127.0.0.1". */
  clientHost: string;
  /** The member's partitions (consumer groups, while Stable; empty otherwise). */
  assignment: TopicPartition[];
  /** The userData of the member's subscription (consumer groups whose assignor sets it), else null. */
  subscriptionUserData: Buffer | null;
}

export interface GroupDescription {
  groupId: string;
  state: ConsumerGroupState;
  protocolType: string;
  /** The assignor in use (while Stable). */
  assignor: string;
  /** Node id of the group's coordinator. */
  coordinator: number;
  members: GroupMemberDescription[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: bigint;
  metadata: string;
  leaderEpoch: number;
}

export interface OffsetToSet {
  topic: string;
  partition: number;
  offset: bigint;
  metadata?: string;
}
