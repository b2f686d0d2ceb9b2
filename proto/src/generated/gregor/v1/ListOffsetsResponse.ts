// Original file: gregor/v1/client.proto

import type { ListOffsetsTopicResult as _gregor_v1_ListOffsetsTopicResult, ListOffsetsTopicResult__Output as _gregor_v1_ListOffsetsTopicResult__Output } from '../../gregor/v1/ListOffsetsTopicResult';

export interface ListOffsetsResponse {
  'topics'?: (_gregor_v1_ListOffsetsTopicResult)[];
}

export interface ListOffsetsResponse__Output {
  'topics': (_gregor_v1_ListOffsetsTopicResult__Output)[];
}
