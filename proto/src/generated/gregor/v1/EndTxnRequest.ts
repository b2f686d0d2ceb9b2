// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface EndTxnRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'committed'?: (boolean);
}

export interface EndTxnRequest__Output {
  'transactionalId': (string);
  'producerId': (string);
  'producerEpoch': (number);
  'committed': (boolean);
}
