// Original file: gregor/v1/client.proto

import type { TxnTopicResult as _gregor_v1_TxnTopicResult, TxnTopicResult__Output as _gregor_v1_TxnTopicResult__Output } from '../../gregor/v1/TxnTopicResult';
import type { Long } from '@grpc/proto-loader';

export interface WritableTxnMarkerResult {
  'producerId'?: (number | string | Long);
  'topics'?: (_gregor_v1_TxnTopicResult)[];
}

export interface WritableTxnMarkerResult__Output {
  'producerId': (string);
  'topics': (_gregor_v1_TxnTopicResult__Output)[];
}
