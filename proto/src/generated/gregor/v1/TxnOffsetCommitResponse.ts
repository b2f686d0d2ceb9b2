// Original file: gregor/v1/client.proto

import type { TxnTopicResult as _gregor_v1_TxnTopicResult, TxnTopicResult__Output as _gregor_v1_TxnTopicResult__Output } from '../../gregor/v1/TxnTopicResult';

export interface TxnOffsetCommitResponse {
  'topics'?: (_gregor_v1_TxnTopicResult)[];
}

export interface TxnOffsetCommitResponse__Output {
  'topics': (_gregor_v1_TxnTopicResult__Output)[];
}
