// Original file: gregor/v1/client.proto

import type { CreatableTopicResult as _gregor_v1_CreatableTopicResult, CreatableTopicResult__Output as _gregor_v1_CreatableTopicResult__Output } from '../../gregor/v1/CreatableTopicResult';

export interface CreateTopicsResponse {
  'topics'?: (_gregor_v1_CreatableTopicResult)[];
}

export interface CreateTopicsResponse__Output {
  'topics': (_gregor_v1_CreatableTopicResult__Output)[];
}
