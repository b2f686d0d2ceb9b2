// Original file: gregor/v1/client.proto

import type { TxnTopic as _gregor_v1_TxnTopic, TxnTopic__Output as _gregor_v1_TxnTopic__Output } from '../../gregor/v1/TxnTopic';
import type { Long } from '@grpc/proto-loader';

export interface WritableTxnMarker {
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'transactionResult'?: (boolean);
  'topics'?: (_gregor_v1_TxnTopic)[];
  'coordinatorEpoch'?: (number);
}

export interface WritableTxnMarker__Output {
  'producerId': (string);
  'producerEpoch': (number);
  'transactionResult': (boolean);
  'topics': (_gregor_v1_TxnTopic__Output)[];
  'coordinatorEpoch': (number);
}
