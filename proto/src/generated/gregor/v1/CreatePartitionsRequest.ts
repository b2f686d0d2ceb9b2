// Original file: gregor/v1/controller.proto

import type { CreatePartitionsTopic as _gregor_v1_CreatePartitionsTopic, CreatePartitionsTopic__Output as _gregor_v1_CreatePartitionsTopic__Output } from '../../gregor/v1/CreatePartitionsTopic';

export interface CreatePartitionsRequest {
  'topics'?: (_gregor_v1_CreatePartitionsTopic)[];
  'timeoutMs'?: (number);
  'validateOnly'?: (boolean);
}

export interface CreatePartitionsRequest__Output {
  'topics': (_gregor_v1_CreatePartitionsTopic__Output)[];
  'timeoutMs': (number);
  'validateOnly': (boolean);
}
