// Original file: gregor/v1/records.proto

import type { SubscribeStart as _gregor_v1_SubscribeStart, SubscribeStart__Output as _gregor_v1_SubscribeStart__Output } from '../../gregor/v1/SubscribeStart';
import type { IsolationLevel as _gregor_v1_IsolationLevel, IsolationLevel__Output as _gregor_v1_IsolationLevel__Output } from '../../gregor/v1/IsolationLevel';
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
  'isolationLevel'?: (_gregor_v1_IsolationLevel);
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
  'isolationLevel': (_gregor_v1_IsolationLevel__Output);
  'replacesMemberId': (string);
}
