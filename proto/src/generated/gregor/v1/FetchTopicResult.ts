// Original file: gregor/v1/client.proto

import type { FetchPartitionResult as _gregor_v1_FetchPartitionResult, FetchPartitionResult__Output as _gregor_v1_FetchPartitionResult__Output } from '../../gregor/v1/FetchPartitionResult';

export interface FetchTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_FetchPartitionResult)[];
}

export interface FetchTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_FetchPartitionResult__Output)[];
}
