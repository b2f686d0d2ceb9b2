// Original file: gregor/v1/client.proto

import type { ResourceType as _gregor_v1_ResourceType, ResourceType__Output as _gregor_v1_ResourceType__Output } from '../../gregor/v1/ResourceType';

export interface ConfigResource {
  'resourceType'?: (_gregor_v1_ResourceType);
  'resourceName'?: (string);
  'configNames'?: (string)[];
}

export interface ConfigResource__Output {
  'resourceType': (_gregor_v1_ResourceType__Output);
  'resourceName': (string);
  'configNames': (string)[];
}
