// Original file: gregor/v1/client.proto

import type { Long } from '@grpc/proto-loader';

export interface ListTransactionsRequest {
  'stateFilters'?: (string)[];
  'producerIdFilters'?: (number | string | Long)[];
}

export interface ListTransactionsRequest__Output {
  'stateFilters': (string)[];
  'producerIdFilters': (string)[];
}
