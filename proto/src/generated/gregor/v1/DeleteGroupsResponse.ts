// Original file: gregor/v1/client.proto

import type { DeletableGroupResult as _gregor_v1_DeletableGroupResult, DeletableGroupResult__Output as _gregor_v1_DeletableGroupResult__Output } from '../../gregor/v1/DeletableGroupResult';

export interface DeleteGroupsResponse {
  'results'?: (_gregor_v1_DeletableGroupResult)[];
}

export interface DeleteGroupsResponse__Output {
  'results': (_gregor_v1_DeletableGroupResult__Output)[];
}
