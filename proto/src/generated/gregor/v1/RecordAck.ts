// Original file: gregor/v1/records.proto

import type { Long } from '@grpc/proto-loader';

export interface RecordAck {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
}

export interface RecordAck__Output {
  'topic': (string);
  'partition': (number);
  'offset': (string);
}
