// Original file: gregor/v1/client.proto

import type { OffsetFetchTopic as _gregor_v1_OffsetFetchTopic, OffsetFetchTopic__Output as _gregor_v1_OffsetFetchTopic__Output } from '../../gregor/v1/OffsetFetchTopic';

export interface OffsetFetchRequest {
  'groupId'?: (string);
  'topics'?: (_gregor_v1_OffsetFetchTopic)[];
  'requireStable'?: (boolean);
}

export interface OffsetFetchRequest__Output {
  'groupId': (string);
  'topics': (_gregor_v1_OffsetFetchTopic__Output)[];
  'requireStable': (boolean);
}
