// Original file: gregor/v1/replication.proto

import type { ReplicaFetchPartition as _gregor_v1_ReplicaFetchPartition, ReplicaFetchPartition__Output as _gregor_v1_ReplicaFetchPartition__Output } from '../../gregor/v1/ReplicaFetchPartition';

export interface ReplicaFetchTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_ReplicaFetchPartition)[];
}

export interface ReplicaFetchTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_ReplicaFetchPartition__Output)[];
}
