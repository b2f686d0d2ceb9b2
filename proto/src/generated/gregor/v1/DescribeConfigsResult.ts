// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { ResourceType as _gregor_v1_ResourceType, ResourceType__Output as _gregor_v1_ResourceType__Output } from '../../gregor/v1/ResourceType';
import type { ConfigEntry as _gregor_v1_ConfigEntry, ConfigEntry__Output as _gregor_v1_ConfigEntry__Output } from '../../gregor/v1/ConfigEntry';

export interface DescribeConfigsResult {
  'error'?: (_gregor_v1_Error | null);
  'resourceType'?: (_gregor_v1_ResourceType);
  'resourceName'?: (string);
  'configs'?: (_gregor_v1_ConfigEntry)[];
}

export interface DescribeConfigsResult__Output {
  'error': (_gregor_v1_Error__Output | null);
  'resourceType': (_gregor_v1_ResourceType__Output);
  'resourceName': (string);
  'configs': (_gregor_v1_ConfigEntry__Output)[];
}
