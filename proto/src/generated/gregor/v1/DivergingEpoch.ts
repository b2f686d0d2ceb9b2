// Original file: gregor/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface DivergingEpoch {
  'epoch'?: (number);
  'endOffset'?: (number | string | Long);
}

export interface DivergingEpoch__Output {
  'epoch': (number);
  'endOffset': (string);
}
