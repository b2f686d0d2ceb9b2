// Original file: gregor/v1/client.proto

import type { TxnTopic as _gregor_v1_TxnTopic, TxnTopic__Output as _gregor_v1_TxnTopic__Output } from '../../gregor/v1/TxnTopic';
import type { Long } from '@grpc/proto-loader';

export interface AddPartitionsToTxnRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'topics'?: (_gregor_v1_TxnTopic)[];
  'verifyOnly'?: (boolean);
}

export interface AddPartitionsToTxnRequest__Output {
  'transactionalId': (string);
  'producerId': (string);
  'producerEpoch': (number);
  'topics': (_gregor_v1_TxnTopic__Output)[];
  'verifyOnly': (boolean);
}
