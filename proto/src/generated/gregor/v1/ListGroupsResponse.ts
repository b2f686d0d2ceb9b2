// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { ListedGroup as _gregor_v1_ListedGroup, ListedGroup__Output as _gregor_v1_ListedGroup__Output } from '../../gregor/v1/ListedGroup';

export interface ListGroupsResponse {
  'error'?: (_gregor_v1_Error | null);
  'groups'?: (_gregor_v1_ListedGroup)[];
}

export interface ListGroupsResponse__Output {
  'error': (_gregor_v1_Error__Output | null);
  'groups': (_gregor_v1_ListedGroup__Output)[];
}
