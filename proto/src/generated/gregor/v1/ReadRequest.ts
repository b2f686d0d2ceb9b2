// Original file: gregor/v1/records.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadRequest {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'timestampMs'?: (number | string | Long);
  'maxRecords'?: (number);
  'maxBytes'?: (number);
  'maxWaitMs'?: (number);
  'start'?: "offset"|"timestampMs";
}

export interface ReadRequest__Output {
  'topic': (string);
  'partition': (number);
  'offset'?: (string);
  'timestampMs'?: (string);
  'maxRecords': (number);
  'maxBytes': (number);
  'maxWaitMs': (number);
  'start'?: "offset"|"timestampMs";
}
