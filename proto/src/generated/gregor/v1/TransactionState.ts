// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { TxnTopic as _gregor_v1_TxnTopic, TxnTopic__Output as _gregor_v1_TxnTopic__Output } from '../../gregor/v1/TxnTopic';
import type { Long } from '@grpc/proto-loader';

export interface TransactionState {
  'error'?: (_gregor_v1_Error | null);
  'transactionalId'?: (string);
  'transactionState'?: (string);
  'transactionTimeoutMs'?: (number);
  'transactionStartTimeMs'?: (number | string | Long);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'topics'?: (_gregor_v1_TxnTopic)[];
}

export interface TransactionState__Output {
  'error': (_gregor_v1_Error__Output | null);
  'transactionalId': (string);
  'transactionState': (string);
  'transactionTimeoutMs': (number);
  'transactionStartTimeMs': (string);
  'producerId': (string);
  'producerEpoch': (number);
  'topics': (_gregor_v1_TxnTopic__Output)[];
}
