// Original file: gregor/v1/client.proto

import type { ProduceResponse as _gregor_v1_ProduceResponse, ProduceResponse__Output as _gregor_v1_ProduceResponse__Output } from '../../gregor/v1/ProduceResponse';
import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';

export interface ProduceStreamResponse {
  'correlationId'?: (number);
  'response'?: (_gregor_v1_ProduceResponse | null);
  'error'?: (_gregor_v1_Error | null);
}

export interface ProduceStreamResponse__Output {
  'correlationId': (number);
  'response': (_gregor_v1_ProduceResponse__Output | null);
  'error': (_gregor_v1_Error__Output | null);
}
