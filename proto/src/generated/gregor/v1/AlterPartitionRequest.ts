// Original file: gregor/v1/controller.proto

import type { AlterPartitionItem as _gregor_v1_AlterPartitionItem, AlterPartitionItem__Output as _gregor_v1_AlterPartitionItem__Output } from '../../gregor/v1/AlterPartitionItem';
import type { Long } from '@grpc/proto-loader';

export interface AlterPartitionRequest {
  'brokerId'?: (number);
  'brokerEpoch'?: (number | string | Long);
  'partitions'?: (_gregor_v1_AlterPartitionItem)[];
  'timeoutMs'?: (number);
}

export interface AlterPartitionRequest__Output {
  'brokerId': (number);
  'brokerEpoch': (string);
  'partitions': (_gregor_v1_AlterPartitionItem__Output)[];
  'timeoutMs': (number);
}
