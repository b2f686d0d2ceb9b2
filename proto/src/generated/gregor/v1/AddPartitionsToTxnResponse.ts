// Original file: gregor/v1/client.proto

import type { TxnTopicResult as _gregor_v1_TxnTopicResult, TxnTopicResult__Output as _gregor_v1_TxnTopicResult__Output } from '../../gregor/v1/TxnTopicResult';

export interface AddPartitionsToTxnResponse {
  'topics'?: (_gregor_v1_TxnTopicResult)[];
}

export interface AddPartitionsToTxnResponse__Output {
  'topics': (_gregor_v1_TxnTopicResult__Output)[];
}
