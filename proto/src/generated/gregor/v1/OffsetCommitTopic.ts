// Original file: gregor/v1/client.proto

import type { OffsetCommitPartition as _gregor_v1_OffsetCommitPartition, OffsetCommitPartition__Output as _gregor_v1_OffsetCommitPartition__Output } from '../../gregor/v1/OffsetCommitPartition';

export interface OffsetCommitTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_OffsetCommitPartition)[];
}

export interface OffsetCommitTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_OffsetCommitPartition__Output)[];
}
