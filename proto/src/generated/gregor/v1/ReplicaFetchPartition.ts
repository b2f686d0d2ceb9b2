// Original file: gregor/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchPartition {
  'partition'?: (number);
  'fetchOffset'?: (number | string | Long);
  'lastFetchedEpoch'?: (number);
  'currentLeaderEpoch'?: (number);
  'partitionMaxBytes'?: (number);
  'logStartOffset'?: (number | string | Long);
}

export interface ReplicaFetchPartition__Output {
  'partition': (number);
  'fetchOffset': (string);
  'lastFetchedEpoch': (number);
  'currentLeaderEpoch': (number);
  'partitionMaxBytes': (number);
  'logStartOffset': (string);
}
