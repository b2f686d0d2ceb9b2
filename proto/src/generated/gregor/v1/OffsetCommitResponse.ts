// Original file: gregor/v1/client.proto

import type { OffsetCommitTopicResult as _gregor_v1_OffsetCommitTopicResult, OffsetCommitTopicResult__Output as _gregor_v1_OffsetCommitTopicResult__Output } from '../../gregor/v1/OffsetCommitTopicResult';

export interface OffsetCommitResponse {
  'topics'?: (_gregor_v1_OffsetCommitTopicResult)[];
}

export interface OffsetCommitResponse__Output {
  'topics': (_gregor_v1_OffsetCommitTopicResult__Output)[];
}
