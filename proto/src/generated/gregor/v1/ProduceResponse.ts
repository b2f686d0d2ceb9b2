// Original file: gregor/v1/client.proto

import type { ProduceTopicResult as _gregor_v1_ProduceTopicResult, ProduceTopicResult__Output as _gregor_v1_ProduceTopicResult__Output } from '../../gregor/v1/ProduceTopicResult';

export interface ProduceResponse {
  'topics'?: (_gregor_v1_ProduceTopicResult)[];
}

export interface ProduceResponse__Output {
  'topics': (_gregor_v1_ProduceTopicResult__Output)[];
}
