// Original file: gregor/v1/client.proto

import type { ListOffsetsPartition as _gregor_v1_ListOffsetsPartition, ListOffsetsPartition__Output as _gregor_v1_ListOffsetsPartition__Output } from '../../gregor/v1/ListOffsetsPartition';

export interface ListOffsetsTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_ListOffsetsPartition)[];
}

export interface ListOffsetsTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_ListOffsetsPartition__Output)[];
}
