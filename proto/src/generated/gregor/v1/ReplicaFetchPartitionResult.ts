// Original file: gregor/v1/replication.proto

import type { ReplicationError as _gregor_v1_ReplicationError, ReplicationError__Output as _gregor_v1_ReplicationError__Output } from '../../gregor/v1/ReplicationError';
import type { DivergingEpoch as _gregor_v1_DivergingEpoch, DivergingEpoch__Output as _gregor_v1_DivergingEpoch__Output } from '../../gregor/v1/DivergingEpoch';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchPartitionResult {
  'partition'?: (number);
  'error'?: (_gregor_v1_ReplicationError | null);
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'divergingEpoch'?: (_gregor_v1_DivergingEpoch | null);
  'records'?: (Buffer | Uint8Array | string);
}

export interface ReplicaFetchPartitionResult__Output {
  'partition': (number);
  'error': (_gregor_v1_ReplicationError__Output | null);
  'highWatermark': (string);
  'logStartOffset': (string);
  'logEndOffset': (string);
  'divergingEpoch': (_gregor_v1_DivergingEpoch__Output | null);
  'records': (Buffer);
}
