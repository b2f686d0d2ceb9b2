// Original file: gregor/v1/client.proto

import type { AlterConfigsResult as _gregor_v1_AlterConfigsResult, AlterConfigsResult__Output as _gregor_v1_AlterConfigsResult__Output } from '../../gregor/v1/AlterConfigsResult';

export interface AlterConfigsResponse {
  'results'?: (_gregor_v1_AlterConfigsResult)[];
}

export interface AlterConfigsResponse__Output {
  'results': (_gregor_v1_AlterConfigsResult__Output)[];
}
