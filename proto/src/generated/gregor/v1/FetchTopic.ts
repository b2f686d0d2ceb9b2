// Original file: gregor/v1/client.proto

import type { FetchPartition as _gregor_v1_FetchPartition, FetchPartition__Output as _gregor_v1_FetchPartition__Output } from '../../gregor/v1/FetchPartition';

export interface FetchTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_FetchPartition)[];
}

export interface FetchTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_FetchPartition__Output)[];
}
