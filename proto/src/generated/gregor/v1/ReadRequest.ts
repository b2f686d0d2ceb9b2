// Original file: gregor/v1/records.proto

import type { IsolationLevel as _gregor_v1_IsolationLevel, IsolationLevel__Output as _gregor_v1_IsolationLevel__Output } from '../../gregor/v1/IsolationLevel';
import type { Long } from '@grpc/proto-loader';

export interface ReadRequest {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'timestampMs'?: (number | string | Long);
  'maxRecords'?: (number);
  'maxBytes'?: (number);
  'maxWaitMs'?: (number);
  'isolationLevel'?: (_gregor_v1_IsolationLevel);
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
  'isolationLevel': (_gregor_v1_IsolationLevel__Output);
  'start'?: "offset"|"timestampMs";
}
