// Original file: gregor/v1/client.proto

import type { DescribeConfigsResult as _gregor_v1_DescribeConfigsResult, DescribeConfigsResult__Output as _gregor_v1_DescribeConfigsResult__Output } from '../../gregor/v1/DescribeConfigsResult';

export interface DescribeConfigsResponse {
  'results'?: (_gregor_v1_DescribeConfigsResult)[];
}

export interface DescribeConfigsResponse__Output {
  'results': (_gregor_v1_DescribeConfigsResult__Output)[];
}
