// Original file: gregor/v1/client.proto

import type { ListOffsetsPartitionResult as _gregor_v1_ListOffsetsPartitionResult, ListOffsetsPartitionResult__Output as _gregor_v1_ListOffsetsPartitionResult__Output } from '../../gregor/v1/ListOffsetsPartitionResult';

export interface ListOffsetsTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_ListOffsetsPartitionResult)[];
}

export interface ListOffsetsTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_ListOffsetsPartitionResult__Output)[];
}
