// Original file: gregor/v1/client.proto

import type { TxnPartitionResult as _gregor_v1_TxnPartitionResult, TxnPartitionResult__Output as _gregor_v1_TxnPartitionResult__Output } from '../../gregor/v1/TxnPartitionResult';

export interface TxnTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_TxnPartitionResult)[];
}

export interface TxnTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_TxnPartitionResult__Output)[];
}
