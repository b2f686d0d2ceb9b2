// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface AddOffsetsToTxnRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'groupId'?: (string);
}

export interface AddOffsetsToTxnRequest__Output {
  'transactionalId': (string);
  'producerId': (string);
  'producerEpoch': (number);
  'groupId': (string);
}
