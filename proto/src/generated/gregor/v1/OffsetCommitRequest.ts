// Original file: gregor/v1/client.proto

import type { OffsetCommitTopic as _gregor_v1_OffsetCommitTopic, OffsetCommitTopic__Output as _gregor_v1_OffsetCommitTopic__Output } from '../../gregor/v1/OffsetCommitTopic';

export interface OffsetCommitRequest {
  'groupId'?: (string);
  'generationId'?: (number);
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'topics'?: (_gregor_v1_OffsetCommitTopic)[];
}

export interface OffsetCommitRequest__Output {
  'groupId': (string);
  'generationId': (number);
  'memberId': (string);
  'groupInstanceId': (string);
  'topics': (_gregor_v1_OffsetCommitTopic__Output)[];
}
