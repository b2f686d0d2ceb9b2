// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface ProducerState {
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'lastSequence'?: (number);
  'lastTimestamp'?: (number | string | Long);
  'coordinatorEpoch'?: (number);
  'currentTxnStartOffset'?: (number | string | Long);
}

export interface ProducerState__Output {
  'producerId': (string);
  'producerEpoch': (number);
  'lastSequence': (number);
  'lastTimestamp': (string);
  'coordinatorEpoch': (number);
  'currentTxnStartOffset': (string);
}
