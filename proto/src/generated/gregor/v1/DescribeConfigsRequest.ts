// Original file: gregor/v1/client.proto

import type { ConfigResource as _gregor_v1_ConfigResource, ConfigResource__Output as _gregor_v1_ConfigResource__Output } from '../../gregor/v1/ConfigResource';

export interface DescribeConfigsRequest {
  'resources'?: (_gregor_v1_ConfigResource)[];
}

export interface DescribeConfigsRequest__Output {
  'resources': (_gregor_v1_ConfigResource__Output)[];
}
