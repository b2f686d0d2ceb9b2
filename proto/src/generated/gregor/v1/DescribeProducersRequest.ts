// Original file: gregor/v1/client.proto

import type { TxnTopic as _gregor_v1_TxnTopic, TxnTopic__Output as _gregor_v1_TxnTopic__Output } from '../../gregor/v1/TxnTopic';

export interface DescribeProducersRequest {
  'topics'?: (_gregor_v1_TxnTopic)[];
}

export interface DescribeProducersRequest__Output {
  'topics': (_gregor_v1_TxnTopic__Output)[];
}
