// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { Long } from '@grpc/proto-loader';

export interface FetchPartitionResult {
  'partition'?: (number);
  'error'?: (_gregor_v1_Error | null);
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'lastStableOffset'?: (number | string | Long);
  'records'?: (Buffer | Uint8Array | string);
}

export interface FetchPartitionResult__Output {
  'partition': (number);
  'error': (_gregor_v1_Error__Output | null);
  'highWatermark': (string);
  'logStartOffset': (string);
  'lastStableOffset': (string);
  'records': (Buffer);
}
