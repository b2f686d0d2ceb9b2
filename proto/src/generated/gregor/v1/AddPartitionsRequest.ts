// Original file: gregor/v1/client.proto

import type { AddPartitionsTopic as _gregor_v1_AddPartitionsTopic, AddPartitionsTopic__Output as _gregor_v1_AddPartitionsTopic__Output } from '../../gregor/v1/AddPartitionsTopic';

export interface AddPartitionsRequest {
  'topics'?: (_gregor_v1_AddPartitionsTopic)[];
  'timeoutMs'?: (number);
  'validateOnly'?: (boolean);
}

export interface AddPartitionsRequest__Output {
  'topics': (_gregor_v1_AddPartitionsTopic__Output)[];
  'timeoutMs': (number);
  'validateOnly': (boolean);
}
