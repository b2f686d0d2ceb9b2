// Original file: gregor/v1/client.proto

import type { OffsetCommitPartitionResult as _gregor_v1_OffsetCommitPartitionResult, OffsetCommitPartitionResult__Output as _gregor_v1_OffsetCommitPartitionResult__Output } from '../../gregor/v1/OffsetCommitPartitionResult';

export interface OffsetCommitTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_OffsetCommitPartitionResult)[];
}

export interface OffsetCommitTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_OffsetCommitPartitionResult__Output)[];
}
