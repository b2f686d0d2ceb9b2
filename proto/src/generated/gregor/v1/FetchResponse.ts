// Original file: gregor/v1/client.proto

import type { FetchTopicResult as _gregor_v1_FetchTopicResult, FetchTopicResult__Output as _gregor_v1_FetchTopicResult__Output } from '../../gregor/v1/FetchTopicResult';

export interface FetchResponse {
  'topics'?: (_gregor_v1_FetchTopicResult)[];
}

export interface FetchResponse__Output {
  'topics': (_gregor_v1_FetchTopicResult__Output)[];
}
