// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { JoinGroupMember as _gregor_v1_JoinGroupMember, JoinGroupMember__Output as _gregor_v1_JoinGroupMember__Output } from '../../gregor/v1/JoinGroupMember';

export interface JoinGroupResponse {
  'error'?: (_gregor_v1_Error | null);
  'generationId'?: (number);
  'protocolType'?: (string);
  'protocolName'?: (string);
  'leader'?: (string);
  'skipAssignment'?: (boolean);
  'memberId'?: (string);
  'members'?: (_gregor_v1_JoinGroupMember)[];
}

export interface JoinGroupResponse__Output {
  'error': (_gregor_v1_Error__Output | null);
  'generationId': (number);
  'protocolType': (string);
  'protocolName': (string);
  'leader': (string);
  'skipAssignment': (boolean);
  'memberId': (string);
  'members': (_gregor_v1_JoinGroupMember__Output)[];
}
