// Original file: gregor/v1/client.proto

import type { TxnOffsetCommitPartition as _gregor_v1_TxnOffsetCommitPartition, TxnOffsetCommitPartition__Output as _gregor_v1_TxnOffsetCommitPartition__Output } from '../../gregor/v1/TxnOffsetCommitPartition';

export interface TxnOffsetCommitTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_TxnOffsetCommitPartition)[];
}

export interface TxnOffsetCommitTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_TxnOffsetCommitPartition__Output)[];
}
