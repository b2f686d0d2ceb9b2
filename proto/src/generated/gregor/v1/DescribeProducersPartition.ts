// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { ProducerState as _gregor_v1_ProducerState, ProducerState__Output as _gregor_v1_ProducerState__Output } from '../../gregor/v1/ProducerState';

export interface DescribeProducersPartition {
  'partition'?: (number);
  'error'?: (_gregor_v1_Error | null);
  'activeProducers'?: (_gregor_v1_ProducerState)[];
}

export interface DescribeProducersPartition__Output {
  'partition': (number);
  'error': (_gregor_v1_Error__Output | null);
  'activeProducers': (_gregor_v1_ProducerState__Output)[];
}
