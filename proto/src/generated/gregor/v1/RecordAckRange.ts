// Original file: gregor/v1/records.proto

import type { Long } from '@grpc/proto-loader';

export interface RecordAckRange {
  'topic'?: (string);
  'partition'?: (number);
  'firstOffset'?: (number | string | Long);
  'lastOffset'?: (number | string | Long);
}

export interface RecordAckRange__Output {
  'topic': (string);
  'partition': (number);
  'firstOffset': (string);
  'lastOffset': (string);
}
