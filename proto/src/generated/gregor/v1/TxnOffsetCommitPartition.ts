// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface TxnOffsetCommitPartition {
  'partition'?: (number);
  'committedOffset'?: (number | string | Long);
  'committedLeaderEpoch'?: (number);
  'committedMetadata'?: (string);
}

export interface TxnOffsetCommitPartition__Output {
  'partition': (number);
  'committedOffset': (string);
  'committedLeaderEpoch': (number);
  'committedMetadata': (string);
}
