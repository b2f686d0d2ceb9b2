// Original file: gregor/v1/replication.proto

import type { ReplicaFetchPartitionResult as _gregor_v1_ReplicaFetchPartitionResult, ReplicaFetchPartitionResult__Output as _gregor_v1_ReplicaFetchPartitionResult__Output } from '../../gregor/v1/ReplicaFetchPartitionResult';

export interface ReplicaFetchTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_ReplicaFetchPartitionResult)[];
}

export interface ReplicaFetchTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_ReplicaFetchPartitionResult__Output)[];
}
