// Original file: gregor/v1/client.proto

import type { SyncGroupAssignment as _gregor_v1_SyncGroupAssignment, SyncGroupAssignment__Output as _gregor_v1_SyncGroupAssignment__Output } from '../../gregor/v1/SyncGroupAssignment';

export interface SyncGroupRequest {
  'groupId'?: (string);
  'generationId'?: (number);
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'protocolType'?: (string);
  'protocolName'?: (string);
  'assignments'?: (_gregor_v1_SyncGroupAssignment)[];
}

export interface SyncGroupRequest__Output {
  'groupId': (string);
  'generationId': (number);
  'memberId': (string);
  'groupInstanceId': (string);
  'protocolType': (string);
  'protocolName': (string);
  'assignments': (_gregor_v1_SyncGroupAssignment__Output)[];
}
