// Original file: gregor/v1/client.proto

import type { DeleteRecordsPartition as _gregor_v1_DeleteRecordsPartition, DeleteRecordsPartition__Output as _gregor_v1_DeleteRecordsPartition__Output } from '../../gregor/v1/DeleteRecordsPartition';

export interface DeleteRecordsTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_DeleteRecordsPartition)[];
}

export interface DeleteRecordsTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_DeleteRecordsPartition__Output)[];
}
