// Original file: gregor/v1/client.proto

import type { Error as _gregor_v1_Error, Error__Output as _gregor_v1_Error__Output } from '../../gregor/v1/Error';
import type { Long } from '@grpc/proto-loader';

export interface InitProducerIdResponse {
  'error'?: (_gregor_v1_Error | null);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
}

export interface InitProducerIdResponse__Output {
  'error': (_gregor_v1_Error__Output | null);
  'producerId': (string);
  'producerEpoch': (number);
}
