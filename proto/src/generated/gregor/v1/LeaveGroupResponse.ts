// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { LeftMember as _gregor_v1_LeftMember, LeftMember__Output as _gregor_v1_LeftMember__Output } from '../../gregor/v1/LeftMember';

export interface LeaveGroupResponse {
  'error'?: (_gregor_v1_Error | null);
  'members'?: (_gregor_v1_LeftMember)[];
}

export interface LeaveGroupResponse__Output {
  'error': (_gregor_v1_Error__Output | null);
  'members': (_gregor_v1_LeftMember__Output)[];
}
