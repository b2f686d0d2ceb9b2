// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { OffsetFetchTopicResult as _gregor_v1_OffsetFetchTopicResult, OffsetFetchTopicResult__Output as _gregor_v1_OffsetFetchTopicResult__Output } from '../../gregor/v1/OffsetFetchTopicResult';

export interface OffsetFetchResponse {
  'error'?: (_gregor_v1_Error | null);
  'topics'?: (_gregor_v1_OffsetFetchTopicResult)[];
}

export interface OffsetFetchResponse__Output {
  'error': (_gregor_v1_Error__Output | null);
  'topics': (_gregor_v1_OffsetFetchTopicResult__Output)[];
}
