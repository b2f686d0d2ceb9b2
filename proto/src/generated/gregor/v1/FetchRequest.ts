// Original file: gregor/v1/client.proto

import type { FetchTopic as _gregor_v1_FetchTopic, FetchTopic__Output as _gregor_v1_FetchTopic__Output } from '../../gregor/v1/FetchTopic';

export interface FetchRequest {
  'maxWaitMs'?: (number);
  'minBytes'?: (number);
  'maxBytes'?: (number);
  'topics'?: (_gregor_v1_FetchTopic)[];
  'isolationLevel'?: (number);
}

export interface FetchRequest__Output {
  'maxWaitMs': (number);
  'minBytes': (number);
  'maxBytes': (number);
  'topics': (_gregor_v1_FetchTopic__Output)[];
  'isolationLevel': (number);
}
