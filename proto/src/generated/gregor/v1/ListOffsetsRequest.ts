// Original file: gregor/v1/client.proto

import type { ListOffsetsTopic as _gregor_v1_ListOffsetsTopic, ListOffsetsTopic__Output as _gregor_v1_ListOffsetsTopic__Output } from '../../gregor/v1/ListOffsetsTopic';

export interface ListOffsetsRequest {
  'topics'?: (_gregor_v1_ListOffsetsTopic)[];
  'isolationLevel'?: (number);
}

export interface ListOffsetsRequest__Output {
  'topics': (_gregor_v1_ListOffsetsTopic__Output)[];
  'isolationLevel': (number);
}
