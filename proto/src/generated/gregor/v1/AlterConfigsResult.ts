// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { ResourceType as _gregor_v1_ResourceType, ResourceType__Output as _gregor_v1_ResourceType__Output } from '../../gregor/v1/ResourceType';

export interface AlterConfigsResult {
  'error'?: (_gregor_v1_Error | null);
  'resourceType'?: (_gregor_v1_ResourceType);
  'resourceName'?: (string);
}

export interface AlterConfigsResult__Output {
  'error': (_gregor_v1_Error__Output | null);
  'resourceType': (_gregor_v1_ResourceType__Output);
  'resourceName': (string);
}
