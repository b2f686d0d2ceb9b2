// Original file: gregor/v1/replication.proto

import type { LeaderEpochPartition as _gregor_v1_LeaderEpochPartition, LeaderEpochPartition__Output as _gregor_v1_LeaderEpochPartition__Output } from '../../gregor/v1/LeaderEpochPartition';

export interface LeaderEpochTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_LeaderEpochPartition)[];
}

export interface LeaderEpochTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_LeaderEpochPartition__Output)[];
}
