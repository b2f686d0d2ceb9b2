// Original file: gregor/v1/client.proto

import type { DescribeProducersTopic as _gregor_v1_DescribeProducersTopic, DescribeProducersTopic__Output as _gregor_v1_DescribeProducersTopic__Output } from '../../gregor/v1/DescribeProducersTopic';

export interface DescribeProducersResponse {
  'topics'?: (_gregor_v1_DescribeProducersTopic)[];
}

export interface DescribeProducersResponse__Output {
  'topics': (_gregor_v1_DescribeProducersTopic__Output)[];
}
