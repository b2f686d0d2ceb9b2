// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface ListedTransaction {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'transactionState'?: (string);
}

export interface ListedTransaction__Output {
  'transactionalId': (string);
  'producerId': (string);
  'transactionState': (string);
}
