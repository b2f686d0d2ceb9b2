// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { PartitionMetadata as _gregor_v1_PartitionMetadata, PartitionMetadata__Output as _gregor_v1_PartitionMetadata__Output } from '../../gregor/v1/PartitionMetadata';

export interface TopicMetadata {
  'error'?: (_gregor_v1_Error | null);
  'name'?: (string);
  'topicId'?: (string);
  'isInternal'?: (boolean);
  'partitions'?: (_gregor_v1_PartitionMetadata)[];
}

export interface TopicMetadata__Output {
  'error': (_gregor_v1_Error__Output | null);
  'name': (string);
  'topicId': (string);
  'isInternal': (boolean);
  'partitions': (_gregor_v1_PartitionMetadata__Output)[];
}
