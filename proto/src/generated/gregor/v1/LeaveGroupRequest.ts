// Original file: gregor/v1/client.proto

import type { LeavingMember as _gregor_v1_LeavingMember, LeavingMember__Output as _gregor_v1_LeavingMember__Output } from '../../gregor/v1/LeavingMember';

export interface LeaveGroupRequest {
  'groupId'?: (string);
  'members'?: (_gregor_v1_LeavingMember)[];
}

export interface LeaveGroupRequest__Output {
  'groupId': (string);
  'members': (_gregor_v1_LeavingMember__Output)[];
}
