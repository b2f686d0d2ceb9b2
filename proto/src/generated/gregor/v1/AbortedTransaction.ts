// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface AbortedTransaction {
  'producerId'?: (number | string | Long);
  'firstOffset'?: (number | string | Long);
}

export interface AbortedTransaction__Output {
  'producerId': (string);
  'firstOffset': (string);
}
