// Original file: gregor/v1/records.proto

import type { RecordsError as _gregor_v1_RecordsError, RecordsError__Output as _gregor_v1_RecordsError__Output } from '../../gregor/v1/RecordsError';
import type { Long } from '@grpc/proto-loader';

export interface PublishResult {
  'error'?: (_gregor_v1_RecordsError | null);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'timestampMs'?: (number | string | Long);
}

export interface PublishResult__Output {
  'error': (_gregor_v1_RecordsError__Output | null);
  'partition': (number);
  'offset': (string);
  'timestampMs': (string);
}
