// Original file: gregor/v1/client.proto

import type { AddPartitionsTopicResult as _gregor_v1_AddPartitionsTopicResult, AddPartitionsTopicResult__Output as _gregor_v1_AddPartitionsTopicResult__Output } from '../../gregor/v1/AddPartitionsTopicResult';

export interface AddPartitionsResponse {
  'results'?: (_gregor_v1_AddPartitionsTopicResult)[];
}

export interface AddPartitionsResponse__Output {
  'results': (_gregor_v1_AddPartitionsTopicResult__Output)[];
}
