// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { Long } from '@grpc/proto-loader';

export interface OffsetFetchPartitionResult {
  'partition'?: (number);
  'committedOffset'?: (number | string | Long);
  'committedLeaderEpoch'?: (number);
  'metadata'?: (string);
  'error'?: (_gregor_v1_Error | null);
}

export interface OffsetFetchPartitionResult__Output {
  'partition': (number);
  'committedOffset': (string);
  'committedLeaderEpoch': (number);
  'metadata': (string);
  'error': (_gregor_v1_Error__Output | null);
}
