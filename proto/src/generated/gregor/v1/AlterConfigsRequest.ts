// Original file: gregor/v1/client.proto

import type { AlterConfigsResource as _gregor_v1_AlterConfigsResource, AlterConfigsResource__Output as _gregor_v1_AlterConfigsResource__Output } from '../../gregor/v1/AlterConfigsResource';

export interface AlterConfigsRequest {
  'resources'?: (_gregor_v1_AlterConfigsResource)[];
  'validateOnly'?: (boolean);
}

export interface AlterConfigsRequest__Output {
  'resources': (_gregor_v1_AlterConfigsResource__Output)[];
  'validateOnly': (boolean);
}
