// Original file: gregor/v1/client.proto

import type { ProducePartition as _gregor_v1_ProducePartition, ProducePartition__Output as _gregor_v1_ProducePartition__Output } from '../../gregor/v1/ProducePartition';

export interface ProduceTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_ProducePartition)[];
}

export interface ProduceTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_ProducePartition__Output)[];
}
