// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchPartition {
  'partition'?: (number);
  'fetchOffset'?: (number | string | Long);
  'partitionMaxBytes'?: (number);
  'currentLeaderEpoch'?: (number);
}

export interface FetchPartition__Output {
  'partition': (number);
  'fetchOffset': (string);
  'partitionMaxBytes': (number);
  'currentLeaderEpoch': (number);
}
