// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { Long } from '@grpc/proto-loader';

export interface DeleteRecordsPartitionResult {
  'partition'?: (number);
  'error'?: (_gregor_v1_Error | null);
  'lowWatermark'?: (number | string | Long);
}

export interface DeleteRecordsPartitionResult__Output {
  'partition': (number);
  'error': (_gregor_v1_Error__Output | null);
  'lowWatermark': (string);
}
