// Original file: gregor/v1/client.proto

import type { DeleteRecordsPartitionResult as _gregor_v1_DeleteRecordsPartitionResult, DeleteRecordsPartitionResult__Output as _gregor_v1_DeleteRecordsPartitionResult__Output } from '../../gregor/v1/DeleteRecordsPartitionResult';

export interface DeleteRecordsTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_DeleteRecordsPartitionResult)[];
}

export interface DeleteRecordsTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_DeleteRecordsPartitionResult__Output)[];
}
