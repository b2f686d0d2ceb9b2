// Original file: gregor/v1/client.proto

import type { DeleteRecordsTopicResult as _gregor_v1_DeleteRecordsTopicResult, DeleteRecordsTopicResult__Output as _gregor_v1_DeleteRecordsTopicResult__Output } from '../../gregor/v1/DeleteRecordsTopicResult';

export interface DeleteRecordsResponse {
  'topics'?: (_gregor_v1_DeleteRecordsTopicResult)[];
}

export interface DeleteRecordsResponse__Output {
  'topics': (_gregor_v1_DeleteRecordsTopicResult__Output)[];
}
