// Original file: gregor/v1/client.proto

import type { DeletableTopicResult as _gregor_v1_DeletableTopicResult, DeletableTopicResult__Output as _gregor_v1_DeletableTopicResult__Output } from '../../gregor/v1/DeletableTopicResult';

export interface DeleteTopicsResponse {
  'topics'?: (_gregor_v1_DeletableTopicResult)[];
}

export interface DeleteTopicsResponse__Output {
  'topics': (_gregor_v1_DeletableTopicResult__Output)[];
}
