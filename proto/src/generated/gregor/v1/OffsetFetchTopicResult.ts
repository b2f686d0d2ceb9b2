// Original file: gregor/v1/client.proto

import type { OffsetFetchPartitionResult as _gregor_v1_OffsetFetchPartitionResult, OffsetFetchPartitionResult__Output as _gregor_v1_OffsetFetchPartitionResult__Output } from '../../gregor/v1/OffsetFetchPartitionResult';

export interface OffsetFetchTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_OffsetFetchPartitionResult)[];
}

export interface OffsetFetchTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_OffsetFetchPartitionResult__Output)[];
}
