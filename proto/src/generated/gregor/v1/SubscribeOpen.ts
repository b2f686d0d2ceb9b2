// Original file: gregor/v1/records.proto

import type { SubscribeStart as _gregor_v1_SubscribeStart, SubscribeStart__Output as _gregor_v1_SubscribeStart__Output } from '../../gregor/v1/SubscribeStart';
import type { Long } from '@grpc/proto-loader';

export interface SubscribeOpen {
  'group'?: (string);
  'topics'?: (string)[];
  'start'?: (_gregor_v1_SubscribeStart);
  'startTimestampMs'?: (number | string | Long);
  'maxOutstandingRecords'?: (number);
  'maxOutstandingBytes'?: (number | string | Long);
  'ackDeadlineMs'?: (number);
  'clientId'?: (string);
  'replacesMemberId'?: (string);
}

export interface SubscribeOpen__Output {
  'group': (string);
  'topics': (string)[];
  'start': (_gregor_v1_SubscribeStart__Output);
  'startTimestampMs': (string);
  'maxOutstandingRecords': (number);
  'maxOutstandingBytes': (string);
  'ackDeadlineMs': (number);
  'clientId': (string);
  'replacesMemberId': (string);
}
