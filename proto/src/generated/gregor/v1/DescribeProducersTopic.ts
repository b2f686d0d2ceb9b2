// Original file: gregor/v1/client.proto

import type { DescribeProducersPartition as _gregor_v1_DescribeProducersPartition, DescribeProducersPartition__Output as _gregor_v1_DescribeProducersPartition__Output } from '../../gregor/v1/DescribeProducersPartition';

export interface DescribeProducersTopic {
  'name'?: (string);
  'partitions'?: (_gregor_v1_DescribeProducersPartition)[];
}

export interface DescribeProducersTopic__Output {
  'name': (string);
  'partitions': (_gregor_v1_DescribeProducersPartition__Output)[];
}
