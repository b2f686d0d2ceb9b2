// Original file: gregor/v1/client.proto

import type { DeleteRecordsTopic as _gregor_v1_DeleteRecordsTopic, DeleteRecordsTopic__Output as _gregor_v1_DeleteRecordsTopic__Output } from '../../gregor/v1/DeleteRecordsTopic';

export interface DeleteRecordsRequest {
  'topics'?: (_gregor_v1_DeleteRecordsTopic)[];
  'timeoutMs'?: (number);
}

export interface DeleteRecordsRequest__Output {
  'topics': (_gregor_v1_DeleteRecordsTopic__Output)[];
  'timeoutMs': (number);
}
