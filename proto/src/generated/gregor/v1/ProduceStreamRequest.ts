// Original file: gregor/v1/client.proto

import type { ProduceRequest as _gregor_v1_ProduceRequest, ProduceRequest__Output as _gregor_v1_ProduceRequest__Output } from '../../gregor/v1/ProduceRequest';

export interface ProduceStreamRequest {
  'correlationId'?: (number);
  'request'?: (_gregor_v1_ProduceRequest | null);
}

export interface ProduceStreamRequest__Output {
  'correlationId': (number);
  'request': (_gregor_v1_ProduceRequest__Output | null);
}
