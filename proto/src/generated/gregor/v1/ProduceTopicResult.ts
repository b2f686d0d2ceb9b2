// Original file: gregor/v1/client.proto

import type { ProducePartitionResult as _gregor_v1_ProducePartitionResult, ProducePartitionResult__Output as _gregor_v1_ProducePartitionResult__Output } from '../../gregor/v1/ProducePartitionResult';

export interface ProduceTopicResult {
  'name'?: (string);
  'partitions'?: (_gregor_v1_ProducePartitionResult)[];
}

export interface ProduceTopicResult__Output {
  'name': (string);
  'partitions': (_gregor_v1_ProducePartitionResult__Output)[];
}
