// Original file: gregor/v1/client.proto

import type { DescribedGroup as _gregor_v1_DescribedGroup, DescribedGroup__Output as _gregor_v1_DescribedGroup__Output } from '../../gregor/v1/DescribedGroup';

export interface DescribeGroupsResponse {
  'groups'?: (_gregor_v1_DescribedGroup)[];
}

export interface DescribeGroupsResponse__Output {
  'groups': (_gregor_v1_DescribedGroup__Output)[];
}
