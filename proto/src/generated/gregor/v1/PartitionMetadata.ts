// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';

export interface PartitionMetadata {
  'error'?: (_gregor_v1_Error | null);
  'partition'?: (number);
  'leaderId'?: (number);
  'leaderEpoch'?: (number);
  'replicaNodes'?: (number)[];
  'isrNodes'?: (number)[];
  'offlineReplicas'?: (number)[];
}

export interface PartitionMetadata__Output {
  'error': (_gregor_v1_Error__Output | null);
  'partition': (number);
  'leaderId': (number);
  'leaderEpoch': (number);
  'replicaNodes': (number)[];
  'isrNodes': (number)[];
  'offlineReplicas': (number)[];
}
