// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsPartitionResult {
  'partition'?: (number);
  'error'?: (_gregor_v1_Error | null);
  'timestamp'?: (number | string | Long);
  'offset'?: (number | string | Long);
  'leaderEpoch'?: (number);
}

export interface ListOffsetsPartitionResult__Output {
  'partition': (number);
  'error': (_gregor_v1_Error__Output | null);
  'timestamp': (string);
  'offset': (string);
  'leaderEpoch': (number);
}
