// Original file: gregor/v1/client.proto

import type { JoinGroupProtocol as _gregor_v1_JoinGroupProtocol, JoinGroupProtocol__Output as _gregor_v1_JoinGroupProtocol__Output } from '../../gregor/v1/JoinGroupProtocol';

export interface JoinGroupRequest {
  'groupId'?: (string);
  'sessionTimeoutMs'?: (number);
  'rebalanceTimeoutMs'?: (number);
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'protocolType'?: (string);
  'protocols'?: (_gregor_v1_JoinGroupProtocol)[];
  'reason'?: (string);
}

export interface JoinGroupRequest__Output {
  'groupId': (string);
  'sessionTimeoutMs': (number);
  'rebalanceTimeoutMs': (number);
  'memberId': (string);
  'groupInstanceId': (string);
  'protocolType': (string);
  'protocols': (_gregor_v1_JoinGroupProtocol__Output)[];
  'reason': (string);
}
