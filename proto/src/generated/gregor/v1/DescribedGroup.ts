// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { DescribedGroupMember as _gregor_v1_DescribedGroupMember, DescribedGroupMember__Output as _gregor_v1_DescribedGroupMember__Output } from '../../gregor/v1/DescribedGroupMember';

export interface DescribedGroup {
  'error'?: (_gregor_v1_Error | null);
  'groupId'?: (string);
  'groupState'?: (string);
  'protocolType'?: (string);
  'protocolData'?: (string);
  'members'?: (_gregor_v1_DescribedGroupMember)[];
}

export interface DescribedGroup__Output {
  'error': (_gregor_v1_Error__Output | null);
  'groupId': (string);
  'groupState': (string);
  'protocolType': (string);
  'protocolData': (string);
  'members': (_gregor_v1_DescribedGroupMember__Output)[];
}
