// Original file: gregor/v1/records.proto

import type { RecordsTopicPartitions as _gregor_v1_RecordsTopicPartitions, RecordsTopicPartitions__Output as _gregor_v1_RecordsTopicPartitions__Output } from '../../gregor/v1/RecordsTopicPartitions';

export interface SubscribeAssignment {
  'partitions'?: (_gregor_v1_RecordsTopicPartitions)[];
  'generationId'?: (number);
  'memberId'?: (string);
}

export interface SubscribeAssignment__Output {
  'partitions': (_gregor_v1_RecordsTopicPartitions__Output)[];
  'generationId': (number);
  'memberId': (string);
}
