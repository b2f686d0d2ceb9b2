// Original file: gregor/v1/records.proto

import type { SubscribeOpen as _gregor_v1_SubscribeOpen, SubscribeOpen__Output as _gregor_v1_SubscribeOpen__Output } from '../../gregor/v1/SubscribeOpen';
import type { SubscribeAcks as _gregor_v1_SubscribeAcks, SubscribeAcks__Output as _gregor_v1_SubscribeAcks__Output } from '../../gregor/v1/SubscribeAcks';

export interface SubscribeRequest {
  'open'?: (_gregor_v1_SubscribeOpen | null);
  'ack'?: (_gregor_v1_SubscribeAcks | null);
  'kind'?: "open"|"ack";
}

export interface SubscribeRequest__Output {
  'open'?: (_gregor_v1_SubscribeOpen__Output | null);
  'ack'?: (_gregor_v1_SubscribeAcks__Output | null);
  'kind'?: "open"|"ack";
}
