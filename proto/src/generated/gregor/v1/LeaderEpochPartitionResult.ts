// Original file: gregor/v1/replication.proto

import type { ReplicationError as _gregor_v1_ReplicationError, ReplicationError__Output as _gregor_v1_ReplicationError__Output } from '../../gregor/v1/ReplicationError';
import type { Long } from '@grpc/proto-loader';

export interface LeaderEpochPartitionResult {
  'partition'?: (number);
  'error'?: (_gregor_v1_ReplicationError | null);
  'leaderEpoch'?: (number);
  'endOffset'?: (number | string | Long);
}

export interface LeaderEpochPartitionResult__Output {
  'partition': (number);
  'error': (_gregor_v1_ReplicationError__Output | null);
  'leaderEpoch': (number);
  'endOffset': (string);
}
