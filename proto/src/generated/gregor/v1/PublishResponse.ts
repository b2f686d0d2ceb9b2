// Original file: gregor/v1/records.proto

import type { PublishResult as _gregor_v1_PublishResult, PublishResult__Output as _gregor_v1_PublishResult__Output } from '../../gregor/v1/PublishResult';

export interface PublishResponse {
  'results'?: (_gregor_v1_PublishResult)[];
}

export interface PublishResponse__Output {
  'results': (_gregor_v1_PublishResult__Output)[];
}
