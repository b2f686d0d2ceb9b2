// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface OffsetCommitPartition {
  'partition'?: (number);
  'committedOffset'?: (number | string | Long);
  'committedLeaderEpoch'?: (number);
  'committedMetadata'?: (string);
}

export interface OffsetCommitPartition__Output {
  'partition': (number);
  'committedOffset': (string);
  'committedLeaderEpoch': (number);
  'committedMetadata': (string);
}
