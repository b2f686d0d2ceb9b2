// Original file: gregor/v1/replication.proto

import type { LeaderEpochPartitionResult as _gregor_v1_LeaderEpochPartitionResult, LeaderEpochPartitionResult__Output as _gregor_v1_LeaderEpochPartitionResult__Output } from '../../gregor/v1/LeaderEpochPartitionResult';

export interface LeaderEpochTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_LeaderEpochPartitionResult)[];
}

export interface LeaderEpochTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_LeaderEpochPartitionResult__Output)[];
}
